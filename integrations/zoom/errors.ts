/**
 * Failures of Zoom API calls, classified for retries: network errors, timeouts, 5xx and 429 are retryable;
 * other 4xx are not. Messages carry Zoom's own text only, never tokens or start URLs.
 */

export type ZoomRateLimitType = 'QPS' | 'Daily-limit';

/** One entry of the `errors` list Zoom sends with code 300 "Validation Failed.". */
export interface ZoomFieldError {
  field: string;
  message: string;
}

export interface ZoomApiErrorDetails {
  /** HTTP status; 0 when no answer arrived (network error, timeout). */
  httpStatus: number;
  /** With no answer: the system's error code (ECONNREFUSED, ETIMEDOUT, ...), when there was one. */
  networkCode?: string;
  /** Zoom's error code (e.g. 124, 300, 1001, 3001), when the body had one. */
  code?: number;
  message: string;
  /** How long Zoom asked us to wait, from `Retry-After` (or the next 00:00 UTC for a daily limit). */
  retryAfterMs?: number;
  /** When the wait ends (epoch ms): when the answer came plus `retryAfterMs`, unless given. */
  retryAt?: number;
  rateLimitType?: ZoomRateLimitType;
  /** 'user' for the per-host daily cap on meeting creates and updates, 'account' for the label limits. */
  rateLimitScope?: 'account' | 'user';
  /** `METHOD /path` of the call, with ids but no query string. */
  operation?: string;
  /** Zoom's `x-zm-trackingid`, for support requests. */
  trackingId?: string;
  /** The fields a validation failure (code 300) names; `message` lists them too. */
  fieldErrors?: ZoomFieldError[];
  /** The scopes a 4711 names: the app lacks them. */
  missingScopes?: string[];
}

export class ZoomApiError extends Error {
  readonly httpStatus: number;
  readonly networkCode: string | undefined;
  readonly code: number | undefined;
  readonly retryAfterMs: number | undefined;
  /** One instant for every reader of the wait (the failure's message, a host's cap), taken when the answer came. */
  readonly retryAt: number | undefined;
  readonly rateLimitType: ZoomRateLimitType | undefined;
  readonly rateLimitScope: 'account' | 'user' | undefined;
  readonly operation: string | undefined;
  readonly trackingId: string | undefined;
  readonly fieldErrors: ZoomFieldError[];
  readonly missingScopes: string[];

  constructor(details: ZoomApiErrorDetails) {
    super(details.message);
    this.name = 'ZoomApiError';
    this.httpStatus = details.httpStatus;
    this.networkCode = details.networkCode;
    this.code = details.code;
    this.retryAfterMs = details.retryAfterMs;
    this.retryAt =
      details.retryAt ?? (details.retryAfterMs === undefined ? undefined : Date.now() + details.retryAfterMs);
    this.rateLimitType = details.rateLimitType;
    this.rateLimitScope = details.rateLimitScope;
    this.operation = details.operation;
    this.trackingId = details.trackingId;
    this.fieldErrors = details.fieldErrors ?? [];
    this.missingScopes = details.missingScopes ?? [];
  }

  get isRetryable(): boolean {
    return isRetryableStatus(this.httpStatus);
  }

  /**
   * No connection was made, so no byte of the request reached Zoom: refused (ECONNREFUSED), or the host name did not
   * resolve. A reset or a timeout may come after the request went out, so they prove nothing.
   */
  get requestNeverSent(): boolean {
    return this.httpStatus === 0 && this.networkCode !== undefined && NEVER_CONNECTED.has(this.networkCode);
  }

  get isRateLimited(): boolean {
    return this.httpStatus === 429;
  }

  /**
   * Zoom refuses the app itself, not this request: the token endpoint refused the account id, client id or secret
   * (400 `invalid_request`, 401 `invalid_client`), or the API refused a token (401, or 403 with code 124, "Invalid
   * access token."). Another 403 is Zoom's "no permission" for one resource, which asking again does not change.
   */
  get isCredentialRefusal(): boolean {
    if (this.operation === TOKEN_OPERATION) return this.httpStatus === 400 || this.httpStatus === 401;
    return this.httpStatus === 401 || (this.httpStatus === 403 && this.code === INVALID_TOKEN_CODE);
  }
}

const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** The `operation` of a Server-to-Server OAuth token request. */
export const TOKEN_OPERATION = 'POST /oauth/token';
/** Zoom's "Invalid access token." (and "Access token is expired."). */
export const INVALID_TOKEN_CODE = 124;

/** 0 (no answer), 429 and 5xx are worth retrying; any other status will not change by asking again. */
export function isRetryableStatus(httpStatus: number): boolean {
  return httpStatus === 0 || httpStatus === 429 || httpStatus >= 500;
}

const SECONDS = /^\s*\d+(\.\d+)?\s*$/;
// An ISO datetime (Zoom's daily limits) or an HTTP-date ("Sun, 31 May 2020 00:00:00 GMT").
const DATE = /^\s*(\d{4}-\d{2}-\d{2}T|[A-Za-z]{3},\s)/;

/**
 * Milliseconds to wait according to a `Retry-After` value: delta seconds or an HTTP/ISO date (a past date
 * means 0). Undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | number | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : undefined;
  if (SECONDS.test(value)) return Math.round(Number(value) * 1000);
  if (!DATE.test(value)) return undefined;
  const at = Date.parse(value.trim());
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** Milliseconds until the next 00:00 UTC, when Zoom's daily limits reset. */
export function msUntilNextUtcMidnight(nowMs: number): number {
  const day = 86_400_000;
  return (Math.floor(nowMs / day) + 1) * day - nowMs;
}

/**
 * Which 429 this is. Zoom does not always send `X-RateLimit-Type`, so the message text decides when it is
 * missing: "daily" means a daily limit, "this particular user" the per-host cap.
 */
export function classifyRateLimit(
  headerType: string | undefined,
  message: string,
): { rateLimitType?: ZoomRateLimitType; rateLimitScope: 'account' | 'user' } {
  const scope = /particular user/i.test(message) ? 'user' : 'account';
  const header = headerType?.trim().toLowerCase();
  if (header === 'qps') return { rateLimitType: 'QPS', rateLimitScope: scope };
  if (header === 'daily-limit') return { rateLimitType: 'Daily-limit', rateLimitScope: scope };
  if (/daily/i.test(message)) return { rateLimitType: 'Daily-limit', rateLimitScope: scope };
  if (/per-second|per-minute|per second/i.test(message)) return { rateLimitType: 'QPS', rateLimitScope: scope };
  return { rateLimitScope: scope };
}
