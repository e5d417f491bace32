/**
 * "Sync Meeting Details" for an Event whose meeting workflow has finished: one read of the meeting from Zoom and
 * one write of the Event, answering with what was written. (While the meeting workflow runs, the API sends it
 * the `syncNow` update instead, so that the two never race.)
 */
import { proxyActivities } from '@temporalio/workflow';
import { pinnedWhenVersioned } from './versioning';
import type { RetryPolicy } from '@temporalio/common';
import type { Activities } from '../activities';
import { NON_RETRYABLE_FAILURE_TYPES } from '../activities/failures';
import type { EventZoomFields } from '../domain/event-fields';
import { outcomeFields } from '../domain/meeting-outcome';

const retry: RetryPolicy = {
  initialInterval: '1 second',
  maximumAttempts: 5,
  nonRetryableErrorTypes: NON_RETRYABLE_FAILURE_TYPES,
};

/** The button waits for this, so retries are bounded to well under the Apex callout limit. */
const { fetchMeetingOutcome, writeEventFields } = proxyActivities<Activities>({
  startToCloseTimeout: '20 seconds',
  scheduleToCloseTimeout: '60 seconds',
  retry,
});

export interface MeetingSyncInput {
  eventId: string;
  zoomMeetingId: string;
  instanceUuid?: string;
  /** Ignore instances that started before this (a PMI's id is shared by all the host's PMI meetings). */
  notBefore?: string;
}

export async function meetingSyncWorkflow(input: MeetingSyncInput): Promise<EventZoomFields> {
  const outcome = await fetchMeetingOutcome({
    meetingId: input.zoomMeetingId,
    instanceUuid: input.instanceUuid,
    notBefore: input.notBefore,
  });
  const fields = outcomeFields(outcome);
  await writeEventFields({ eventId: input.eventId, fields });
  return fields;
}

// Short-lived: it finishes on the release that started it while that release's workers drain (Worker Versioning).
pinnedWhenVersioned(meetingSyncWorkflow);
