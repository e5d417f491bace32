import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';

/**
 * How activity errors reach the workflow. Retryable problems (429, 5xx, network) are rethrown so the retry
 * policy applies, with `nextRetryDelay` when the API said how long to wait. Problems a retry cannot fix become
 * non-retryable failures with a type the workflow branches on and a message a Salesforce user can read.
 */
export const FailureTypes = {
  hostNotFound: 'HostNotFound',
  zoomValidation: 'ZoomValidationError',
  zoomMeetingGone: 'ZoomMeetingNotFound',
  salesforceValidation: 'SalesforceValidationError',
  salesforceEventGone: 'SalesforceEventNotFound',
  /** The integration user cannot see or edit the Event: its permissions, an operator problem (README). */
  salesforceAccessDenied: 'SalesforceAccessDenied',
  rateLimited: 'RateLimited',
  /** A limit that resets at a known time (Zoom's daily cap per host): the workflow waits it out visibly. */
  zoomDailyLimit: 'ZoomDailyLimit',
  /** Zoom refuses the app's credentials (rotated secret, deactivated app): an operator problem; the workflow pauses. */
  zoomCredentialsRefused: 'ZoomCredentialsRefused',
  /** The org's API requests are used up: nothing can be written to Salesforce until it has calls again. */
  salesforceRequestLimit: 'SalesforceRequestLimit',
  mailNotConfigured: 'MailNotConfigured',
  recordNotFound: 'RecordNotFound',
  zoomPageTokenExpired: 'ZoomPageTokenExpired',
} as const;

export const NON_RETRYABLE_FAILURE_TYPES = [
  FailureTypes.hostNotFound,
  FailureTypes.zoomValidation,
  FailureTypes.zoomMeetingGone,
  FailureTypes.salesforceValidation,
  FailureTypes.salesforceEventGone,
  FailureTypes.mailNotConfigured,
  FailureTypes.recordNotFound,
];

/** How often a step Zoom refuses the app's credentials for is tried again (an admin has to act first). */
export const CREDENTIALS_RETRY_DELAY_MS = 5 * 60_000;

/** A daily-limit Retry-After can be hours away; wait at most this long per attempt and ask again. */
export const MAX_RETRY_DELAY_MS = 15 * 60_000;

export function permanentFailure(type: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true });
}

export function rateLimitedFailure(message: string, retryAfterMs: number | undefined): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureTypes.rateLimited,
    message,
    nonRetryable: false,
    category: ApplicationFailureCategory.BENIGN,
    ...(retryAfterMs !== undefined
      ? { nextRetryDelay: Math.min(Math.max(retryAfterMs, 1000), MAX_RETRY_DELAY_MS) }
      : {}),
  });
}

/** What a limit failure carries for the workflow: when asking again can succeed. */
export interface LimitWait {
  retryAt: string;
}

/**
 * A limit that resets at `retryAtMs`, with a message a Salesforce user can read. Retryable (an activity caller
 * that does not handle it waits as told); the meeting workflow lists the type as non-retryable where it waits
 * durably instead, showing the wait on the Event and in the Web UI.
 */
export function limitFailure(type: string, message: string, retryAtMs: number, nowMs: number): ApplicationFailure {
  return ApplicationFailure.create({
    type,
    message,
    nonRetryable: false,
    category: ApplicationFailureCategory.BENIGN,
    nextRetryDelay: Math.min(Math.max(retryAtMs - nowMs, 1000), MAX_RETRY_DELAY_MS),
    details: [{ retryAt: new Date(retryAtMs).toISOString() } satisfies LimitWait],
  });
}

/** "HH:MM UTC" of an epoch time, for messages that say when a wait ends. */
export function utcTimeOfDay(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(11, 16)} UTC`;
}

/** Something that looks like an e-mail address (local part, "@", a dotted domain). */
const EMAIL_ADDRESS = /[^\s<>()[\]{},;:"'@]+@[^\s<>()[\]{},;:"'@]+\.[A-Za-z]{2,}/g;

/**
 * A service's own text (Zoom's, Salesforce's) without the e-mail addresses it may echo ("User does not exist:
 * host@…"): failure messages are logged by the worker and kept in workflow history, which carry ids, never addresses.
 */
export function withoutEmailAddresses(text: string): string {
  return text.replace(EMAIL_ADDRESS, '<e-mail address>');
}
