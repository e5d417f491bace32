import { timingSafeEqual } from 'node:crypto';
import { type FastifyInstance, type FastifyRequest } from 'fastify';
import { OAuthError, ZoomErrors, type ZoomError } from './errors';
import { randomToken } from './store';

/**
 * Server-to-Server OAuth (`grant_type=account_credentials`): access tokens live one hour, several may be valid
 * at once, and there is no refresh token.
 */

export interface ZoomCredentials {
  accountId: string;
  clientId: string;
  clientSecret: string;
}

export const TOKEN_TTL_SECONDS = 3600;

/** Granular scopes of an app that manages the account's meetings and reads its users. */
export const GRANTED_SCOPES = [
  'meeting:read:meeting:admin',
  'meeting:write:meeting:admin',
  'meeting:update:meeting:admin',
  'meeting:delete:meeting:admin',
  'meeting:read:list_meetings:admin',
  'user:read:user:admin',
  'user:read:list_users:admin',
].join(' ');

export class AccessTokens {
  /** Token → epoch ms at which it stops working. Tokens outlive an admin reset, as they would a data change. */
  private readonly expiries = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  issue(): string {
    const token = randomToken(32);
    this.expiries.set(token, this.now() + TOKEN_TTL_SECONDS * 1000);
    return token;
  }

  /** The API error for this `Authorization` header, or undefined when it carries a live bearer token. */
  rejectionOf(authorization: string | undefined): ZoomError | undefined {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    const expiresAt = match ? this.expiries.get(match[1]) : undefined;
    if (expiresAt === undefined) return ZoomErrors.invalidAccessToken();
    if (this.now() >= expiresAt) return ZoomErrors.expiredAccessToken();
    return undefined;
  }

  expireAll(): number {
    const past = this.now() - 1;
    for (const token of this.expiries.keys()) this.expiries.set(token, past);
    return this.expiries.size;
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function basicCredentials(authorization: string | undefined): { clientId: string; clientSecret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  return { clientId: decoded.slice(0, colon), clientSecret: decoded.slice(colon + 1) };
}

/** Token parameters come from the query string or a form body; the body wins when both name one. */
function tokenParams(request: FastifyRequest): Record<string, string | undefined> {
  const query = (request.query ?? {}) as Record<string, string | undefined>;
  const body = request.body && typeof request.body === 'object' ? (request.body as Record<string, string>) : {};
  return { ...query, ...body };
}

export function registerOAuthRoutes(app: FastifyInstance, credentials: ZoomCredentials, tokens: AccessTokens): void {
  // Zoom's token endpoint takes a form body; fastify parses only JSON unless told otherwise.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.post('/oauth/token', async (request, reply) => {
    try {
      const client = basicCredentials(request.headers.authorization);
      if (
        !client ||
        !sameSecret(client.clientId, credentials.clientId) ||
        !sameSecret(client.clientSecret, credentials.clientSecret)
      ) {
        throw new OAuthError(401, 'invalid_client', 'Invalid client_id or client_secret');
      }
      const params = tokenParams(request);
      if (params.grant_type !== 'account_credentials') {
        throw new OAuthError(400, 'unsupported_grant_type', 'Unsupported grant type');
      }
      if (params.account_id !== credentials.accountId) {
        throw new OAuthError(400, 'invalid_request', 'Invalid account_id');
      }
      return reply.send({
        access_token: tokens.issue(),
        token_type: 'bearer',
        expires_in: TOKEN_TTL_SECONDS,
        scope: GRANTED_SCOPES,
        api_url: `${request.protocol}://${request.host}`,
      });
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      return reply.code(error.httpStatus).send({ reason: error.reason, error: error.error });
    }
  });
}
