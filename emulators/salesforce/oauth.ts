import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * OAuth 2.0 of the org's connected app: `POST /services/oauth2/token` for the client-credentials (runs as the
 * app's "Run As" user), password and refresh-token grants, and the access tokens it issues. Every token
 * response carries `id`, the identity URL jsforce needs.
 */

export interface ConnectedApp {
  clientId: string;
  clientSecret: string;
}

export interface UserCredentials {
  username: string;
  password: string;
}

export interface OAuthContext {
  app: ConnectedApp;
  orgId: string;
  /** The user the client-credentials flow runs as. */
  runAsUserId: string;
  /** The user id for a username/password pair, or undefined when they do not match. */
  authenticate(username: string, password: string): string | undefined;
  sessions: Sessions;
  now: () => number;
}

/** Access and refresh tokens; expiring all access tokens is how tests play a timed-out session. */
export class Sessions {
  private readonly access = new Map<string, string>();
  private readonly refresh = new Map<string, string>();

  constructor(private readonly orgId: string) {}

  issueAccessToken(userId: string): string {
    // Salesforce access tokens start with the org id and `!`.
    const token = `${this.orgId.slice(0, 15)}!${randomBytes(48).toString('base64url')}`;
    this.access.set(token, userId);
    return token;
  }

  issueRefreshToken(userId: string): string {
    const token = `5Aep8${randomBytes(40).toString('base64url')}`;
    this.refresh.set(token, userId);
    return token;
  }

  userOfAccessToken(token: string): string | undefined {
    return this.access.get(token);
  }

  userOfRefreshToken(token: string): string | undefined {
    return this.refresh.get(token);
  }

  /** Invalidates every access token (refresh tokens stay valid); returns how many there were. */
  expireAll(): number {
    const count = this.access.size;
    this.access.clear();
    return count;
  }
}

/** The bearer token of a request: `Authorization: Bearer|OAuth <token>`, or `?oauth_token=` (identity URL). */
export function accessTokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^(?:Bearer|OAuth)\s+(.+)$/i.exec(header.trim()) : null;
  if (match) return match[1];
  const query = request.query as Record<string, unknown> | undefined;
  return typeof query?.oauth_token === 'string' ? query.oauth_token : undefined;
}

/** The emulator's own base URL as the client reached it (Salesforce's `instance_url`). */
export function baseUrlOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.headers.host ?? request.hostname}`;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function oauthError(reply: FastifyReply, error: string, description: string, status = 400) {
  return reply.code(status).send({ error, error_description: description });
}

/** Client id and secret from the form body or HTTP Basic authentication. */
function clientOf(request: FastifyRequest, form: Record<string, string>): { id?: string; secret?: string } {
  const basic = /^Basic\s+(.+)$/i.exec(request.headers.authorization ?? '');
  if (basic) {
    const [id, secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
    return { id: decodeURIComponent(id ?? ''), secret: decodeURIComponent(secret ?? '') };
  }
  return { id: form.client_id, secret: form.client_secret };
}

export function registerOAuthRoutes(app: FastifyInstance, context: OAuthContext): void {
  app.post('/services/oauth2/token', async (request, reply) => {
    const form = (request.body ?? {}) as Record<string, string>;
    const client = clientOf(request, form);
    if (client.id !== context.app.clientId) return oauthError(reply, 'invalid_client_id', 'client identifier invalid');

    let userId: string | undefined;
    let withRefreshToken = false;
    switch (form.grant_type) {
      case 'client_credentials':
        if (!client.secret || !sameSecret(client.secret, context.app.clientSecret)) {
          return oauthError(reply, 'invalid_client', 'invalid client credentials');
        }
        userId = context.runAsUserId;
        break;
      case 'password':
        if (!client.secret || !sameSecret(client.secret, context.app.clientSecret)) {
          return oauthError(reply, 'invalid_client', 'invalid client credentials');
        }
        userId = context.authenticate(form.username ?? '', form.password ?? '');
        if (!userId) return oauthError(reply, 'invalid_grant', 'authentication failure');
        withRefreshToken = true;
        break;
      case 'refresh_token':
        // A connected app may let public clients refresh without the secret; a wrong secret still fails.
        if (client.secret !== undefined && !sameSecret(client.secret, context.app.clientSecret)) {
          return oauthError(reply, 'invalid_client', 'invalid client credentials');
        }
        userId = context.sessions.userOfRefreshToken(form.refresh_token ?? '');
        if (!userId) return oauthError(reply, 'invalid_grant', 'expired access/refresh token');
        break;
      default:
        return oauthError(reply, 'unsupported_grant_type', 'grant type not supported');
    }

    const instanceUrl = baseUrlOf(request);
    const id = `${instanceUrl}/id/${context.orgId}/${userId}`;
    const issuedAt = String(context.now());
    return reply.send({
      access_token: context.sessions.issueAccessToken(userId),
      ...(withRefreshToken ? { refresh_token: context.sessions.issueRefreshToken(userId) } : {}),
      signature: createHmac('sha256', context.app.clientSecret)
        .update(id + issuedAt)
        .digest('base64'),
      scope: withRefreshToken ? 'refresh_token api' : 'api',
      instance_url: instanceUrl,
      id,
      token_type: 'Bearer',
      issued_at: issuedAt,
    });
  });
}
