/**
 * One workflow per Salesforce Event that is (or was) a Zoom meeting: its whole lifecycle.
 *
 * - Scheduling: applies the org's callouts in SystemModstamp order (create, reschedule, change options, cancel)
 *   and keeps the Event's Zoom fields and the search attributes current.
 * - Live: Zoom webhooks (signals) say when the meeting starts and ends; Zoom-side edits and deletes flow back.
 * - After: the post-meeting sync writes times, participants and the recording to the Event. Missed webhooks
 *   are covered by asking Zoom itself, with backoff, after the scheduled end.
 */
import {
  allHandlersFinished,
  CancellationScope,
  condition,
  continueAsNew,
  log,
  patched,
  isCancellation,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { Activities, ScheduledMeeting } from '../activities';
import type { LaunchEmailInput, LaunchEmailResult } from '../activities/launch-email';
import { CREDENTIALS_RETRY_DELAY_MS, FailureTypes } from '../activities/failures';
import type { EventCalloutItem, EventScheduleFields, EventZoomFields, ZoomStatus } from '../domain/event-fields';
import {
  pastInstanceFloor,
  planChange,
  planMeeting,
  plannedEnd,
  recordedMeeting,
  scheduledEventFields,
  scheduleStep,
  wantsZoomMeeting,
  type MeetingPlan,
} from '../domain/meeting-plan';
import {
  endedStateOf,
  endFromWebhook,
  outcomeFields,
  recordingSummary,
  type MeetingOutcome,
} from '../domain/meeting-outcome';
import type { ZoomMeetingEvent } from '../domain/zoom-webhooks';
import { isOtherPmiInstance, zoomEventStep } from '../domain/zoom-event-steps';
import { isNewer, isSameSecondSave, planCalloutBatch } from '../domain/callout-order';
import {
  adoptedOnReconcile,
  afterPoll,
  isBeforeEnd,
  isDue,
  isFinished,
  nextDeadline as lifecycleDeadline,
  stepAtDeadline,
  RETIRE_GRACE_MS,
  whenCancelled,
  whenEnded,
  whenReconciled,
  whenScheduled,
  whenStarted,
} from '../domain/meeting-lifecycle';
import {
  agreedSync,
  mergeEdit,
  sharedValuesOf,
  writesFor,
  wroteTo,
  zoomEditValues,
  type SharedField,
} from '../domain/field-merge';
import {
  eventChangedSignal,
  meetingStateQuery,
  MeetingStatusAttribute,
  reconcileSignal,
  ScheduledStartAttribute,
  syncNowUpdate,
  SyncHealthAttribute,
  ZoomMeetingIdAttribute,
  zoomEventSignal,
  type MeetingState,
  type SyncHealth,
  type MeetingWorkflowInput,
  type ReconcileRequest,
} from './messages';
import { calendarSync } from './calendar-sync';
import { hotPath, writeEndNow } from './hot-path';
import {
  fetchMeetingOutcome,
  fetchOutcomeForButton,
  findHostEmail,
  planLaunchEmail,
  readEventSnapshot,
  registerZoomRoute,
  sendLaunchEmail,
  sendLaunchEmailTo,
  unregisterZoomRoute,
  writeEventFields,
  writeEventFieldsOfCallout,
  writeEventSchedule,
  zoomWriteActivities,
} from './meeting-activities';
import { carryOf, restoreRun, type MeetingWorkflowCarry, type RegisteredRoute } from './meeting-carry';
import { failureOf, limitWaitOf, messageOf, noZoomMeeting, Superseded } from './meeting-failures';
import {
  CREDENTIALS_PAUSE_PATCH,
  decideEveryPatch,
  decidePatchesOfFirstTask,
  DUE_AT_ONCE_PATCH,
  FIELD_MERGE_PATCH,
  LAUNCH_EMAIL_PER_RECIPIENT_PATCH,
  LIMIT_WAITS_PATCH,
  NO_LATE_LAUNCH_EMAIL_PATCH,
  NON_CRITICAL_WRITES_PATCH,
  SAME_SECOND_REREAD_PATCH,
  SUPERSEDE_EVENT_WRITES_PATCH,
  SUPERSEDE_PATCH,
  SYNC_IN_LOOP_PATCH,
  ZOOM_ROUTER_PATCH,
  ZOOM_WRITES_QUEUE_PATCH,
} from './meeting-patches';

const MINUTE = 60_000;

export {
  MAX_LIVE_MS,
  NOT_STARTED_AFTER_MS,
  PARTICIPANT_RETRY_DELAYS_MS,
  POLL_DELAYS_MS,
  RECORDING_WAIT_MS,
  RETIRE_GRACE_MS,
} from '../domain/meeting-lifecycle';
/** Zoom-event keys remembered for de-duplication (Zoom redelivers). */
const SEEN_ZOOM_EVENTS_MAX = 500;

/** A "Sync Meeting Details" press waiting for its turn in the main loop, then its answer. */
interface SyncRequest {
  done: boolean;
  written?: EventZoomFields;
  error?: unknown;
}

/** A meeting made by an earlier run, known only by what the Event (or the hourly sync) shows: no join URL or host. */
function adoptedMeeting(meetingId: string, usesPmi: boolean): ScheduledMeeting {
  return { meetingId, joinUrl: '', hostZoomUserId: '', usesPmi };
}

export async function meetingWorkflow(
  input: MeetingWorkflowInput,
  carry?: MeetingWorkflowCarry,
): Promise<MeetingState> {
  const run = restoreRun(input, carry, Date.now());
  const { state, life, clock, inboxes } = run;
  /** A rep's save of one Event: its meeting made and written back within the first task (workflows/hot-path.ts). */
  const hot = hotPath();
  // The host's Google calendar follows the meeting, after the Event's writes of each turn (workflows/calendar-sync.ts).
  const calendar = calendarSync({ state, ownerId: () => life.applied?.plan.ownerId, writeEvent: (f) => writeEvent(f) });
  /** True while a callout is applied: its Zoom writes give way to a newer callout. */
  let applyingCallout = false;
  const zoomWrites = zoomWriteActivities(workflowInfo().taskQueue);
  const zoomWriteQueue = () => (patched(ZOOM_WRITES_QUEUE_PATCH) ? zoomWrites.rateLimited : zoomWrites.onWorkflowQueue);
  /** The Zoom writes, each paused while Zoom refuses the app's credentials, and superseded by a newer callout. */
  const zoom = () => ({
    createZoomMeeting: (i: Parameters<Activities['createZoomMeeting']>[0]) =>
      zoomWrite(() => zoomWriteQueue().createZoomMeeting(i)),
    updateZoomMeeting: (i: Parameters<Activities['updateZoomMeeting']>[0]) =>
      zoomWrite(() => zoomWriteQueue().updateZoomMeeting(i)),
    deleteZoomMeeting: (i: Parameters<Activities['deleteZoomMeeting']>[0]) =>
      zoomWrite(() => zoomWriteQueue().deleteZoomMeeting(i)),
    deleteZoomMeetingCreatedEarlier: (i: Parameters<Activities['deleteZoomMeetingCreatedEarlier']>[0]) =>
      zoomWrite(() => zoomWriteQueue().deleteZoomMeetingCreatedEarlier(i)),
  });
  const zoomWrite = <T>(call: () => Promise<T>): Promise<T> => {
    const step = () => untilZoomAccepts(call);
    return applyingCallout ? supersedable(step) : step();
  };
  const fetchOutcome = (i: Parameters<Activities['fetchMeetingOutcome']>[0]) =>
    untilZoomAccepts(() => fetchMeetingOutcome(i));

  setHandler(eventChangedSignal, (item) => {
    inboxes.callouts.push(item);
  });
  setHandler(zoomEventSignal, (event) => {
    if (inboxes.seenZoomEvents.has(event.dedupeKey)) return;
    inboxes.seenZoomEvents.add(event.dedupeKey);
    if (inboxes.seenZoomEvents.size > SEEN_ZOOM_EVENTS_MAX)
      inboxes.seenZoomEvents.delete(inboxes.seenZoomEvents.values().next().value!);
    inboxes.zoom.push(event);
  });
  setHandler(reconcileSignal, (request) => {
    inboxes.reconcile.push(request);
  });
  setHandler(meetingStateQuery, () => state);
  const syncRequests: SyncRequest[] = [];
  setHandler(
    syncNowUpdate,
    async () => {
      if (!patched(SYNC_IN_LOOP_PATCH)) {
        if (!state.zoomMeetingId) throw noZoomMeeting();
        return syncFromZoom();
      }
      const request: SyncRequest = { done: false };
      syncRequests.push(request);
      await condition(() => request.done);
      if (request.error !== undefined) throw request.error;
      return request.written!;
    },
    {
      validator: () => {
        if (!state.zoomMeetingId) throw noZoomMeeting();
      },
    },
  );

  // ---- Effects ------------------------------------------------------------------------------------------

  function publish(status: ZoomStatus | undefined): void {
    if (status !== 'Pending') endWait();
    state.status = status;
    const pairs: SearchAttributeUpdatePair[] = [
      { key: MeetingStatusAttribute, value: status ?? 'None' },
      { key: ZoomMeetingIdAttribute, value: state.zoomMeetingId ?? null },
      { key: ScheduledStartAttribute, value: state.startTime ? new Date(state.startTime) : null },
    ];
    upsertSearchAttributes(pairs);
  }

  /** Shows in the Web UI (search attribute SyncHealth, current details) that the workflow waits on a limit. */
  function beginWait(health: SyncHealth, wait: { reason: string; until: string }): void {
    state.waiting = { health, ...wait };
    upsertSearchAttributes([{ key: SyncHealthAttribute, value: health }]);
    setCurrentDetails(`${health}: ${wait.reason}`);
  }

  function endWait(): void {
    if (!state.waiting) return;
    state.waiting = undefined;
    upsertSearchAttributes([{ key: SyncHealthAttribute, value: null }]);
    setCurrentDetails('');
  }

  /**
   * Runs a Zoom step until Zoom accepts the app's credentials: while it refuses them (a rotated secret, a deactivated
   * app) the Web UI says Paused and why, and the step is tried again every few minutes. Nothing is written to the
   * Event (nothing about it is wrong), and the worker's log line and gauge tell the operator once, not per Event.
   */
  async function untilZoomAccepts<T>(step: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        const result = await step();
        if (state.waiting?.health === 'Paused') endWait();
        return result;
      } catch (error) {
        const failure = failureOf(error);
        if (failure?.type !== FailureTypes.zoomCredentialsRefused || !patched(CREDENTIALS_PAUSE_PATCH)) throw error;
        const until = new Date(Date.now() + CREDENTIALS_RETRY_DELAY_MS).toISOString();
        beginWait('Paused', { reason: failure.message, until });
        await sleep(CREDENTIALS_RETRY_DELAY_MS);
      }
    }
  }

  /**
   * Runs a callout's Zoom write so that a newer callout arriving meanwhile cancels it (Superseded): the newer desired
   * state is applied next instead of waiting behind retries for up to a day. An attempt already running finishes
   * first (WAIT_CANCELLATION_COMPLETED), so a meeting it makes is kept; the watch itself issues no command.
   */
  async function supersedable<T>(step: () => Promise<T>): Promise<T> {
    const stepScope = new CancellationScope();
    const watchScope = new CancellationScope();
    let superseded = false;
    const newerCalloutWaiting = () =>
      inboxes.callouts.some((item) => isNewer(item, state.lastAppliedModstamp, life.eventDeleted));
    watchScope
      .run(() => condition(newerCalloutWaiting))
      .then(() => {
        if (!patched(SUPERSEDE_PATCH)) return;
        superseded = true;
        stepScope.cancel();
      })
      .catch(() => undefined); // the step ended first
    try {
      return await stepScope.run(step);
    } catch (error) {
      if (superseded && isCancellation(error)) throw new Superseded();
      throw error;
    } finally {
      watchScope.cancel();
    }
  }

  /** Writes `fields` to the Event; false when the Event is gone (nothing written). */
  async function writeEvent(fields: EventZoomFields): Promise<boolean> {
    if (life.eventDeleted) return false;
    // A callout's write-back retrying while Salesforce is down must not hold up a newer callout (a delete, say).
    const superseding = applyingCallout && patched(SUPERSEDE_EVENT_WRITES_PATCH);
    const remoteWrite: Activities['writeEventFields'] = superseding
      ? (input) => supersedable(() => writeEventFieldsOfCallout(input))
      : writeEventFields;
    for (;;) {
      try {
        await hot.writeEventFields({ eventId: state.eventId, fields }, remoteWrite);
        life.eventWriteOwed = false;
        if (state.waiting?.health === 'Stalled') endWait();
        return true;
      } catch (error) {
        if (error instanceof Superseded) life.eventWriteOwed = true;
        if (failureOf(error)?.type === FailureTypes.salesforceEventGone) {
          life.eventDeleted = true;
          log.warn('The Event is gone from Salesforce; nothing more is written to it');
          return false;
        }
        // The org is out of API requests: nothing can say so on the Event, so the Web UI does, until it has calls.
        const wait = limitWaitOf(error, FailureTypes.salesforceRequestLimit);
        if (!wait || !patched(LIMIT_WAITS_PATCH)) throw error;
        beginWait('Stalled', wait);
        await sleep(Math.max(MINUTE, Date.parse(wait.until) - Date.now()));
      }
    }
  }

  /** Zoom's daily cap for the host: the Event says Pending and why; the callout is applied again after the reset. */
  async function holdUntilReset(item: EventCalloutItem, wait: { reason: string; until: string }): Promise<void> {
    life.held = { item, until: Math.max(Date.now() + MINUTE, Date.parse(wait.until)) };
    log.info('Waiting for Zoom to accept meeting writes for this host again', { until: wait.until });
    publish('Pending');
    try {
      await writeEvent({ Zoom_Status__c: 'Pending', Zoom_Sync_Error__c: wait.reason });
    } catch (writeError) {
      log.error('Could not record the wait on the Event', { message: messageOf(writeError) });
    }
    beginWait('Delayed', wait);
  }

  /** Records a failure on the Event (best effort) and in the search attributes. */
  async function fail(error: unknown): Promise<void> {
    const message = messageOf(error);
    log.warn('Meeting step failed', { type: failureOf(error)?.type, message });
    state.phase = 'failed';
    state.lastError = message;
    clock.retireAt = Date.now() + RETIRE_GRACE_MS;
    publish('Error');
    try {
      await writeEvent({ Zoom_Status__c: 'Error', Zoom_Sync_Error__c: message });
    } catch (writeError) {
      log.error('Could not record the error on the Event either', { message: messageOf(writeError) });
    }
  }

  function remember(m: ScheduledMeeting | undefined, plan: MeetingPlan | undefined): void {
    life.meeting = m;
    Object.assign(state, recordedMeeting(state, m, plan));
  }

  // ---- Scheduling (callouts from the org) -----------------------------------------------------------------

  async function cancelMeeting(deleteInZoom: boolean): Promise<void> {
    const had = life.meeting;
    if (had && deleteInZoom) await zoom().deleteZoomMeeting({ meetingId: had.meetingId, usesPmi: had.usesPmi });
    else if (deleteInZoom && life.interruptedCreate) {
      await zoom().deleteZoomMeetingCreatedEarlier({
        eventId: state.eventId,
        hostEmail: life.interruptedCreate.hostEmail,
      });
      life.interruptedCreate = undefined;
    }
    const next = whenCancelled(state, clock, had !== undefined, Date.now());
    life.meeting = undefined;
    life.applied = undefined;
    Object.assign(state, next.state);
    Object.assign(clock, next.clock);
    if (!next.reportCancelled) return;
    publish('Cancelled');
    await writeEvent({
      Zoom_Status__c: 'Cancelled',
      Zoom_Join_URL__c: null,
      Zoom_Meeting_Id__c: null,
      Zoom_Sync_Error__c: null,
    });
  }

  async function createMeeting(plan: MeetingPlan): Promise<string> {
    // Decided before the local activity, never first right after it (README, "Upgrading workflows").
    zoomWriteQueue();
    const hotCreate = await hot.createMeeting({ eventId: state.eventId, plan });
    if (hotCreate.made) {
      remember(hotCreate.made.meeting, plan);
      return hotCreate.made.hostEmail;
    }
    const hostEmail = await findHostEmail(plan.ownerId);
    const findEarlierFirst = life.interruptedCreate !== undefined || hotCreate.mayExistAlready;
    try {
      const made = await zoom().createZoomMeeting({
        eventId: state.eventId,
        hostEmail,
        plan,
        ...(findEarlierFirst ? { findEarlierFirst } : {}),
      });
      remember(made, plan);
    } catch (error) {
      if (error instanceof Superseded) life.interruptedCreate = { hostEmail };
      throw error;
    }
    life.interruptedCreate = undefined;
    return hostEmail;
  }

  async function scheduleMeeting(plan: MeetingPlan, modstamp: number): Promise<void> {
    const step = scheduleStep(
      { hasMeeting: life.meeting !== undefined, applied: life.applied?.plan },
      plan,
      Date.now(),
    );
    if (step.kind === 'over') {
      remember(life.meeting, plan);
      state.phase = 'closed';
      return;
    }
    let change = step.kind;
    // An edit of the meeting that exists is merged with Zoom's own edits, field by field; Zoom is sent only the
    // fields it lacks, so a concurrent edit in the Zoom portal of another field survives.
    let merged: { plan: MeetingPlan; fields: SharedField[] } | undefined;
    if (step.kind === 'update' && step.merge && patched(FIELD_MERGE_PATCH)) {
      const edit = mergeEdit(life.shared, life.applied!.plan, 'org', sharedValuesOf(plan), modstamp, plan);
      life.shared = edit.sync;
      merged = { plan: edit.plan, fields: Object.keys(edit.zoomLacks) as SharedField[] };
      plan = merged.plan;
      if (merged.fields.length === 0 && planChange(life.applied!.plan, plan) === 'none') change = 'none';
    }
    if (change === 'none') {
      if (life.eventWriteOwed && life.meeting) await writeScheduledToEvent();
      if (merged) await writeLackingFieldsToEvent();
      return;
    }
    let hostEmail = life.applied?.hostEmail;
    let created = false;
    if (change === 'recreate') {
      if (life.meeting)
        await zoom().deleteZoomMeeting({ meetingId: life.meeting.meetingId, usesPmi: life.meeting.usesPmi });
      remember(undefined, undefined);
      hostEmail = await createMeeting(plan);
      created = true;
    } else {
      try {
        await zoom().updateZoomMeeting({
          meetingId: life.meeting!.meetingId,
          plan,
          ...(merged ? { fields: merged.fields } : {}),
          ...(life.applied?.hostEmail ? { hostEmail: life.applied.hostEmail } : {}),
        });
        remember(life.meeting, plan);
      } catch (error) {
        // Deleted on the Zoom side: the Event still wants a meeting, so it gets a new one.
        if (failureOf(error)?.type !== FailureTypes.zoomMeetingGone) throw error;
        hostEmail = await createMeeting(plan);
        created = true;
      }
    }
    clock.lastZoomWriteAt = Date.now();
    if (merged && !created) life.shared = wroteTo(life.shared!, 'zoom', writesFor(life.shared!, 'zoom'), Date.now());
    // A new meeting, or one adopted or planned before the merge: both sides hold the plan from here.
    else life.shared = agreedSync(sharedValuesOf(plan), modstamp, Date.now());
    life.applied = { plan, hostEmail: hostEmail ?? '' };
    enterScheduled();
    publish('Scheduled');
    await writeScheduledToEvent();
    if (merged) await writeLackingFieldsToEvent();
  }

  async function writeScheduledToEvent(): Promise<void> {
    await writeEvent(scheduledEventFields(life.meeting!));
  }

  /** Writes to the Event the merged values it lacks (Zoom's edits), only those, so the rep's other edits stay. */
  async function writeLackingFieldsToEvent(): Promise<void> {
    const lacking = writesFor(life.shared!, 'org');
    if (Object.keys(lacking).length === 0 || !life.applied) return;
    const plan = life.applied.plan;
    const fields: EventScheduleFields = {
      ...('topic' in lacking ? { Subject: plan.topic } : {}),
      ...('startTime' in lacking ? { StartDateTime: plan.startTime } : {}),
      ...('startTime' in lacking || 'durationMinutes' in lacking ? { EndDateTime: plannedEnd(plan) } : {}),
    };
    const timeZone = 'timeZone' in lacking ? (plan.timeZone ?? null) : undefined;
    await writeEventSchedule({ eventId: state.eventId, fields, timeZone });
    life.shared = wroteTo(life.shared!, 'org', lacking, Date.now());
  }

  function enterScheduled(): void {
    state.lastError = undefined;
    const next = whenScheduled(state, clock, Date.now());
    state.phase = next.phase;
    Object.assign(clock, next.clock);
  }

  /** `orgAt`: when the org made the change, for the field merge (its SystemModstamp unless told otherwise). */
  async function applyCallout(item: EventCalloutItem, orgAt = Date.parse(item.event.SystemModstamp)): Promise<void> {
    life.held = undefined;
    if (item.operation === 'delete') life.eventDeleted = true;
    if (!life.meeting && item.event.Zoom_Meeting_Id__c) {
      // The Event already has a meeting from an earlier run of this workflow: adopt it, never create a second.
      life.meeting = adoptedMeeting(item.event.Zoom_Meeting_Id__c, item.event.Zoom_Use_PMI__c === true);
      state.zoomMeetingId = life.meeting.meetingId;
    }
    if (state.phase === 'started' || state.phase === 'ended' || state.phase === 'not-started') {
      // The meeting has happened (or its time is over): edits of the Event no longer change it in Zoom.
      return;
    }
    const firstCalloutOfRun = !carry && !input.handover && state.appliedChanges === 0 && !life.meeting;
    hot.arm(item, firstCalloutOfRun, decidePatchesOfFirstTask);
    applyingCallout = true;
    try {
      if (wantsZoomMeeting(item.operation, item.event)) await scheduleMeeting(planMeeting(item.event), orgAt);
      else await cancelMeeting(true);
    } catch (error) {
      applyingCallout = false;
      if (error instanceof Superseded) {
        log.info('A newer callout superseded the Zoom write in progress');
        return;
      }
      const wait = limitWaitOf(error, FailureTypes.zoomDailyLimit);
      if (wait && patched(LIMIT_WAITS_PATCH)) await holdUntilReset(item, wait);
      else await fail(error);
    } finally {
      applyingCallout = false;
      hot.disarm();
    }
  }

  // ---- Live and after (Zoom webhooks, polling) ----------------------------------------------------------

  /** Returns the fields written to the Event. */
  async function markStarted(
    actualStart: string | undefined,
    instanceUuid: string | undefined,
  ): Promise<EventZoomFields> {
    state.phase = 'started';
    state.actualStart = actualStart ?? state.actualStart;
    state.instanceUuid = instanceUuid ?? state.instanceUuid;
    Object.assign(clock, whenStarted(state, clock, Date.now()));
    publish('Started');
    const fields: EventZoomFields = {
      Zoom_Status__c: 'Started',
      ...(state.actualStart ? { Zoom_Actual_Start__c: state.actualStart } : {}),
    };
    const written = await writeEvent(fields);
    await mailAttendeesOnLaunch();
    return written ? fields : {};
  }

  /** Once per meeting, when the host's setting asks for it; a mail problem never fails the meeting. */
  async function mailAttendeesOnLaunch(): Promise<void> {
    if (state.launchEmail || !life.applied || !life.meeting?.joinUrl || life.eventDeleted) return;
    // A start learnt of after the scheduled end (a missed webhook, seen at a poll): "starting now" is no longer true.
    if (Date.now() >= Date.parse(state.endTime ?? '') && patched(NO_LATE_LAUNCH_EMAIL_PATCH)) {
      state.launchEmail = 'skipped';
      log.info('No launch e-mail: the meeting was seen started only after its scheduled end');
      return;
    }
    state.launchEmail = 'sending';
    try {
      const email: LaunchEmailInput = {
        eventId: state.eventId,
        ownerId: life.applied.plan.ownerId,
        instanceKey: state.instanceUuid ? state.instanceUuid.replace(/[^A-Za-z0-9]/g, '') : 'first',
        topic: life.applied.plan.topic,
        startTime: state.actualStart ?? life.applied.plan.startTime,
        durationMinutes: life.applied.plan.durationMinutes,
        joinUrl: life.meeting.joinUrl,
        ...(life.meeting.passcode ? { passcode: life.meeting.passcode } : {}),
      };
      const result = patched(LAUNCH_EMAIL_PER_RECIPIENT_PATCH)
        ? await mailEachRecipient(email)
        : await sendLaunchEmail(email);
      state.launchEmail = result.skipped ? 'skipped' : 'sent';
    } catch (error) {
      state.launchEmail = 'failed';
      log.warn('Launch e-mail failed', { message: messageOf(error) });
    }
  }

  async function mailEachRecipient(email: LaunchEmailInput): Promise<LaunchEmailResult> {
    const plan = await planLaunchEmail({ eventId: email.eventId, ownerId: email.ownerId });
    if (plan.skipped) return { sent: 0, invalidAddresses: plan.invalidAddresses, skipped: plan.skipped };
    let sent = 0;
    for (const recipient of plan.recipients) sent += (await sendLaunchEmailTo({ ...email, recipient })).sent;
    return { sent, invalidAddresses: plan.invalidAddresses };
  }

  /** Writes an outcome to the Event and moves the lifecycle on; returns the fields it wrote (none before a start). */
  async function recordOutcome(outcome: MeetingOutcome): Promise<EventZoomFields> {
    const fields = outcomeFields(outcome);
    if (outcome.state === 'live') return state.phase !== 'started' ? markStarted(undefined, undefined) : {};
    if (outcome.state === 'not-started') return {};
    Object.assign(state, endedStateOf(outcome, fields, state.recordingUrl));
    publish('Ended');
    const written = await writeEvent(fields);
    const recordingKnown = Boolean(outcome.recording) || state.recordingUrl !== undefined;
    Object.assign(clock, whenEnded(clock, { ...outcome, recordingKnown }, Date.now()));
    return written ? fields : {};
  }

  async function syncFromZoom(instanceUuid?: string, fetch = fetchOutcome): Promise<EventZoomFields> {
    const outcome = await fetch({
      meetingId: state.zoomMeetingId!,
      instanceUuid: instanceUuid ?? state.instanceUuid,
      notBefore: pastInstanceFloor(state),
    });
    return recordOutcome(outcome);
  }

  async function applyZoomEdit(event: ZoomMeetingEvent): Promise<void> {
    if (!life.applied || !event.changes) return;
    if (patched(FIELD_MERGE_PATCH)) return mergeZoomEdit(event);
    if (event.eventTs <= clock.lastZoomWriteAt) return;
    const next: MeetingPlan = { ...life.applied.plan, ...zoomEditValues(event.changes) };
    if (planChange(life.applied.plan, next) === 'none') return;
    // Remember first: the org's callout for this very write then finds nothing to change (no echo to Zoom).
    life.applied = { ...life.applied, plan: next };
    remember(life.meeting, next);
    enterScheduled();
    publish('Scheduled');
    const schedule: EventScheduleFields = {
      Subject: next.topic,
      StartDateTime: next.startTime,
      EndDateTime: plannedEnd(next),
    };
    await writeEventSchedule({ eventId: state.eventId, fields: schedule, timeZone: next.timeZone ?? null });
  }

  /** A Zoom-portal edit, merged field by field with the org's edits (the newer change of a field wins). */
  async function mergeZoomEdit(event: ZoomMeetingEvent): Promise<void> {
    const edit = mergeEdit(life.shared, life.applied!.plan, 'zoom', zoomEditValues(event.changes!), event.eventTs);
    life.shared = edit.sync;
    const { plan: next, zoomLacks } = edit;
    if (Object.keys(zoomLacks).length > 0) {
      // The edit lost to a newer one of the org's that Zoom's edit overwrote: Zoom gets it back.
      await zoom().updateZoomMeeting({
        meetingId: life.meeting!.meetingId,
        plan: next,
        fields: Object.keys(zoomLacks) as SharedField[],
        ...(life.applied!.hostEmail ? { hostEmail: life.applied!.hostEmail } : {}),
      });
      clock.lastZoomWriteAt = Date.now();
      life.shared = wroteTo(life.shared, 'zoom', zoomLacks, Date.now());
    }
    if (planChange(life.applied!.plan, next) !== 'none') {
      life.applied = { ...life.applied!, plan: next };
      remember(life.meeting, next);
      enterScheduled();
      publish('Scheduled');
    }
    await writeLackingFieldsToEvent();
  }

  /** Performs what a Zoom webhook asks of the lifecycle (`zoomEventStep`). */
  async function applyZoomEvent(event: ZoomMeetingEvent): Promise<void> {
    const step = zoomEventStep(state, event);
    if (step === 'other-meeting') return;
    if (isOtherPmiInstance(state, event) && patched(ZOOM_ROUTER_PATCH)) return;
    switch (step) {
      case 'ignore':
        return;
      case 'mark-started':
        await markStarted(event.startTime, event.meetingUuid);
        return;
      case 'participant-joined':
        state.liveParticipants = (state.liveParticipants ?? 0) + 1;
        return;
      case 'participant-left':
        state.liveParticipants = Math.max(0, (state.liveParticipants ?? 0) - 1);
        return;
      case 'sync-ended':
        state.liveParticipants = 0;
        if (!life.eventDeleted) {
          const fields = endFromWebhook(event, state.actualStart);
          await writeEndNow(fields && { eventId: state.eventId, fields }, decideEveryPatch);
        }
        await syncFromZoom(event.meetingUuid);
        return;
      case 'write-recording':
        await writeRecording(event);
        return;
      case 'apply-edit':
        await applyZoomEdit(event);
        return;
      case 'deleted-in-zoom':
        await cancelMeeting(false);
        // Untick the box too, so the Event says what Zoom says; the callout that follows finds nothing to do.
        await writeEventSchedule({
          eventId: state.eventId,
          fields: { Make_Zoom_Meeting__c: false },
          timeZone: undefined,
        });
        return;
    }
  }

  async function writeRecording(event: ZoomMeetingEvent): Promise<void> {
    const files = event.recording!.files;
    const fields: EventZoomFields = {
      Zoom_Recording_URL__c: event.recording!.shareUrl ?? null,
      Zoom_Recording_Summary__c: recordingSummary(
        files.map((f) => ({
          fileType: f.fileType,
          fileSize: f.fileSize,
          recordingStart: f.recordingStart,
          recordingEnd: f.recordingEnd,
        })),
      ),
    };
    state.recordingUrl = fields.Zoom_Recording_URL__c ?? undefined;
    state.lastSync = { ...state.lastSync, ...fields };
    clock.recordingUntil = undefined;
    await writeNonCritical('the recording', fields);
  }

  /**
   * A write the lifecycle does not depend on: when Salesforce refuses it, the Event's sync error and the workflow's
   * state say so, and the lifecycle goes on (it used to end in Error).
   */
  async function writeNonCritical(what: string, fields: EventZoomFields): Promise<void> {
    try {
      await writeEvent(fields);
    } catch (error) {
      if (!patched(NON_CRITICAL_WRITES_PATCH)) throw error;
      const message = `Could not write ${what} to the Event: ${messageOf(error)}`;
      log.warn('A non-critical Event write failed', { message });
      state.lastError = message;
      try {
        await writeEvent({ Zoom_Sync_Error__c: message });
      } catch (reportError) {
        log.error('Could not record the failed write on the Event either', { message: messageOf(reportError) });
      }
    }
  }

  /** A timer fired: the next step when Zoom has been silent (`stepAtDeadline`). */
  async function onDeadline(): Promise<void> {
    const now = Date.now();
    const step = stepAtDeadline(state, clock, life.held?.until, now);
    switch (step.kind) {
      case 'apply-held':
        await applyCallout(life.held!.item);
        return;
      case 'await-start':
        state.phase = 'awaiting-start';
        clock.pollAt = step.pollAt;
        return;
      case 'poll': {
        const outcome = await fetchOutcome({ meetingId: state.zoomMeetingId!, notBefore: pastInstanceFloor(state) });
        await recordOutcome(outcome);
        if (outcome.state === 'ended') return;
        const next = afterPoll(outcome.state, state, clock, now);
        clock.polls = next.polls;
        if (next.kind === 'not-started') {
          state.phase = 'not-started';
          clock.retireAt = now + RETIRE_GRACE_MS;
          publish('Not Started');
          await writeEvent({ Zoom_Status__c: 'Not Started' });
        } else if (next.kind === 'give-up') {
          await fail(new Error('Zoom still reports the meeting as live 30 hours after it started; giving up on it'));
        } else clock.pollAt = next.pollAt;
        return;
      }
      case 'refetch-participants':
        await syncFromZoom();
        return;
      case 'recording-window-over':
        clock.recordingUntil = undefined;
        return;
      case 'none':
        return;
    }
  }

  function nextDeadline(): number | undefined {
    return lifecycleDeadline(state, clock, life.held?.until);
  }

  function finished(): boolean {
    return isFinished(state, clock, life.held?.until, Date.now());
  }

  async function takeDeadlineStep(): Promise<void> {
    try {
      await onDeadline();
    } catch (error) {
      await fail(error);
    }
  }

  /**
   * The hourly sync saw the Event behind Zoom (its end is past, or its outcome is incomplete): ask Zoom at once.
   * A workflow the sync started (the lifecycle had finished or never ran) adopts the meeting the Event shows; with
   * no plan applied it never mails attendees, since the meeting's time is over.
   */
  function applyReconcile(request: ReconcileRequest): void {
    if (!state.zoomMeetingId) {
      const adopted = adoptedOnReconcile(request);
      if (!adopted) return;
      life.meeting = adoptedMeeting(adopted.zoomMeetingId, adopted.usesPmi);
      Object.assign(state, adopted);
    }
    const next = whenReconciled(state, clock, Date.now());
    state.phase = next.phase;
    Object.assign(clock, next.clock);
  }

  /** Answers "Sync Meeting Details" presses, one at a time, between the loop's other steps. */
  async function serveSyncRequests(): Promise<void> {
    while (syncRequests.length > 0) {
      const request = syncRequests.shift()!;
      try {
        if (!state.zoomMeetingId) throw noZoomMeeting();
        request.written = await syncFromZoom(undefined, fetchOutcomeForButton);
      } catch (error) {
        request.error = error;
      }
      request.done = true;
    }
  }

  /** Waits for the update handlers to finish, answering sync presses that arrive meanwhile (before an end). */
  async function settleHandlers(): Promise<void> {
    for (;;) {
      await serveSyncRequests();
      await condition(() => allHandlersFinished() || syncRequests.length > 0);
      if (syncRequests.length === 0) return;
    }
  }

  async function applyNewestCallout(item: EventCalloutItem, orgAt?: number): Promise<void> {
    state.lastAppliedModstamp = item.event.SystemModstamp;
    life.lastCallout = item;
    await applyCallout(item, orgAt);
    state.appliedChanges += 1;
  }

  /**
   * Another save in the second of the callout applied last: which came last only Salesforce knows, so the Event is
   * read again and applied when it differs. False when nothing was applied (the Event read is the one applied, or it
   * is gone: its delete callout follows). A read that fails drops the callout, as before.
   */
  async function applyEventAsRead(): Promise<boolean> {
    let current: EventCalloutItem['event'] | null;
    try {
      current = await readEventSnapshot({ eventId: state.eventId });
    } catch (error) {
      log.warn('Could not read the Event again after a same-second save', { message: messageOf(error) });
      return false;
    }
    if (!current) return false;
    const item: EventCalloutItem = { operation: 'upsert', event: current };
    if (
      !isNewer(item, state.lastAppliedModstamp, life.eventDeleted) &&
      !isSameSecondSave(item, life.lastCallout, life.eventDeleted)
    )
      return false;
    // Within one second the read is the later save: its changes beat those of the callout applied in that second.
    const appliedAt = life.lastCallout ? Date.parse(life.lastCallout.event.SystemModstamp) : 0;
    await applyNewestCallout(item, Math.max(Date.parse(current.SystemModstamp), appliedAt + 1));
    return true;
  }

  /** Applies the newest pending callout (older or duplicate ones are counted and dropped), then Zoom events. */
  async function drainInboxes(): Promise<void> {
    while (inboxes.reconcile.length > 0) applyReconcile(inboxes.reconcile.shift()!);
    while (inboxes.callouts.length > 0 || inboxes.zoom.length > 0) {
      if (inboxes.callouts.length > 0) {
        const items = inboxes.callouts.splice(0, inboxes.callouts.length);
        const batch = planCalloutBatch(items, {
          modstamp: state.lastAppliedModstamp,
          lastCallout: life.lastCallout,
          deleted: life.eventDeleted,
        });
        if (batch.sameSecondSave && patched(SAME_SECOND_REREAD_PATCH)) {
          state.ignoredStaleChanges += items.length - ((await applyEventAsRead()) ? 1 : 0);
          continue;
        }
        state.ignoredStaleChanges += batch.dropped;
        if (batch.newest) await applyNewestCallout(batch.newest);
        continue;
      }
      const event = inboxes.zoom.shift()!;
      try {
        await applyZoomEvent(event);
      } catch (error) {
        await fail(error);
      }
    }
    await serveSyncRequests();
  }

  // ---- Zoom webhook routing ------------------------------------------------------------------------------

  /** The route this workflow should hold: its meeting and scheduled window, while it has a meeting. */
  function wantedRoute(): RegisteredRoute | undefined {
    if (!life.meeting || !state.startTime || !state.endTime || state.phase === 'closed') return undefined;
    // A meeting adopted from the hourly sync (this run applied no plan) and found over: only a recording may still
    // come, which the sync's recording check finds; a router workflow per such Event is not worth it.
    if (!life.applied && !isBeforeEnd(state.phase) && !life.route && patched(DUE_AT_ONCE_PATCH)) return undefined;
    return {
      meetingId: life.meeting.meetingId,
      route: {
        workflowId: workflowInfo().workflowId,
        startTime: state.startTime,
        endTime: state.endTime,
        usesPmi: life.meeting.usesPmi,
      },
    };
  }

  /**
   * Keeps the router's entry for this Event current: registered when the meeting is made (webhooks that beat the
   * registration wait in the router), again when its window moves, withdrawn when the meeting goes or the workflow
   * ends. Routing never fails the meeting: the polls after the end cover what a lost route would miss.
   */
  async function keepRouteCurrent(wanted: RegisteredRoute | undefined): Promise<void> {
    if (JSON.stringify(wanted) === JSON.stringify(life.route)) return;
    try {
      if (life.route && life.route.meetingId !== wanted?.meetingId) {
        await unregisterZoomRoute({
          meetingId: life.route.meetingId,
          workflowId: life.route.route.workflowId,
        });
      }
      if (wanted) await registerZoomRoute(wanted);
      life.route = wanted;
    } catch (error) {
      log.warn('Could not update the Zoom webhook route', { message: messageOf(error) });
    }
  }

  function shouldContinueAsNew(): boolean {
    const { continueAsNewSuggested, historyLength } = workflowInfo();
    const threshold = input.continueAsNewAtHistoryLength;
    return continueAsNewSuggested || (threshold !== undefined && historyLength >= threshold);
  }

  // ---- Main loop ----------------------------------------------------------------------------------------

  if (input.handover && !carry) {
    // Made by the instant path: the Event and the meeting exist; the lifecycle picks up from here.
    life.applied = { plan: input.handover.plan, hostEmail: input.handover.hostEmail };
    remember(input.handover.meeting, input.handover.plan);
    clock.lastZoomWriteAt = Date.now();
    enterScheduled();
    publish('Scheduled');
  }

  for (;;) {
    await drainInboxes();
    if (isDue(state, clock, life.held?.until, Date.now()) && patched(DUE_AT_ONCE_PATCH)) {
      await takeDeadlineStep();
      continue;
    }
    if (patched(ZOOM_ROUTER_PATCH)) await keepRouteCurrent(wantedRoute());
    await calendar.catchUp();
    if (shouldContinueAsNew()) {
      await settleHandlers();
      return continueAsNew<typeof meetingWorkflow>(input, carryOf(run));
    }
    if (finished()) break;
    const deadline = nextDeadline();
    const hasWork = () =>
      inboxes.callouts.length > 0 || inboxes.zoom.length > 0 || inboxes.reconcile.length > 0 || syncRequests.length > 0;
    if (deadline === undefined) {
      await condition(hasWork);
      continue;
    }
    if (await condition(hasWork, Math.max(1, deadline - Date.now()))) continue;
    await takeDeadlineStep();
  }
  if (patched(ZOOM_ROUTER_PATCH)) await keepRouteCurrent(undefined);
  await settleHandlers();
  return state;
}
