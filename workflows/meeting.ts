/**
 * One workflow per Salesforce Event that is (or was) a Zoom meeting: its whole lifecycle.
 *
 * - Scheduling: applies the org's callouts in SystemModstamp order (create, reschedule, change options, cancel)
 *   and keeps the Event's Zoom fields and the search attributes current.
 * - Live: Zoom webhooks (signals) say when the meeting starts and ends; Zoom-side edits and deletes flow back.
 * - After: the post-meeting sync writes times, participants and the recording to the Event. Missed webhooks
 *   are covered by asking Zoom itself, with backoff, after the scheduled end.
 *
 * This module is the loop: it takes the signals, updates and timers in turn and hands each to its steps. What to do
 * is decided by pure functions under `domain/` (the timers in `meeting-lifecycle.ts`, a webhook's step in
 * `zoom-event-steps.ts`, a callout's in `meeting-plan.ts` and `callout-order.ts`, the merge in `field-merge.ts`),
 * unit-tested without Temporal. The steps that perform those decisions live beside it: the org's callouts
 * (`meeting-callouts.ts`), the meeting live and after (`meeting-live.ts`), the effects they share
 * (`meeting-effects.ts`), the run's state and its continue-as-new carry (`meeting-carry.ts`), the activities
 * (`meeting-activities.ts`) and the upgrade markers (`meeting-patches.ts`).
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { EventZoomFields } from '../domain/event-fields';
import type { MeetingOutcome } from '../domain/meeting-outcome';
import { pastInstanceFloor } from '../domain/meeting-plan';
import {
  adoptedOnReconcile,
  afterPoll,
  isBeforeEnd,
  isDue,
  isFinished,
  nextDeadline as lifecycleDeadline,
  stepAtDeadline,
  RETIRE_GRACE_MS,
  whenReconciled,
} from '../domain/meeting-lifecycle';
import {
  eventChangedSignal,
  meetingStateQuery,
  reconcileSignal,
  syncNowUpdate,
  zoomEventSignal,
  type MeetingState,
  type MeetingWorkflowInput,
  type ReconcileRequest,
} from './messages';
import { calendarSync } from './calendar-sync';
import { hotPath } from './hot-path';
import { calloutSteps } from './meeting-callouts';
import { meetingEffects } from './meeting-effects';
import { liveSteps } from './meeting-live';
import { fetchOutcomeForButton, registerZoomRoute, unregisterZoomRoute } from './meeting-activities';
import { adoptedMeeting, carryOf, restoreRun, type MeetingWorkflowCarry, type RegisteredRoute } from './meeting-carry';
import { messageOf, noZoomMeeting } from './meeting-failures';
import {
  decidePatchesAfterAdoptedRead,
  decidePatchesAfterOutcomeWrite,
  DUE_AT_ONCE_PATCH,
  SYNC_IN_LOOP_PATCH,
  ZOOM_ROUTER_PATCH,
} from './meeting-patches';

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

export async function meetingWorkflow(
  input: MeetingWorkflowInput,
  carry?: MeetingWorkflowCarry,
): Promise<MeetingState> {
  const run = restoreRun(input, carry, Date.now());
  const { state, life, clock, inboxes } = run;
  /** A rep's save of one Event: its meeting made and written back within the first task (workflows/hot-path.ts). */
  const hot = hotPath();
  const effects = meetingEffects(run, hot);
  const { publish, writeEvent, fail, remember, enterScheduled, fetchOutcome } = effects;
  const callouts = calloutSteps(run, effects, hot, !carry && !input.handover);
  const live = liveSteps(run, effects, callouts);
  // The host's Google calendar follows the meeting, after the Event's writes of each turn (workflows/calendar-sync.ts).
  const calendar = calendarSync({ state, ownerId: () => life.applied?.plan.ownerId, writeEvent: (f) => writeEvent(f) });

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
        return live.syncFromZoom();
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

  /** A timer fired: the next step when Zoom has been silent (`stepAtDeadline`). */
  async function onDeadline(): Promise<void> {
    const now = Date.now();
    const step = stepAtDeadline(state, clock, life.held?.until, now);
    switch (step.kind) {
      case 'apply-held':
        await callouts.applyCallout(life.held!.item);
        return;
      case 'await-start':
        state.phase = 'awaiting-start';
        clock.pollAt = step.pollAt;
        return;
      case 'poll': {
        const request = { meetingId: state.zoomMeetingId!, notBefore: pastInstanceFloor(state) };
        const outcome =
          (adoptedAlone() ? await hot.readAdoptedOutcome(request, decidePatchesAfterAdoptedRead) : undefined) ??
          (await fetchOutcome(request));
        await recordReadOutcome(outcome);
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
        await recordReadOutcome(await live.readOutcome());
        return;
      case 'recording-window-over':
        clock.recordingUntil = undefined;
        return;
      case 'none':
        return;
    }
  }

  /** A signal or an update is waiting to be applied. */
  function hasWork(): boolean {
    return (
      inboxes.callouts.length > 0 || inboxes.zoom.length > 0 || inboxes.reconcile.length > 0 || syncRequests.length > 0
    );
  }

  /** A meeting adopted from the hourly sync (no plan applied) with no signal or update waiting. */
  function adoptedAlone(): boolean {
    return !life.applied && !hasWork();
  }

  /**
   * Records an outcome just read from Zoom. A meeting adopted from the hourly sync (no plan applied: a stale Event
   * handed over, thousands at once after an outage) has it written by a local activity in the task that read it.
   */
  async function recordReadOutcome(outcome: MeetingOutcome): Promise<void> {
    // With a signal or update waiting the rest of the task could reach any patch: the remote write then.
    if (!adoptedAlone()) {
      await live.recordOutcome(outcome);
      return;
    }
    hot.armForOutcome(decidePatchesAfterOutcomeWrite);
    try {
      await live.recordOutcome(outcome);
    } finally {
      hot.disarm();
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
        request.written = await live.syncFromZoom(undefined, fetchOutcomeForButton);
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

  /** Applies the hourly sync's requests, then the callouts that arrived (the newest of them), then Zoom events. */
  async function drainInboxes(): Promise<void> {
    while (inboxes.reconcile.length > 0) applyReconcile(inboxes.reconcile.shift()!);
    while (inboxes.callouts.length > 0 || inboxes.zoom.length > 0) {
      if (inboxes.callouts.length > 0) {
        await callouts.applyCalloutBatch(inboxes.callouts.splice(0, inboxes.callouts.length));
        continue;
      }
      const event = inboxes.zoom.shift()!;
      try {
        await live.applyZoomEvent(event);
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
