/**
 * One workflow per Salesforce Event that is (or was) a Zoom meeting. It applies the org's callouts in
 * SystemModstamp order (create, reschedule, change options, cancel), keeps the Event's Zoom fields and the
 * search attributes current, and waits durably for the meeting's start time.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { RetryPolicy, SearchAttributeUpdatePair } from '@temporalio/common';
import type { Activities, ScheduledMeeting } from '../activities';
import { FailureTypes, NON_RETRYABLE_FAILURE_TYPES } from '../activities/failures';
import type { EventCalloutItem, EventZoomFields, ZoomStatus } from '../domain/event-fields';
import { planChange, planMeeting, plannedEnd, wantsZoomMeeting, type MeetingPlan } from '../domain/meeting-plan';
import {
  eventChangedSignal,
  meetingStateQuery,
  MeetingStatusAttribute,
  ScheduledStartAttribute,
  ZoomMeetingIdAttribute,
  type MeetingState,
  type MeetingWorkflowInput,
} from './messages';

const retry: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '5 minutes',
  nonRetryableErrorTypes: NON_RETRYABLE_FAILURE_TYPES,
};

const { createZoomMeeting, updateZoomMeeting, deleteZoomMeeting, writeEventFields } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // Zoom or Salesforce down for a whole day ends in Error on the Event rather than retrying forever.
  scheduleToCloseTimeout: '1 day',
  retry,
});

/** A cheap read; run in the workflow task's worker to save a round trip on the hot path. */
const { findHostEmail } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  scheduleToCloseTimeout: '1 day',
  retry,
});

/** How long a workflow stays open after the meeting's end, a cancel or a delete, to absorb late callouts. */
export const RETIRE_GRACE_MS = 60 * 60_000;

/** What continue-as-new carries over. */
export interface MeetingWorkflowCarry {
  state: MeetingState;
  applied?: { plan: MeetingPlan; hostEmail: string };
  inbox: EventCalloutItem[];
}

/** Newer SystemModstamp wins; at the same stamp a delete wins over an upsert (the record is gone). */
function isNewer(item: EventCalloutItem, lastApplied: string | undefined, deleted: boolean): boolean {
  if (lastApplied === undefined) return true;
  if (item.event.SystemModstamp > lastApplied) return true;
  return item.event.SystemModstamp === lastApplied && item.operation === 'delete' && !deleted;
}

function failureOf(error: unknown): ApplicationFailure | undefined {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof ApplicationFailure ? cause : undefined;
}

export async function meetingWorkflow(input: MeetingWorkflowInput, carry?: MeetingWorkflowCarry): Promise<MeetingState> {
  const state: MeetingState = carry?.state ?? { eventId: input.eventId, phase: 'pending', appliedChanges: 0, ignoredStaleChanges: 0 };
  const inbox: EventCalloutItem[] = [...(carry?.inbox ?? [])];
  let applied = carry?.applied;
  let meeting: ScheduledMeeting | undefined =
    state.zoomMeetingId && state.joinUrl
      ? { meetingId: state.zoomMeetingId, joinUrl: state.joinUrl, hostZoomUserId: state.hostZoomUserId ?? '', usesPmi: state.usesPmi ?? false }
      : undefined;
  let eventDeleted = false;
  /** When an idle workflow may finish (ms since epoch). */
  let retireAt = Date.now() + RETIRE_GRACE_MS;

  setHandler(eventChangedSignal, (item) => {
    inbox.push(item);
  });
  setHandler(meetingStateQuery, () => state);

  function publish(status: ZoomStatus | undefined): void {
    state.status = status;
    const pairs: SearchAttributeUpdatePair[] = [
      { key: MeetingStatusAttribute, value: status ?? 'None' },
      { key: ZoomMeetingIdAttribute, value: state.zoomMeetingId ?? null },
      { key: ScheduledStartAttribute, value: state.startTime ? new Date(state.startTime) : null },
    ];
    upsertSearchAttributes(pairs);
  }

  async function writeEvent(fields: EventZoomFields): Promise<void> {
    if (eventDeleted) return;
    try {
      await writeEventFields({ eventId: state.eventId, fields });
    } catch (error) {
      const failure = failureOf(error);
      if (failure?.type === FailureTypes.salesforceEventGone) {
        eventDeleted = true;
        log.warn('The Event is gone from Salesforce; nothing more is written to it');
        return;
      }
      throw error;
    }
  }

  function remember(m: ScheduledMeeting | undefined, plan: MeetingPlan | undefined): void {
    meeting = m;
    state.zoomMeetingId = m?.meetingId;
    state.joinUrl = m?.joinUrl;
    state.hostZoomUserId = m?.hostZoomUserId;
    state.usesPmi = m?.usesPmi;
    state.startTime = plan?.startTime;
    state.endTime = plan ? plannedEnd(plan) : undefined;
    state.timeZone = plan?.timeZone;
  }

  async function cancelMeeting(): Promise<void> {
    const had = meeting;
    if (had) await deleteZoomMeeting({ meetingId: had.meetingId, usesPmi: had.usesPmi });
    remember(undefined, undefined);
    applied = undefined;
    if (had || state.status === 'Error') {
      state.phase = 'cancelled';
      publish('Cancelled');
      await writeEvent({ Zoom_Status__c: 'Cancelled', Zoom_Join_URL__c: null, Zoom_Meeting_Id__c: null, Zoom_Sync_Error__c: null });
    } else {
      state.phase = 'closed';
    }
  }

  async function scheduleMeeting(plan: MeetingPlan): Promise<void> {
    const adopted = meeting !== undefined && applied === undefined;
    if (adopted && Date.parse(plannedEnd(plan)) < Date.now()) {
      // A meeting from an earlier run whose time is over: an edit of the Event must not touch it.
      remember(meeting, plan);
      state.phase = 'closed';
      return;
    }
    const change = adopted ? 'update' : applied && meeting ? planChange(applied.plan, plan) : 'recreate';
    if (change === 'none') return;
    let hostEmail = applied?.hostEmail;
    if (change === 'recreate') {
      if (meeting) await deleteZoomMeeting({ meetingId: meeting.meetingId, usesPmi: meeting.usesPmi });
      remember(undefined, undefined);
      hostEmail = await findHostEmail(plan.ownerId);
      remember(await createZoomMeeting({ eventId: state.eventId, hostEmail, plan }), plan);
    } else {
      try {
        await updateZoomMeeting({ meetingId: meeting!.meetingId, plan });
        remember(meeting, plan);
      } catch (error) {
        // Deleted on the Zoom side: the Event still wants a meeting, so it gets a new one.
        if (failureOf(error)?.type !== FailureTypes.zoomMeetingGone) throw error;
        hostEmail = await findHostEmail(plan.ownerId);
        remember(await createZoomMeeting({ eventId: state.eventId, hostEmail, plan }), plan);
      }
    }
    applied = { plan, hostEmail: hostEmail! };
    state.phase = Date.now() < Date.parse(plan.startTime) ? 'scheduled' : 'in-progress';
    state.lastError = undefined;
    publish('Scheduled');
    await writeEvent({
      Zoom_Meeting_Id__c: meeting!.meetingId,
      // An adopted meeting keeps the join URL the Event already shows.
      ...(meeting!.joinUrl ? { Zoom_Join_URL__c: meeting!.joinUrl } : {}),
      Zoom_Status__c: 'Scheduled',
      Zoom_Sync_Error__c: null,
    });
  }

  async function apply(item: EventCalloutItem): Promise<void> {
    if (item.operation === 'delete') eventDeleted = true;
    if (!meeting && item.event.Zoom_Meeting_Id__c) {
      // The Event already has a meeting from an earlier run of this workflow: adopt it, never create a second.
      meeting = { meetingId: item.event.Zoom_Meeting_Id__c, joinUrl: '', hostZoomUserId: '', usesPmi: item.event.Zoom_Use_PMI__c === true };
      state.zoomMeetingId = meeting.meetingId;
    }
    try {
      if (wantsZoomMeeting(item.operation, item.event)) await scheduleMeeting(planMeeting(item.event));
      else await cancelMeeting();
    } catch (error) {
      const failure = failureOf(error);
      const message = failure?.message ?? (error instanceof Error ? error.message : String(error));
      log.warn('Could not apply the Event change', { type: failure?.type, message });
      state.phase = 'failed';
      state.lastError = message;
      publish('Error');
      try {
        await writeEvent({ Zoom_Status__c: 'Error', Zoom_Sync_Error__c: message });
      } catch (writeError) {
        log.error('Could not record the error on the Event either', { message: String(writeError) });
      }
    }
  }

  /** Applies the newest pending callout; older or duplicate ones are counted and dropped. */
  async function drainInbox(): Promise<void> {
    while (inbox.length > 0) {
      const items = inbox.splice(0, inbox.length);
      const fresh = items.filter((item) => isNewer(item, state.lastAppliedModstamp, eventDeleted));
      state.ignoredStaleChanges += items.length - fresh.length;
      if (fresh.length === 0) continue;
      const newest = fresh.reduce((a, b) => (isNewer(b, a.event.SystemModstamp, a.operation === 'delete') ? b : a));
      state.ignoredStaleChanges += fresh.length - 1;
      state.lastAppliedModstamp = newest.event.SystemModstamp;
      await apply(newest);
      state.appliedChanges += 1;
      retireAt = Math.max(Date.now(), state.endTime ? Date.parse(state.endTime) : 0) + RETIRE_GRACE_MS;
    }
  }

  for (;;) {
    await drainInbox();
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof meetingWorkflow>(input, { state, applied, inbox: inbox.splice(0) });
    }
    if (state.phase === 'scheduled' && state.startTime) {
      const untilStart = Date.parse(state.startTime) - Date.now();
      if (untilStart > 0) {
        if (await condition(() => inbox.length > 0, untilStart)) continue;
      }
      // The start time has come. The live part of the lifecycle (started, ended, post-meeting sync) builds on this.
      state.phase = 'in-progress';
      continue;
    }
    const untilRetire = retireAt - Date.now();
    if (untilRetire > 0 && (await condition(() => inbox.length > 0, untilRetire))) continue;
    if (inbox.length === 0) break;
  }
  if (state.phase === 'in-progress') state.phase = 'closed';
  await condition(allHandlersFinished);
  return state;
}
