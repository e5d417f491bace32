/**
 * The org's callouts, applied to the meeting in SystemModstamp order: create, reschedule, change options, cancel.
 * An edit is merged field by field with Zoom's own edits; Zoom's daily cap holds a callout until the reset; a newer
 * callout supersedes a step still retrying. What to do is decided by pure functions (`domain/meeting-plan.ts`,
 * `domain/callout-order.ts`, `domain/field-merge.ts`); this module performs it.
 */
import { log, patched } from '@temporalio/workflow';
import { FailureTypes } from '../activities/failures';
import type { EventCalloutItem, EventScheduleFields } from '../domain/event-fields';
import {
  planChange,
  planMeeting,
  plannedEnd,
  scheduledEventFields,
  scheduleStep,
  wantsZoomMeeting,
  type MeetingPlan,
} from '../domain/meeting-plan';
import { isNewer, isSameSecondSave, planCalloutBatch } from '../domain/callout-order';
import { whenCancelled } from '../domain/meeting-lifecycle';
import { agreedSync, mergeEdit, sharedValuesOf, writesFor, wroteTo, type SharedField } from '../domain/field-merge';
import { findHostEmail, readEventSnapshot, writeEventSchedule } from './meeting-activities';
import { adoptedMeeting, type MeetingRun } from './meeting-carry';
import type { HotPath } from './hot-path';
import type { MeetingEffects } from './meeting-effects';
import { failureOf, limitWaitOf, messageOf, Superseded } from './meeting-failures';
import {
  decidePatchesOfFirstTask,
  FIELD_MERGE_PATCH,
  LIMIT_WAITS_PATCH,
  SAME_SECOND_REREAD_PATCH,
  ZOOM_WRITES_QUEUE_PATCH,
} from './meeting-patches';

const MINUTE = 60_000;

/**
 * The callout steps of a run. `freshRun`: neither continued from another run nor handed over by the instant path, so
 * its first callout may take the hot path (`workflows/hot-path.ts`).
 */
export function calloutSteps(run: MeetingRun, effects: MeetingEffects, hot: HotPath, freshRun: boolean) {
  const { state, life, clock } = run;
  const { publish, beginWait, writeEvent, fail, remember, enterScheduled, zoom, asCallout } = effects;

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
    patched(ZOOM_WRITES_QUEUE_PATCH);
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
    const firstCalloutOfRun = freshRun && state.appliedChanges === 0 && !life.meeting;
    hot.arm(item, firstCalloutOfRun, decidePatchesOfFirstTask);
    try {
      await asCallout(() =>
        wantsZoomMeeting(item.operation, item.event)
          ? scheduleMeeting(planMeeting(item.event), orgAt)
          : cancelMeeting(true),
      );
    } catch (error) {
      if (error instanceof Superseded) {
        log.info('A newer callout superseded the Zoom write in progress');
        return;
      }
      const wait = limitWaitOf(error, FailureTypes.zoomDailyLimit);
      if (wait && patched(LIMIT_WAITS_PATCH)) await holdUntilReset(item, wait);
      else await fail(error);
    } finally {
      hot.disarm();
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

  /**
   * Applies the newest of the callouts that arrived (older or duplicate ones are counted and dropped); another save in
   * the second of the callout applied last reads the Event again.
   */
  async function applyCalloutBatch(items: EventCalloutItem[]): Promise<void> {
    const batch = planCalloutBatch(items, {
      modstamp: state.lastAppliedModstamp,
      lastCallout: life.lastCallout,
      deleted: life.eventDeleted,
    });
    if (batch.sameSecondSave && patched(SAME_SECOND_REREAD_PATCH)) {
      state.ignoredStaleChanges += items.length - ((await applyEventAsRead()) ? 1 : 0);
      return;
    }
    state.ignoredStaleChanges += batch.dropped;
    if (batch.newest) await applyNewestCallout(batch.newest);
  }

  return { applyCallout, applyCalloutBatch, cancelMeeting, writeLackingFieldsToEvent };
}

export type CalloutSteps = ReturnType<typeof calloutSteps>;
