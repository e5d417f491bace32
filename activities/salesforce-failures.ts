import { SalesforceApiError } from '../integrations/salesforce/errors';
import { FailureTypes, permanentFailure, rateLimitedFailure, withoutEmailAddresses } from './failures';

const SALESFORCE_RECORD_GONE = new Set(['ENTITY_IS_DELETED', 'NOT_FOUND', 'INVALID_CROSS_REFERENCE_KEY']);

/** Salesforce errors as Temporal failures: the daily limit waits, other retryable errors retry, the rest are permanent. */
export function salesforceFailure(error: unknown, what: string): unknown {
  if (!(error instanceof SalesforceApiError)) return error;
  if (error.errorCode === 'REQUEST_LIMIT_EXCEEDED') {
    return rateLimitedFailure(`Salesforce API limit reached while trying to ${what}`, 15 * 60_000);
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
