import { ApplicationFailure } from '@temporalio/common';
import { type SalesforceClient } from '../integrations/salesforce/client';
import { SalesforceApiError } from '../integrations/salesforce/errors';
import { FailureTypes, limitFailure, permanentFailure, utcTimeOfDay, withoutEmailAddresses } from './failures';

/**
 * How long to wait when the org's API requests are used up. Salesforce counts them over a rolling 24 hours and
 * says nothing about when calls free up, so ask again at this interval.
 */
export const REQUEST_LIMIT_RETRY_MS = 15 * 60_000;

const SALESFORCE_RECORD_GONE = new Set(['ENTITY_IS_DELETED', 'NOT_FOUND', 'INVALID_CROSS_REFERENCE_KEY']);

/**
 * What a write to an Event answers when the integration user may not reach it: NOT_FOUND when it cannot see the
 * Event (activities shared Private, no View All Data), INSUFFICIENT_ACCESS_OR_READONLY when it sees but may not edit
 * it (no Modify All Data). NOT_FOUND is also what a purged Event answers; `queryAll` tells a deleted one apart.
 */
const SALESFORCE_NO_ACCESS = new Set(['NOT_FOUND', 'INSUFFICIENT_ACCESS_OR_READONLY']);

/** A missing permission is mended by an admin, not by the Event: ask again at this interval meanwhile. */
export const ACCESS_RETRY_DELAY_MS = 10 * 60_000;

function accessDeniedFailure(errorCode: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureTypes.salesforceAccessDenied,
    message:
      `The Salesforce integration user cannot ${errorCode === 'NOT_FOUND' ? 'see' : 'edit'} this Event (${errorCode}; ` +
      'it is not deleted): give it View All Data and Modify All Data (see README, Configuration). Retrying every ' +
      `${ACCESS_RETRY_DELAY_MS / 60_000} minutes.`,
    nonRetryable: false,
    nextRetryDelay: ACCESS_RETRY_DELAY_MS,
  });
}

/**
 * A failed write to an Event as a Temporal failure. "Deleted" (ENTITY_IS_DELETED, or `queryAll` showing
 * IsDeleted) ends the writes for good; "cannot see or edit" is the integration user's permissions, retried slowly
 * until an admin grants them, never taken for a deleted Event.
 */
export async function eventWriteFailure(
  salesforce: Pick<SalesforceClient, 'isEventDeleted'>,
  error: unknown,
  eventId: string,
  what: string,
): Promise<unknown> {
  if (!(error instanceof SalesforceApiError) || !SALESFORCE_NO_ACCESS.has(error.errorCode)) {
    return salesforceFailure(error, what);
  }
  let deleted: boolean;
  try {
    deleted = await salesforce.isEventDeleted(eventId);
  } catch (queryError) {
    return salesforceFailure(queryError, 'check whether the Event was deleted');
  }
  return deleted
    ? permanentFailure(FailureTypes.salesforceEventGone, `The Salesforce record no longer exists (${what})`)
    : accessDeniedFailure(error.errorCode);
}

/** Salesforce errors as Temporal failures: the daily limit waits, other retryable errors retry, the rest are permanent. */
export function salesforceFailure(error: unknown, what: string): unknown {
  if (!(error instanceof SalesforceApiError)) return error;
  if (error.errorCode === 'REQUEST_LIMIT_EXCEEDED') {
    const now = Date.now();
    const retryAt = now + REQUEST_LIMIT_RETRY_MS;
    return limitFailure(
      FailureTypes.salesforceRequestLimit,
      `Salesforce's API request limit for the org is used up; trying again after ${utcTimeOfDay(retryAt)}`,
      retryAt,
      now,
    );
  }
  if (error.isRetryable) return error;
  if (SALESFORCE_RECORD_GONE.has(error.errorCode)) {
    return permanentFailure(FailureTypes.salesforceEventGone, `The Salesforce record no longer exists (${what})`);
  }
  return permanentFailure(
    FailureTypes.salesforceValidation,
    `Salesforce refused to ${what}: ${withoutEmailAddresses(error.message)}`,
  );
}
