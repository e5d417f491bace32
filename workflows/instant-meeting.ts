/**
 * "Start Zoom Meeting" on a Lead or Contact, answered from the durable workflow itself (update-with-start):
 * the instant Zoom meeting, its Event under the record, and the hand-over to the Event's meeting workflow,
 * which runs the lifecycle (started, launch e-mail, ended, post-meeting sync).
 */
import {
  ActivityFailure,
  ApplicationFailure,
  ParentClosePolicy,
  condition,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { pinnedWhenVersioned } from './versioning';
import type { RetryPolicy } from '@temporalio/common';
import type { Activities } from '../activities';
import { NON_RETRYABLE_FAILURE_TYPES } from '../activities/failures';
import type { InstantMeetingRequest } from '../activities/instant-meeting';
import { agendaFor } from '../domain/meeting-plan';
import { meetingWorkflow } from './meeting';
import { instantHotPath } from './instant-hot-path';
import {
  meetingWorkflowId,
  SalesforceEventIdAttribute,
  startInstantMeetingUpdate,
  type InstantMeetingAnswer,
} from './messages';

/** The user waits for the answer: retries are bounded well under the Apex callout limit. */
const retry: RetryPolicy = {
  initialInterval: '200 milliseconds',
  maximumAttempts: 5,
  nonRetryableErrorTypes: NON_RETRYABLE_FAILURE_TYPES,
};

/** Reads and an idempotent upsert: local activities, to save round trips on the click's path. */
const { prepareInstantMeeting, createInstantEvent } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry,
});
const { createZoomMeeting, deleteZoomMeeting } = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry,
});

/** A click repeated within this window (double click, Apex retry) answers with the same meeting. */
export const RETRIED_CLICK_WINDOW = '2 minutes';

export async function instantMeetingWorkflow(
  request: InstantMeetingRequest,
): Promise<InstantMeetingAnswer | undefined> {
  let making: Promise<InstantMeetingAnswer> | undefined;
  let answer: InstantMeetingAnswer | undefined;
  let failed = false;
  let handover: Promise<unknown> | undefined;

  async function makeMeeting(): Promise<InstantMeetingAnswer> {
    const hot = instantHotPath();
    const prepared = await prepareInstantMeeting(request);
    const { hostEmail } = prepared;
    // The run, not the meeting id, names the click: instant meetings on the host's PMI share one meeting id. The
    // agenda carries it, so a create retried after a lost answer finds the meeting instead of making a second.
    const clickId = workflowInfo().firstExecutionRunId;
    const plan = { ...prepared.plan, agenda: agendaFor(clickId, prepared.plan.agenda) };
    const meeting = await hot.createZoomMeeting({ eventId: clickId, hostEmail, plan }, createZoomMeeting);
    let eventId: string;
    try {
      eventId = await createInstantEvent({ clickId, recordId: request.recordId, plan, meeting });
    } catch (error) {
      // No Event, no meeting: a meeting nobody can find from Salesforce would only confuse.
      await deleteZoomMeeting({ meetingId: meeting.meetingId, usesPmi: meeting.usesPmi });
      throw error;
    }
    // Not awaited: the answer need not wait for the child's start to be confirmed (one workflow task less);
    // the workflow does not finish before it is.
    handover = startChild(meetingWorkflow, {
      workflowId: meetingWorkflowId(eventId),
      args: [{ eventId, handover: { meeting, plan, hostEmail } }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      typedSearchAttributes: [{ key: SalesforceEventIdAttribute, value: eventId }],
    });
    return { eventId, zoomMeetingId: meeting.meetingId, joinUrl: meeting.joinUrl };
  }

  setHandler(startInstantMeetingUpdate, async () => {
    making ??= makeMeeting().then(
      (made) => (answer = made),
      (error: unknown) => {
        failed = true;
        // The activity's own failure (its type says 404, 422...) is what the caller needs to see.
        const cause = error instanceof ActivityFailure ? error.cause : error;
        throw cause instanceof ApplicationFailure ? cause : ApplicationFailure.fromError(cause);
      },
    );
    return making;
  });

  await condition(() => answer !== undefined || failed);
  if (failed) return undefined;
  await handover;
  await sleep(RETRIED_CLICK_WINDOW);
  return answer;
}

// Short-lived: it finishes on the release that started it while that release's workers drain (Worker Versioning).
pinnedWhenVersioned(instantMeetingWorkflow);
