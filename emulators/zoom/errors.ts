import { type FastifyReply } from 'fastify';

/**
 * Zoom's error bodies. API errors are `{code, message}` with Zoom's numeric codes; the token endpoint answers
 * OAuth-style `{reason, error}` instead. A bad field is `{"code":300,"message":"Validation Failed.","errors":
 * [{"field":…,"message":…}]}`: the field is named in `errors`, never in `message` (a real answer is quoted in
 * jrchamp/moodle-mod_zoom#511; real-service-findings §9).
 */

export interface ZoomFieldError {
  field: string;
  message: string;
}

export class ZoomError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: number,
    message: string,
    /** Extra response headers, e.g. the `X-RateLimit-*` set of a 429. */
    readonly headers: Record<string, string> = {},
    /** The `errors` list of a validation failure. */
    readonly fieldErrors: ZoomFieldError[] = [],
  ) {
    super(message);
    this.name = 'ZoomError';
  }
}

export const ZoomErrors = {
  invalidAccessToken: () => new ZoomError(401, 124, 'Invalid access token.'),
  expiredAccessToken: () => new ZoomError(401, 124, 'Access token is expired.'),
  userNotFound: (userId: string) => new ZoomError(404, 1001, `User does not exist: ${userId}.`),
  meetingNotFound: (meetingId: string) => new ZoomError(404, 3001, `Meeting ${meetingId} is not found or has expired.`),
  pastMeetingNotFound: (meetingId: string) => new ZoomError(404, 3001, `Meeting does not exist: ${meetingId}.`),
  noRecording: () => new ZoomError(404, 3301, 'There is no recording for this meeting.'),
  meetingInProgress: () => new ZoomError(400, 3002, 'Sorry, you cannot delete this meeting since it is in progress.'),
  cannotDeletePmi: () => new ZoomError(400, 3018, 'Not allowed to delete PMI.'),
  invalidField: (field: string, why: string) =>
    new ZoomError(400, 300, 'Validation Failed.', {}, [{ field, message: why }]),
  invalidBody: () => new ZoomError(400, 300, 'Request Body should be a valid JSON object.'),
  invalidPageToken: () => new ZoomError(400, 300, 'The next page token is invalid or expired.'),
  notFound: () => new ZoomError(404, 404, 'Not Found.'),
  rateLimited: (message: string, headers: Record<string, string>) => new ZoomError(429, 429, message, headers),
  internal: () => new ZoomError(500, 500, 'Internal server error.'),
};

export function sendZoomError(reply: FastifyReply, error: ZoomError): FastifyReply {
  const body = { code: error.code, message: error.message };
  return reply
    .code(error.httpStatus)
    .headers(error.headers)
    .send(error.fieldErrors.length > 0 ? { ...body, errors: error.fieldErrors } : body);
}

export class OAuthError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly error: 'invalid_client' | 'invalid_request' | 'unsupported_grant_type',
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'OAuthError';
  }
}
