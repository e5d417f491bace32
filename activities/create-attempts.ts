import { ZoomApiError } from '../integrations/zoom/errors';

/**
 * Whether a retry of a meeting create must first look for a meeting the previous attempt made. Only an attempt
 * whose request may have reached Zoom without an answer coming back (a crash, a timeout, a 5xx) can have left
 * one; an attempt Zoom answered with a 4xx, 429 included, made nothing, and so did one whose connection was
 * refused (nothing was sent). Listing the host's meetings costs calls under the same rate limit, so a retry after
 * a 429 that listed first would feed the storm it is waiting out.
 */

/** What a create attempt leaves in its heartbeat details when Zoom's answer proved nothing was made. */
export interface CreateAttemptRecord {
  nothingCreatedInAttempt: number;
}

/** Zoom answered and refused (4xx, 429 included), or never got the request: no meeting was made by it. */
export function provesNothingCreated(error: unknown): boolean {
  return (
    error instanceof ZoomApiError && ((error.httpStatus >= 400 && error.httpStatus < 500) || error.requestNeverSent)
  );
}

/**
 * True when the attempt just before this one recorded that it made nothing. A record from an older attempt
 * says nothing about the one in between, which may have crashed after sending its request.
 */
export function previousAttemptMadeNothing(attempt: number, heartbeatDetails: unknown): boolean {
  const record = heartbeatDetails as Partial<CreateAttemptRecord> | undefined;
  return record?.nothingCreatedInAttempt === attempt - 1;
}
