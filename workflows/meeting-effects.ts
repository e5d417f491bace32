/**
 * What the meeting workflow's steps do to the world outside its state, shared by all of them: the search attributes
 * and the Web UI's waits, the Event's writes (waiting out Salesforce's request limit), the Zoom writes and reads
 * (paused while Zoom refuses the credentials, superseded by a newer callout), a failure's record. One run's effects
 * are made by `meetingEffects` from its state (`workflows/meeting-carry.ts`).
 */
import {
  CancellationScope,
  condition,
  isCancellation,
  log,
  patched,
  setCurrentDetails,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { Activities, ScheduledMeeting } from '../activities';
import { CREDENTIALS_RETRY_DELAY_MS, FailureTypes } from '../activities/failures';
import type { EventZoomFields, ZoomStatus } from '../domain/event-fields';
import { recordedMeeting, type MeetingPlan } from '../domain/meeting-plan';
import { isNewer } from '../domain/callout-order';
import { RETIRE_GRACE_MS, whenScheduled } from '../domain/meeting-lifecycle';
import {
  MeetingStatusAttribute,
  ScheduledStartAttribute,
  SyncHealthAttribute,
  ZoomMeetingIdAttribute,
  type SyncHealth,
} from './messages';
import type { HotPath } from './hot-path';
import {
  fetchMeetingOutcome,
  writeEventFields,
  writeEventFieldsOfCallout,
  zoomWriteActivities,
} from './meeting-activities';
import type { MeetingRun } from './meeting-carry';
import { failureOf, limitWaitOf, messageOf, Superseded } from './meeting-failures';
import {
  CREDENTIALS_PAUSE_PATCH,
  LIMIT_WAITS_PATCH,
  SUPERSEDE_EVENT_WRITES_PATCH,
  SUPERSEDE_PATCH,
  ZOOM_WRITES_QUEUE_PATCH,
} from './meeting-patches';

const MINUTE = 60_000;

/** One run's effects; its Event writes go through `hot`, the first task's local activities (`workflows/hot-path.ts`). */
export function meetingEffects(run: MeetingRun, hot: HotPath) {
  const { state, life, clock, inboxes } = run;
  /** True while a callout is applied: its Zoom writes and write-back give way to a newer callout. */
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

  function enterScheduled(): void {
    state.lastError = undefined;
    const next = whenScheduled(state, clock, Date.now());
    state.phase = next.phase;
    Object.assign(clock, next.clock);
  }

  /** Runs a callout's step: while it runs, its Zoom writes and its write-back give way to a newer callout. */
  async function asCallout<T>(step: () => Promise<T>): Promise<T> {
    applyingCallout = true;
    try {
      return await step();
    } finally {
      applyingCallout = false;
    }
  }

  return { publish, beginWait, writeEvent, fail, remember, enterScheduled, zoom, fetchOutcome, asCallout };
}

export type MeetingEffects = ReturnType<typeof meetingEffects>;
