/**
 * The meeting live and after: what Zoom's webhooks and answers do to the lifecycle. Started (and the launch e-mail),
 * participants, the end and its outcome, the recording, and the host's edits and deletes in the Zoom portal. Which
 * step a webhook asks for is pure (`domain/zoom-event-steps.ts`), as are the outcome's fields
 * (`domain/meeting-outcome.ts`) and the timers that follow (`domain/meeting-lifecycle.ts`); this module performs them.
 */
import { log, patched } from '@temporalio/workflow';

import type { LaunchEmailInput, LaunchEmailResult } from '../activities/launch-email';
import type { EventScheduleFields, EventZoomFields } from '../domain/event-fields';
import { pastInstanceFloor, planChange, plannedEnd, type MeetingPlan } from '../domain/meeting-plan';
import {
  endedStateOf,
  endFromWebhook,
  outcomeFields,
  recordingSummary,
  type MeetingOutcome,
} from '../domain/meeting-outcome';
import type { ZoomMeetingEvent } from '../domain/zoom-webhooks';
import { isOtherPmiInstance, zoomEventStep } from '../domain/zoom-event-steps';
import { whenEnded, whenStarted } from '../domain/meeting-lifecycle';
import { mergeEdit, wroteTo, zoomEditValues, type SharedField } from '../domain/field-merge';
import { writeEndNow } from './hot-path';
import { planLaunchEmail, sendLaunchEmail, sendLaunchEmailTo, writeEventSchedule } from './meeting-activities';
import type { MeetingRun } from './meeting-carry';
import type { CalloutSteps } from './meeting-callouts';
import type { MeetingEffects } from './meeting-effects';
import { messageOf } from './meeting-failures';
import {
  decideEveryPatch,
  FIELD_MERGE_PATCH,
  LAUNCH_EMAIL_PER_RECIPIENT_PATCH,
  NO_LATE_LAUNCH_EMAIL_PATCH,
  NON_CRITICAL_WRITES_PATCH,
  ZOOM_ROUTER_PATCH,
} from './meeting-patches';

export function liveSteps(run: MeetingRun, effects: MeetingEffects, callouts: CalloutSteps) {
  const { state, life, clock } = run;
  const { publish, writeEvent, remember, enterScheduled, zoom, fetchOutcome } = effects;
  const { cancelMeeting, writeLackingFieldsToEvent } = callouts;

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

  /** The meeting's outcome as Zoom reports it now (the instance this Event's, or the one given). */
  function readOutcome(instanceUuid?: string, fetch = fetchOutcome): Promise<MeetingOutcome> {
    return fetch({
      meetingId: state.zoomMeetingId!,
      instanceUuid: instanceUuid ?? state.instanceUuid,
      notBefore: pastInstanceFloor(state),
    });
  }

  async function syncFromZoom(instanceUuid?: string, fetch = fetchOutcome): Promise<EventZoomFields> {
    return recordOutcome(await readOutcome(instanceUuid, fetch));
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

  return { applyZoomEvent, readOutcome, recordOutcome, syncFromZoom };
}
