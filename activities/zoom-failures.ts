import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { MISSING_SCOPE_CODE } from '../integrations/zoom/scopes';
import { msUntilNextUtcMidnight, ZoomApiError } from '../integrations/zoom/errors';
import {
  CREDENTIALS_RETRY_DELAY_MS,
  FailureTypes,
  limitFailure,
  permanentFailure,
  rateLimitedFailure,
  utcTimeOfDay,
  withoutEmailAddresses,
} from './failures';
import { countZoomRateLimited } from './product-metrics';

/** Zoom's code for "meeting not found or expired". */
export const ZOOM_MEETING_NOT_FOUND = 3001;

/**
 * How long 3001 from the past-meeting and report endpoints is read as "not published yet": Zoom's spec gives it
 * for a meeting that "has not ended", and its past data lags `meeting.ended` by seconds to minutes.
 */
export const PAST_DATA_WAIT_MS = 60 * 60_000;
const PAST_DATA_FIRST_RETRY_MS = 2000;
const PAST_DATA_MAX_RETRY_MS = 60_000;
/** Retryable: Zoom has not published the ended meeting yet. */
export const PAST_DATA_PENDING = 'ZoomPastDataPending';
/** Permanent: still nothing after `PAST_DATA_WAIT_MS`. */
export const PAST_DATA_MISSING = 'ZoomPastDataMissing';

/** A daily limit of Zoom's, as a failure that says whose limit it is and when it resets (retryAt in details). */
export function zoomDailyLimitFailure(scope: 'account' | 'user' | undefined, retryAtMs: number, nowMs: number) {
  const whose = scope === 'user' ? 'this host' : 'this Zoom account';
  return limitFailure(
    FailureTypes.zoomDailyLimit,
    `Zoom's daily limit for ${whose}; retrying after ${utcTimeOfDay(retryAtMs)}`,
    retryAtMs,
    nowMs,
  );
}

/**
 * Retryable, slowly: the Zoom app lacks a scope (code 4711). An operator problem, not the Event's: the activity asks
 * again every `SCOPE_RETRY_DELAY_MS` (the client takes a new token each time, so an added scope works at once), and
 * only a step still refused after its whole retry budget (a day for meeting steps) ends as an Error on the Event.
 * The worker's start-up check names the missing scopes too.
 */
export const ZOOM_SCOPE_MISSING = 'ZoomScopeMissing';
export const SCOPE_RETRY_DELAY_MS = 10 * 60_000;

function scopeMissingFailure(error: ZoomApiError): ApplicationFailure {
  const scopes = error.missingScopes;
  const named = scopes.length === 0 ? 'a scope' : `the scope${scopes.length > 1 ? 's' : ''} ${scopes.join(', ')}`;
  return ApplicationFailure.create({
    type: ZOOM_SCOPE_MISSING,
    message: `The Zoom app lacks ${named}; a Zoom admin must add ${scopes.length > 1 ? 'them' : 'it'} to the app (see README, Configuration). Retrying every ${SCOPE_RETRY_DELAY_MS / 60_000} minutes.`,
    nonRetryable: false,
    nextRetryDelay: SCOPE_RETRY_DELAY_MS,
  });
}

export { CREDENTIALS_RETRY_DELAY_MS };

/**
 * Retryable, slowly: Zoom refuses the app's credentials even with a fresh token (a rotated client secret, a deactivated
 * app). Nothing about the Event is wrong, so it is never an Error on the Event: the meeting workflow pauses its step
 * visibly (SyncHealth Paused) and tries again after CREDENTIALS_RETRY_DELAY_MS; other callers' activities retry at
 * that pace.
 */
function credentialsRefusedFailure(error: ZoomApiError, what: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureTypes.zoomCredentialsRefused,
    message: `Zoom refused the app's credentials (${error.message}) while trying to ${what}; paused until an admin fixes ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET or reactivates the app. Retrying every ${CREDENTIALS_RETRY_DELAY_MS / 60_000} minutes.`,
    nonRetryable: false,
    category: ApplicationFailureCategory.BENIGN,
    nextRetryDelay: CREDENTIALS_RETRY_DELAY_MS,
  });
}

/** Zoom errors as Temporal failures: 429 waits as told, other retryable errors retry, the rest are permanent. */
export function zoomFailure(error: unknown, what: string): unknown {
  if (!(error instanceof ZoomApiError)) return error;
  if (error.code === MISSING_SCOPE_CODE) return scopeMissingFailure(error);
  if (error.isCredentialRefusal) return credentialsRefusedFailure(error, what);
  if (error.httpStatus === 429) countZoomRateLimited(error.rateLimitType ?? 'unspecified');
  if (error.httpStatus === 429 && error.rateLimitType === 'Daily-limit') {
    const now = Date.now();
    return zoomDailyLimitFailure(error.rateLimitScope, error.retryAt ?? now + msUntilNextUtcMidnight(now), now);
  }
  if (error.httpStatus === 429)
    return rateLimitedFailure(`Zoom rate limit while trying to ${what}`, error.retryAfterMs);
  if (error.isRetryable) return withoutAddresses(error);
  if (error.code === ZOOM_MEETING_NOT_FOUND) {
    return permanentFailure(FailureTypes.zoomMeetingGone, 'The Zoom meeting no longer exists in Zoom');
  }
  return permanentFailure(
    FailureTypes.zoomValidation,
    `Zoom refused to ${what}: ${withoutEmailAddresses(error.message)}`,
  );
}

/**
 * The same error, for the retry policy, with any address Zoom echoed taken out of its message and of its operation
 * (a host's path is `/users/<e-mail>/meetings`): the worker logs it, and its message and stack go into history.
 */
function withoutAddresses(error: ZoomApiError): ZoomApiError {
  const message = withoutEmailAddresses(error.message);
  const operation = error.operation === undefined ? undefined : withoutEmailAddresses(error.operation);
  if (message === error.message && operation === error.operation) return error;
  return new ZoomApiError({
    httpStatus: error.httpStatus,
    code: error.code,
    message,
    retryAfterMs: error.retryAfterMs,
    retryAt: error.retryAt,
    rateLimitType: error.rateLimitType,
    rateLimitScope: error.rateLimitScope,
    operation,
    trackingId: error.trackingId,
    fieldErrors: error.fieldErrors,
    missingScopes: error.missingScopes,
  });
}

/**
 * Errors of past-meeting and report reads. Only `/meetings/{id}` can say a meeting is gone; 3001 here means the
 * data is not published yet: ask again after a growing pause (attempt 1: 2 s … at most 1 min) until
 * `waitedMs` reaches `PAST_DATA_WAIT_MS`, then give up with a readable message.
 */
export function pastDataFailure(error: unknown, what: string, progress: { attempt: number; waitedMs: number }) {
  if (!(error instanceof ZoomApiError) || error.code !== ZOOM_MEETING_NOT_FOUND) return zoomFailure(error, what);
  if (progress.waitedMs >= PAST_DATA_WAIT_MS) {
    return permanentFailure(
      PAST_DATA_MISSING,
      'Zoom has not published the ended meeting an hour later; try "Sync Meeting Details" again later',
    );
  }
  return ApplicationFailure.create({
    type: PAST_DATA_PENDING,
    message: 'Zoom has not published the ended meeting yet',
    nonRetryable: false,
    category: ApplicationFailureCategory.BENIGN,
    nextRetryDelay: Math.min(PAST_DATA_FIRST_RETRY_MS * 2 ** Math.max(0, progress.attempt - 1), PAST_DATA_MAX_RETRY_MS),
  });
}
