import { generateKeyPairSync, randomBytes, verify, type KeyObject } from 'node:crypto';
import { type FastifyInstance } from 'fastify';

/**
 * Google's OAuth 2.0 token endpoint for a service account with domain-wide delegation: the JWT bearer grant
 * (RFC 7523) as developers.google.com/identity/protocols/oauth2/service-account describes it. The assertion is
 * checked as Google checks it: RS256 signature by the service account's key, `iss` the account, `aud` Google's
 * token URL, `exp` at most an hour after `iat`, a `scope`, and `sub` (the user impersonated) a user of the domain
 * for whom the scopes were delegated.
 */

/** `aud` of every assertion: google-auth-library keeps Google's URL even when the request goes elsewhere. */
export const GOOGLE_TOKEN_AUDIENCE = 'https://oauth2.googleapis.com/token';
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const CALENDAR_EVENTS_SCOPE = 'https://www.googleapis.com/auth/calendar.events';
/** Either scope opens the events endpoints ("Authorization" of each method in the Calendar API reference). */
export const EVENT_SCOPES = [CALENDAR_EVENTS_SCOPE, 'https://www.googleapis.com/auth/calendar'];
export const TOKEN_TTL_SECONDS = 3599;
/** Clock skew tolerated on `iat` and `exp`, as Google allows a few minutes [I: the exact figure is not documented]. */
const CLOCK_SKEW_S = 300;

/** A service account's JSON key, as the Cloud console downloads it (only the fields clients read). */
export interface ServiceAccountKey {
  type: 'service_account';
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  token_uri: string;
}

export interface DemoServiceAccount {
  key: ServiceAccountKey;
  publicKey: KeyObject;
}

/** A fresh key pair for the demo service account: made at start, held in memory, never committed. */
export function createDemoServiceAccount(tokenUri = GOOGLE_TOKEN_AUDIENCE): DemoServiceAccount {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    publicKey,
    key: {
      type: 'service_account',
      project_id: 'demo-project',
      private_key_id: randomBytes(20).toString('hex'),
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
      client_email: 'zoom-salesforce@demo-project.iam.gserviceaccount.com',
      client_id: '100000000000000000001',
      token_uri: tokenUri,
    },
  };
}

export interface IssuedToken {
  /** The user impersonated (`sub`), whose calendar `primary` is; absent for the service account itself. */
  user?: string;
  scopes: ReadonlySet<string>;
  expiresAt: number;
}

class OAuthError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

const invalidGrant = (description: string) => new OAuthError(400, 'invalid_grant', description);

export class AccessTokens {
  private readonly issued = new Map<string, IssuedToken>();
  /** The scopes the domain's admin delegated to the service account (Admin console → API controls). */
  private delegated: string[];

  constructor(
    private readonly now: () => number,
    private readonly account: { email: string; publicKey: KeyObject },
    /** Users of the Workspace domain (lower-case e-mail): only they can be impersonated. */
    private readonly users: ReadonlySet<string>,
    private readonly defaultDelegation: readonly string[] = [CALENDAR_EVENTS_SCOPE],
  ) {
    this.delegated = [...defaultDelegation];
  }

  get delegatedScopes(): readonly string[] {
    return this.delegated;
  }

  delegate(scopes: readonly string[]): void {
    this.delegated = [...scopes];
  }

  reset(): void {
    this.delegated = [...this.defaultDelegation];
  }

  /** The bearer token of an `Authorization` header, if it is live. */
  check(authorization: string | undefined): IssuedToken | undefined {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    const token = match ? this.issued.get(match[1]) : undefined;
    return token && this.now() < token.expiresAt ? token : undefined;
  }

  expireAll(): number {
    for (const token of this.issued.values()) token.expiresAt = this.now() - 1;
    return this.issued.size;
  }

  /** Verifies a JWT bearer assertion and issues a token for it, or throws the error Google answers. */
  grant(assertion: string | undefined): { token: string; issued: IssuedToken } {
    const parts = (assertion ?? '').split('.');
    if (parts.length !== 3)
      throw invalidGrant('Invalid JWT: Token must be a short-lived token and in a reasonable timeframe');
    const [headerPart, claimsPart, signaturePart] = parts;
    const header = decodeJson(headerPart);
    const claims = decodeJson(claimsPart);
    // google-auth-library sends `{"alg":"RS256"}` only: `typ` and `kid` are not required.
    if (!header || header.alg !== 'RS256' || !claims) throw invalidGrant('Invalid JWT Signature.');
    const signed = Buffer.from(`${headerPart}.${claimsPart}`);
    const signature = Buffer.from(signaturePart, 'base64url');
    if (claims.iss !== this.account.email || !verify('RSA-SHA256', signed, this.account.publicKey, signature)) {
      throw invalidGrant('Invalid JWT Signature.');
    }
    if (claims.aud !== GOOGLE_TOKEN_AUDIENCE) throw invalidGrant('Invalid JWT: Failed audience check.');
    const nowS = Math.floor(this.now() / 1000);
    const { iat, exp } = claims;
    if (
      typeof iat !== 'number' ||
      typeof exp !== 'number' ||
      exp - iat > 3600 ||
      iat > nowS + CLOCK_SKEW_S ||
      exp < nowS - CLOCK_SKEW_S
    ) {
      throw invalidGrant(
        'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. ' +
          'Check your iat and exp values in the JWT claim.',
      );
    }
    const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [];
    if (scopes.length === 0) throw new OAuthError(400, 'invalid_scope', 'Empty or missing scope not allowed.');
    let user: string | undefined;
    if (claims.sub !== undefined) {
      user = String(claims.sub).toLowerCase();
      // Google's answer for delegation to an address that is no user of the domain.
      if (!this.users.has(user)) throw invalidGrant('Invalid email or User ID');
      if (!scopes.every((scope) => this.delegated.includes(scope))) {
        // No delegation, or one without every scope asked for (seen as 401 in google-auth-library-nodejs#1514).
        throw new OAuthError(
          401,
          'unauthorized_client',
          'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of ' +
            'the scopes requested.',
        );
      }
    }
    const token = randomBytes(32).toString('base64url');
    const issued: IssuedToken = {
      ...(user ? { user } : {}),
      scopes: new Set(scopes),
      expiresAt: this.now() + TOKEN_TTL_SECONDS * 1000,
    };
    this.issued.set(`ya29.${token}`, issued);
    return { token: `ya29.${token}`, issued };
  }
}

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function registerTokenRoute(app: FastifyInstance, tokens: AccessTokens): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.post('/token', async (request, reply) => {
    const params = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, string>;
    try {
      if (params.grant_type !== JWT_BEARER_GRANT) {
        throw new OAuthError(400, 'unsupported_grant_type', `Invalid grant_type: ${params.grant_type ?? ''}`);
      }
      const { token } = tokens.grant(params.assertion);
      return reply.send({ access_token: token, expires_in: TOKEN_TTL_SECONDS, token_type: 'Bearer' });
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      return reply.code(error.httpStatus).send({ error: error.error, error_description: error.description });
    }
  });
}
