/**
 * What Google answered, in one shape for the activities: from the token endpoint (`{error, error_description}`,
 * RFC 6749 §5.2) or from the Calendar API (`{error:{code, message, errors:[{domain, reason, message}]}}`,
 * developers.google.com/workspace/calendar/api/guides/errors).
 */
export class GoogleCalendarError extends Error {
  constructor(
    /** HTTP status; 0 when no answer came (network, timeout). */
    readonly status: number,
    /** The API's `errors[0].reason`, or the token endpoint's `error` (e.g. `unauthorized_client`). */
    readonly reason: string,
    message: string,
    /** Where the answer came from: the token endpoint (impersonating the host) or the Calendar API. */
    readonly source: 'token' | 'api',
    /** Seconds from a `Retry-After` header, when Google sent one. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'GoogleCalendarError';
  }

  /** Worth another try later: rate limits (403/429 `rateLimitExceeded`, `userRateLimitExceeded`), 5xx, no answer. */
  get isRetryable(): boolean {
    if (this.status === 0 || this.status === 429 || this.status >= 500) return true;
    return this.status === 403 && (this.reason === 'rateLimitExceeded' || this.reason === 'userRateLimitExceeded');
  }
}

interface GaxiosLikeError {
  message?: string;
  code?: string | number;
  status?: number;
  config?: { url?: string | URL };
  response?: { status?: number; data?: unknown; headers?: unknown };
}

function headerOf(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** A gaxios error (google-auth-library and the generated client both throw them) as a `GoogleCalendarError`. */
export function googleCalendarError(error: unknown, tokenUrl: string): GoogleCalendarError {
  if (error instanceof GoogleCalendarError) return error;
  const e = (error ?? {}) as GaxiosLikeError;
  const status = e.response?.status ?? 0;
  const data = e.response?.data as
    | {
        error?: string | { message?: string; errors?: { reason?: string; message?: string }[] };
        error_description?: string;
      }
    | undefined;
  const retryAfter = Number(headerOf(e.response?.headers, 'retry-after'));
  const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined;
  if (typeof data?.error === 'string') {
    return new GoogleCalendarError(
      status,
      data.error,
      data.error_description ?? data.error,
      'token',
      retryAfterSeconds,
    );
  }
  if (data?.error && typeof data.error === 'object') {
    const first = data.error.errors?.[0];
    return new GoogleCalendarError(
      status,
      first?.reason ?? String(status),
      data.error.message ?? first?.message ?? `HTTP ${status}`,
      'api',
      retryAfterSeconds,
    );
  }
  const url = String(e.config?.url ?? '');
  const source = url.startsWith(tokenUrl) ? 'token' : 'api';
  return new GoogleCalendarError(
    status,
    String(e.code ?? status),
    e.message ?? String(error),
    source,
    retryAfterSeconds,
  );
}
