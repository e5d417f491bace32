/**
 * Failures of Salesforce API calls, classified for retries. Transient ones (the daily API limit, 5xx, network
 * errors, a locked row) are retryable; the org refusing the data (unknown field, validation, missing record)
 * is not, and asking again will not change the answer.
 */

const RETRYABLE_CODES = new Set([
  'REQUEST_LIMIT_EXCEEDED',
  'UNABLE_TO_LOCK_ROW',
  'SERVER_UNAVAILABLE',
  'UNKNOWN_EXCEPTION',
  'QUERY_TIMEOUT',
]);

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
]);
const NETWORK_MESSAGES = /socket hang up|fetch failed|network error|ECONNRESET|ECONNREFUSED|ETIMEDOUT|timed? ?out/i;

export interface SalesforceApiErrorDetails {
  errorCode: string;
  message: string;
  fields?: string[];
  /** HTTP status when known (jsforce keeps it only in `ERROR_HTTP_<status>` codes). */
  httpStatus?: number;
}

export class SalesforceApiError extends Error {
  readonly errorCode: string;
  readonly fields: string[];
  readonly httpStatus: number | undefined;

  constructor(details: SalesforceApiErrorDetails) {
    super(details.message);
    this.name = 'SalesforceApiError';
    this.errorCode = details.errorCode;
    this.fields = details.fields ?? [];
    this.httpStatus = details.httpStatus;
  }

  get isRetryable(): boolean {
    if (RETRYABLE_CODES.has(this.errorCode) || NETWORK_CODES.has(this.errorCode)) return true;
    return (
      this.httpStatus !== undefined && (this.httpStatus === 0 || this.httpStatus === 429 || this.httpStatus >= 500)
    );
  }
}

type ErrorLike = {
  name?: unknown;
  message?: unknown;
  errorCode?: unknown;
  code?: unknown;
  data?: unknown;
  cause?: unknown;
};

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}

/** The network error code of `error` or of its cause (undici wraps them as "fetch failed"). */
function networkCode(error: ErrorLike): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as ErrorLike).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    current = (current as ErrorLike).cause;
  }
  return undefined;
}

/** Any failure of a jsforce call (HttpApiError, OAuth error, network error) as a SalesforceApiError. */
export function toSalesforceError(error: unknown): SalesforceApiError {
  if (error instanceof SalesforceApiError) return error;
  if (typeof error !== 'object' || error === null) {
    return new SalesforceApiError({ errorCode: 'UNKNOWN', message: String(error) });
  }
  const e = error as ErrorLike;
  const message = stringOr(e.message, 'Salesforce call failed');
  const network = networkCode(e);
  if (network) return new SalesforceApiError({ errorCode: network, message, httpStatus: 0 });
  // The client's own request timeout (SALESFORCE_REQUEST_TIMEOUT_MS) aborts the fetch: Salesforce answered nothing,
  // so the next attempt may succeed. (jsforce's message claims a fixed 10 minutes whatever the timeout.)
  if (e.name === 'AbortError') {
    return new SalesforceApiError({
      errorCode: 'REQUEST_TIMEOUT',
      message: "Salesforce did not answer within the client's request timeout",
      httpStatus: 0,
    });
  }

  const data = (typeof e.data === 'object' && e.data !== null ? e.data : {}) as { fields?: unknown };
  const code = stringOr(e.errorCode, stringOr(e.name, 'UNKNOWN'));
  const http = /^ERROR_HTTP_(\d{3})$/.exec(code);
  if (code === 'Error' || code === 'TypeError' || code === 'FetchError') {
    if (NETWORK_MESSAGES.test(message))
      return new SalesforceApiError({ errorCode: 'NETWORK_ERROR', message, httpStatus: 0 });
  }
  return new SalesforceApiError({
    errorCode: code,
    message,
    fields: Array.isArray(data.fields) ? data.fields.map(String) : undefined,
    httpStatus: http ? Number(http[1]) : undefined,
  });
}
