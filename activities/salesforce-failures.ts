import { SalesforceApiError } from '../integrations/salesforce/errors';
import { FailureTypes, limitFailure, permanentFailure, utcTimeOfDay, withoutEmailAddresses } from './failures';

/**
 * How long to wait when the org's API requests are used up. Salesforce counts them over a rolling 24 hours and
 * says nothing about when calls free up, so ask again at this interval.
 */
export const REQUEST_LIMIT_RETRY_MS = 15 * 60_000;

const SALESFORCE_RECORD_GONE = new Set(['ENTITY_IS_DELETED', 'NOT_FOUND', 'INVALID_CROSS_REFERENCE_KEY']);

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
