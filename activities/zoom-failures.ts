import { ZoomApiError } from '../integrations/zoom/errors';
import { FailureTypes, permanentFailure, rateLimitedFailure } from './failures';

/** Zoom's code for "meeting not found or expired". */
export const ZOOM_MEETING_NOT_FOUND = 3001;

/** Zoom errors as Temporal failures: 429 waits as told, other retryable errors retry, the rest are permanent. */
export function zoomFailure(error: unknown, what: string): unknown {
  if (!(error instanceof ZoomApiError)) return error;
  if (error.httpStatus === 429)
    return rateLimitedFailure(`Zoom rate limit while trying to ${what}`, error.retryAfterMs);
  if (error.isRetryable) return error;
  if (error.code === ZOOM_MEETING_NOT_FOUND) {
    return permanentFailure(FailureTypes.zoomMeetingGone, 'The Zoom meeting no longer exists in Zoom');
  }
  return permanentFailure(FailureTypes.zoomValidation, `Zoom refused to ${what}: ${error.message}`);
}
