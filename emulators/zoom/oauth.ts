import { timingSafeEqual } from 'node:crypto';
import { type FastifyInstance, type FastifyRequest } from 'fastify';
import { OAuthError, ZoomErrors, type ZoomError } from './errors';
import { ALL_ROUTE_SCOPES } from './scopes';
import { randomToken } from './store';

/**
 * Server-to-Server OAuth (`grant_type=account_credentials`): access tokens live one hour, several may be valid
 * at once, and there is no refresh token. Each token carries the app's granted scopes (`scope`, space-separated);
 * by default every scope a route needs (`scopes.ts`), option `grantedScopes` or `POST /_emulator/scopes` for fewer.
 */

export interface ZoomCredentials {
  accountId: string;
  clientId: string;
  clientSecret: string;
}

export const TOKEN_TTL_SECONDS = 3600;

interface IssuedToken {
  /** Epoch ms at which it stops working. */
  expiresAt: number;
  /** The app's scopes when the token was issued; a later change of the app's scopes needs a new token. */
  scopes: ReadonlySet<string>;
}

export class AccessTokens {
  /** Tokens outlive an admin reset, as they would a data change. */
  private readonly issued = new Map<string, IssuedToken>();
  /** The scopes the app has been granted (`POST /_emulator/scopes` changes them for tokens issued later). */
  private granted: string[];

  constructor(
    private readonly now: () => number,
    grantedScopes: readonly string[] = ALL_ROUTE_SCOPES,
  ) {
    this.granted = [...grantedScopes];
  }

  get grantedScopes(): readonly string[] {
    return this.granted;
  }

  grant(scopes: readonly string[]): void {
    this.granted = [...scopes];
  }

  issue(): { token: string; scope: string } {
    const token = randomToken(32);
    this.issued.set(token, { expiresAt: this.now() + TOKEN_TTL_SECONDS * 1000, scopes: new Set(this.granted) });
    return { token, scope: this.granted.join(' ') };
  }

  /** The token of this `Authorization` header, or the API error when it carries no live bearer token. */
  check(authorization: string | undefined): IssuedToken | ZoomError {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    const token = match ? this.issued.get(match[1]) : undefined;
    if (token === undefined) return ZoomErrors.invalidAccessToken();
    if (this.now() >= token.expiresAt) return ZoomErrors.expiredAccessToken();
    return token;
  }

  /** Every token issued so far stops working (Zoom: "tokens stop working when the app is deactivated"). */
  revokeAll(): number {
    const revoked = this.issued.size;
    this.issued.clear();
    return revoked;
  }

  expireAll(): number {
    const past = this.now() - 1;
    for (const token of this.issued.values()) token.expiresAt = past;
    return this.issued.size;
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
      const issued = tokens.issue();
      return reply.send({
        access_token: issued.token,
        token_type: 'bearer',
        expires_in: TOKEN_TTL_SECONDS,
        scope: issued.scope,
        api_url: `${request.protocol}://${request.host}`,
      });
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      return reply.code(error.httpStatus).send({ reason: error.reason, error: error.error });
    }
  });
}
