import { type FastifyReply } from 'fastify';

/**
 * Calendar API v3 error bodies, in Google's legacy JSON shape (developers.google.com/workspace/calendar/api/guides/errors):
 * `{"error":{"errors":[{"domain","reason","message",…}],"code":<http status>,"message":<text>}}`. The token endpoint
 * answers OAuth-style `{error, error_description}` instead (RFC 6749 §5.2; see `oauth.ts`).
 */

export interface GoogleErrorItem {
  domain: string;
  reason: string;
  message: string;
  locationType?: string;
  location?: string;
}

export class CalendarApiError extends Error {
  constructor(
    readonly code: number,
    readonly item: GoogleErrorItem,
  ) {
    super(item.message);
    this.name = 'CalendarApiError';
  }
}

/** The body Google sends with an error: also what tests inject as a fault (`/_emulator/faults`). */
export function googleErrorBody(code: number, domain: string, reason: string, message: string) {
  return { error: { errors: [{ domain, reason, message }], code, message } };
}

const error = (code: number, domain: string, reason: string, message: string, extra: Partial<GoogleErrorItem> = {}) =>
  new CalendarApiError(code, { domain, reason, message, ...extra });

export const CalendarErrors = {
  // "401: Invalid Credentials … the access token you're using is either expired or invalid" (errors guide).
  invalidCredentials: () =>
    error(401, 'global', 'authError', 'Invalid Credentials', { locationType: 'header', location: 'Authorization' }),
  insufficientScopes: () =>
    error(403, 'global', 'insufficientPermissions', 'Request had insufficient authentication scopes.'),
  notFound: () => error(404, 'global', 'notFound', 'Not Found'),
  // "410: Gone … deleting an event that was already deleted" (errors guide).
  deleted: () => error(410, 'global', 'deleted', 'Resource has been deleted'),
  // "409: The requested identifier already exists" (errors guide): also for the id of a deleted event.
  duplicate: () => error(409, 'global', 'duplicate', 'The requested identifier already exists.'),
  invalid: (message: string) => error(400, 'global', 'invalid', message),
  required: (message: string) => error(400, 'global', 'required', message),
  timeRangeEmpty: () => error(400, 'calendar', 'timeRangeEmpty', 'The specified time range is empty.'),
  // "403: Rate Limit Exceeded" and "429: Too many requests" (errors guide), both `usageLimits`.
  rateLimitExceeded: () => error(403, 'usageLimits', 'rateLimitExceeded', 'Rate Limit Exceeded'),
  tooManyRequests: () => error(429, 'usageLimits', 'rateLimitExceeded', 'Rate Limit Exceeded'),
  backendError: () => error(500, 'global', 'backendError', 'Backend Error'),
};

export function sendCalendarError(reply: FastifyReply, failure: CalendarApiError): FastifyReply {
  return reply.code(failure.code).send({
    error: { errors: [failure.item], code: failure.code, message: failure.item.message },
  });
}
