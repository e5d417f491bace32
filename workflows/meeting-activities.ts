/**
 * The activities the meeting workflow calls, with their timeouts and retries: how long each may take, and which
 * failures the workflow waits out itself (Zoom refusing the credentials, Zoom's daily cap, Salesforce's request
 * limit) instead of the activity retrying them.
 */
import { ActivityCancellationType, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { RetryPolicy } from '@temporalio/common';
import type { Activities } from '../activities';
import { FailureTypes, NON_RETRYABLE_FAILURE_TYPES } from '../activities/failures';
import { zoomWritesTaskQueue } from './messages';

const retry: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '5 minutes',
  nonRetryableErrorTypes: NON_RETRYABLE_FAILURE_TYPES,
};

/** Sends to each attendee once; heartbeats carry who has been sent to, for a retry after a crash (before the patch). */
export const { sendLaunchEmail } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 hour',
  retry,
});

/** Who to mail, then one activity per recipient: each completed send is in history, so a crash repeats none. */
export const { planLaunchEmail, sendLaunchEmail: sendLaunchEmailTo } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 hour',
  retry,
});

/** Zoom or Salesforce down for a whole day ends in Error on the Event rather than retrying forever. */
const stepOptions = { startToCloseTimeout: '30 seconds', scheduleToCloseTimeout: '1 day' } as const;

export const { writeEventSchedule, readEventSnapshot } = proxyActivities<Activities>({ ...stepOptions, retry });

/** Zoom refusing the app's credentials is waited out by the workflow (Paused), not by activity retries. */
const zoomStepRetry: RetryPolicy = {
  ...retry,
  nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURE_TYPES, FailureTypes.zoomCredentialsRefused],
};
export const { fetchMeetingOutcome } = proxyActivities<Activities>({ ...stepOptions, retry: zoomStepRetry });

/** "Sync Meeting Details": the button waits 25 s for the answer, so Zoom gets a few quick tries, not a day. */
export const { fetchMeetingOutcome: fetchOutcomeForButton } = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  scheduleToCloseTimeout: '20 seconds',
  retry: { ...retry, maximumAttempts: 3 },
});

/** The Event's fields; when Salesforce's API requests are used up the workflow waits (Stalled), not the activity. */
const eventWriteOptions = {
  ...stepOptions,
  retry: { ...retry, nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURE_TYPES, FailureTypes.salesforceRequestLimit] },
};
export const { writeEventFields } = proxyActivities<Activities>(eventWriteOptions);
/**
 * A callout's write-back, which a newer callout may cancel: an attempt running then is waited for, so an older write
 * never lands after the newer callout's own.
 */
export const { writeEventFields: writeEventFieldsOfCallout } = proxyActivities<Activities>({
  ...eventWriteOptions,
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

/**
 * Zoom writes; a host over Zoom's daily cap is waited out by the workflow (Pending), not by activity retries. A write a
 * newer callout cancels is waited for while an attempt runs (its meeting is kept, never orphaned); between attempts it
 * ends at once.
 */
const zoomWriteOptions = {
  ...stepOptions,
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: {
    ...zoomStepRetry,
    nonRetryableErrorTypes: [...zoomStepRetry.nonRetryableErrorTypes!, FailureTypes.zoomDailyLimit],
  },
};

/**
 * The Zoom writes of a workflow on `taskQueue`: on the rate-limited Zoom queue beside it, or (histories recorded
 * before that queue existed) on the workflow's own.
 */
export function zoomWriteActivities(taskQueue: string) {
  return {
    rateLimited: proxyActivities<Activities>({ ...zoomWriteOptions, taskQueue: zoomWritesTaskQueue(taskQueue) }),
    onWorkflowQueue: proxyActivities<Activities>(zoomWriteOptions),
  };
}

/** The Zoom webhook index (`zoomMeetingRouterWorkflow`): idempotent signals, retried like the writes. */
export const { registerZoomRoute, unregisterZoomRoute } = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  scheduleToCloseTimeout: '1 day',
  retry,
});

/** A cheap read; run in the workflow task's worker to save a round trip on the hot path. */
export const { findHostEmail } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  scheduleToCloseTimeout: '1 day',
  retry,
});
