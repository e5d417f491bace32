/**
 * Everything that crosses the boundary of the meeting workflow: its ID, input, signals, queries and search
 * attributes. The API, the worker and the tests import these definitions; nothing here does I/O.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { EventCalloutItem, EventZoomFields, ZoomStatus } from '../domain/event-fields';
import type { ZoomMeetingEvent } from '../domain/zoom-webhooks';
import type { MeetingPlan } from '../domain/meeting-plan';
import type { ScheduledMeeting } from '../activities/meetings';
import type { EndedMeetingRef } from '../activities/external-meetings';
import type { MeetingRoute } from '../domain/meeting-routing';
import type { MeetingPhase } from '../domain/meeting-lifecycle';
import { queueFamily, type QueuePlacement } from './task-queues';

/** One workflow per Salesforce Event. Event Ids are not PII. */
export function meetingWorkflowId(eventId: string): string {
  return `meeting-${eventId}`;
}

/** One "Send Email" button press; `requestKey` identifies the signed request, so a retry finds the same run. */
export function meetingEmailWorkflowId(eventId: string, requestKey: string): string {
  return `meeting-email-${eventId}-${requestKey}`;
}

/** The one-off sync of an Event whose meeting workflow has finished (one at a time per Event). */
export function meetingSyncWorkflowId(eventId: string): string {
  return `meeting-sync-${eventId}`;
}

/** The meeting workflow's type, as the worker registers it (`workflows/meeting.ts` exports `meetingWorkflow`). */
export const MEETING_WORKFLOW_TYPE = 'meetingWorkflow';

export interface MeetingWorkflowInput {
  eventId: string;
  /** A meeting made by the instant path, handed over with its plan: the lifecycle starts from there. */
  handover?: { meeting: ScheduledMeeting; plan: MeetingPlan; hostEmail: string };
  /** Tests only: continue as new once the history is this long (production follows the server's suggestion). */
  continueAsNewAtHistoryLength?: number;
}

/** One instant-meeting click per user and record at a time: a retried click finds the same workflow. */
export function instantMeetingWorkflowId(userId: string, recordId: string): string {
  return `instant-${userId}-${recordId}`;
}

/** What "Start Zoom Meeting" answers (the start URL is fetched fresh by the API, never kept in history). */
export interface InstantMeetingAnswer {
  eventId: string;
  zoomMeetingId: string;
  joinUrl: string;
}

/** Makes the instant meeting (once, however often it is asked) and answers when its Event exists. */
export const startInstantMeetingUpdate = defineUpdate<InstantMeetingAnswer>('startInstantMeeting');

/** A callout from the org about this Event (insert, update or delete). */
export const eventChangedSignal = defineSignal<[EventCalloutItem]>('eventChanged');

export type { MeetingPhase };

export interface MeetingState {
  eventId: string;
  phase: MeetingPhase;
  status?: ZoomStatus;
  zoomMeetingId?: string;
  joinUrl?: string;
  hostZoomUserId?: string;
  usesPmi?: boolean;
  /** Topic of the meeting as last applied. */
  topic?: string;
  /** The meeting passcode, for invitations. */
  passcode?: string;
  /** iCalendar SEQUENCE of the meeting: grows with every reschedule and with a cancellation. */
  icsSequence?: number;
  /** Scheduled start and end (ISO, UTC) of the meeting as last applied. */
  startTime?: string;
  endTime?: string;
  timeZone?: string;
  /** SystemModstamp of the last callout applied; older callouts change nothing. */
  lastAppliedModstamp?: string;
  lastError?: string;
  appliedChanges: number;
  ignoredStaleChanges: number;
  /** What happened in the meeting (from webhooks and Zoom's past-meeting data). */
  instanceUuid?: string;
  actualStart?: string;
  actualEnd?: string;
  durationMinutes?: number;
  participantCount?: number;
  successful?: boolean;
  recordingUrl?: string;
  /** The attendees' e-mail when the host starts the meeting (only if the host's setting asks for it). */
  launchEmail?: 'sending' | 'sent' | 'skipped' | 'failed';
  /** People in the meeting right now, from participant webhooks. */
  liveParticipants?: number;
  /** A limit the workflow is waiting out: why, and when it asks again (ISO). */
  waiting?: { health: SyncHealth; reason: string; until: string };
  /** Fields of the last post-meeting sync, as written to the Event. */
  lastSync?: EventZoomFields;
  /** The host's Google calendar (workflows/calendar-sync.ts): what it was last given. */
  calendar?: CalendarSyncState;
}

/** What the host's calendar holds, as fingerprints of what it was given (no link, passcode or address). */
export interface CalendarSyncState {
  /** The host whose calendar holds the event, once one was made. */
  ownerId?: string;
  /** The meeting as last written to the calendar, and as last tried (a refusal is not repeated until it changes). */
  synced?: string;
  tried?: string;
  /** The outcome last noted on the event. */
  noted?: string;
  /** The warning the Event shows (`Zoom_Calendar_Sync_Error__c`), if any. */
  warning?: string;
}

/**
 * The host's "Google Calendar Notifications" may have been turned on since the calendar was last tried (the hourly
 * sync saw the setting change): put the meeting on the calendar now if it is not there yet.
 */
export const calendarCatchUpSignal = defineSignal('calendarCatchUp');

export const meetingStateQuery = defineQuery<MeetingState>('meetingState');

/** "Sync Meeting Details": read the meeting from Zoom now, write the Event, answer with what was written. */
export const syncNowUpdate = defineUpdate<EventZoomFields>('syncNow');

/** Search attributes operators filter on in the Temporal UI (no PII: ids and statuses only). */
export const SalesforceEventIdAttribute = defineSearchAttributeKey('SalesforceEventId', SearchAttributeType.KEYWORD);

/**
 * How an Event's change reaches its meeting workflow, started when it has none: the callout route, and the hourly
 * sync's pick-up of Events whose callout never arrived, hand over the same options (`client.workflow.signalWithStart`).
 */
export function eventChangedSignalWithStart(eventId: string, item: EventCalloutItem, placement: QueuePlacement) {
  return {
    workflowId: meetingWorkflowId(eventId),
    ...placement,
    args: [{ eventId }] as [MeetingWorkflowInput],
    signal: eventChangedSignal,
    signalArgs: [item] as [EventCalloutItem],
    typedSearchAttributes: [{ key: SalesforceEventIdAttribute, value: eventId }],
  };
}

/**
 * A data load's callout: the API accepts it with one workflow start, however many Events it carries, and the
 * workflow signals each Event's meeting workflow (`calloutBatchWorkflow`).
 */
export const CALLOUT_BATCH_WORKFLOW_TYPE = 'calloutBatchWorkflow';

export interface CalloutBatchInput {
  items: { eventId: string; item: EventCalloutItem }[];
}

/**
 * One workflow per batch body (its SHA-256, hex): the org's resend of a batch it saw refused is signed anew but has
 * the same body, so while the first is still signalling the server hands the resend that same workflow.
 */
export function calloutBatchStart(bodyDigest: string, input: CalloutBatchInput, placement: QueuePlacement) {
  return {
    workflowId: `callout-batch-${bodyDigest}`,
    ...placement,
    args: [input] as [CalloutBatchInput],
    workflowIdConflictPolicy: 'USE_EXISTING' as const,
  };
}
export const ZoomMeetingIdAttribute = defineSearchAttributeKey('ZoomMeetingId', SearchAttributeType.KEYWORD);
export const MeetingStatusAttribute = defineSearchAttributeKey('MeetingStatus', SearchAttributeType.KEYWORD);
export const ScheduledStartAttribute = defineSearchAttributeKey('ScheduledStart', SearchAttributeType.DATETIME);
/**
 * Set while the workflow waits on a limit, absent otherwise: `Delayed` (Zoom's daily cap for the host: the Event
 * says Pending and when it will be retried), `Stalled` (Salesforce's API requests are used up: nothing can be
 * written to the Event, so only the Web UI can tell). The workflow's current details say why and until when.
 */
export const SyncHealthAttribute = defineSearchAttributeKey('SyncHealth', SearchAttributeType.KEYWORD);
/** Delayed: Zoom's daily cap; Stalled: Salesforce's request limit; Paused: Zoom refuses the app's credentials. */
export type SyncHealth = 'Delayed' | 'Stalled' | 'Paused';

export const SEARCH_ATTRIBUTES = [
  SalesforceEventIdAttribute,
  ZoomMeetingIdAttribute,
  MeetingStatusAttribute,
  ScheduledStartAttribute,
  SyncHealthAttribute,
];

/** A Zoom webhook event about this meeting, normalised; may arrive twice (same `dedupeKey`) or out of order. */
export const zoomEventSignal = defineSignal<[ZoomMeetingEvent]>('zoomEvent');

// ---- Zoom webhook routing -----------------------------------------------------------------------------------

/**
 * One router per Zoom meeting id (not PII): the API hands it every webhook about the meeting (signal-with-start of
 * `zoomEventSignal`), and it forwards each to the Event whose meeting workflow registered the meeting.
 */
export function zoomMeetingRouterWorkflowId(meetingId: string): string {
  return `zoom-meeting-${meetingId}`;
}

export interface ZoomMeetingRouterInput {
  meetingId: string;
}

/** A meeting workflow claims the meeting id for its scheduled window (sent again when the window moves). */
export const registerRouteSignal = defineSignal<[MeetingRoute]>('registerRoute');
/** The meeting workflow no longer holds the meeting (moved to another, cancelled, or finished). */
export const unregisterRouteSignal = defineSignal<[{ workflowId: string }]>('unregisterRoute');

// ---- The hourly sync ----------------------------------------------------------------------------------------

/** The Temporal Schedule that starts `hourlySyncWorkflow`; operators trigger, pause and backfill it by this id. */
export const HOURLY_SYNC_SCHEDULE_ID = 'zoom-hourly-sync';

export interface HourlySyncInput {
  intervalMs: number;
  /** Each run starts this long before the previous run's end, so nothing at the seam is missed. */
  overlapMs: number;
  /** How far back the first run (or the first with external meetings turned on) looks. */
  lookbackMs: number;
  /** Hosts synced at once (one child workflow each). */
  hostConcurrency: number;
  /** Run for a window ending here instead of the scheduled time (tests, hand-run catch-ups). */
  windowEnd?: string;
}

/** A Salesforce user whose e-mail is a user of the Zoom account. Ids only: no address enters history. */
export interface SyncHost {
  sfUserId: string;
  zoomUserId: string;
}

/** What one host's sync did; the run's memo adds them up for the Web UI. */
export interface HostSyncCounts {
  /** Upcoming managed meetings compared with Zoom, and those whose Zoom-side edit was handed to their workflow. */
  upcomingChecked: number;
  zoomEditsFound: number;
  /** Ended meetings of the window seen in Zoom's report. */
  meetingsSeen: number;
  /** Meetings the integration manages (an Event holds their id): never imported. */
  skippedManaged: number;
  /** External meetings with no participant linked: no Event. */
  skippedNoMatch: number;
  /** Events created or updated for external meetings. */
  eventsWritten: number;
  /** Participants left unlinked because two or more records matched equally well. */
  needsReview: number;
  /** Meetings whose participants Zoom had not published yet; the next run's overlap picks them up. */
  deferred: number;
}

export interface HourlySyncProgress extends HostSyncCounts {
  window: { from: string; to: string; backfill: boolean };
  externalEnabled: boolean;
  hostsTotal: number;
  hostsDone: number;
  /** Hosts whose sync failed: the run then fails and leaves the watermark where it was. */
  hostsFailed: number;
  /** Events past their end still Scheduled or Started, or Ended without their outcome: handed to their workflows. */
  staleEventsNudged: number;
  /** Upcoming Events asking for a meeting whose callout never reached Temporal: their workflows started. */
  missedEventsStarted?: number;
}

export interface HostSyncResult {
  counts: HostSyncCounts;
  /** The host's meetings left over after its full batches: the run pools them with other hosts'. */
  remainder: EndedMeetingRef[];
}

export interface HostSyncInput {
  host: SyncHost;
  window: { from: string; to: string };
  external: boolean;
  /** Where a continued run resumes: the report days still to read, the page token of the current day. */
  resume?: {
    days: string[];
    pageToken?: string;
    counts: HostSyncCounts;
    upcomingDone: boolean;
    /** Meetings read but not yet imported (fewer than a batch). */
    pending: EndedMeetingRef[];
    /** Instance UUIDs already taken from the current day. */
    takenToday: string[];
  };
}

/** External meetings are imported 200 at a time: one sObject Collections write per batch. */
export const IMPORT_BATCH_SIZE = 200;

/** The rate-limited queue of the external-meeting import (its Zoom reads are paced account-wide by the server). */
export function zoomImportTaskQueue(taskQueue: string): string {
  return `${queueFamily(taskQueue)}-zoom-import`;
}

/**
 * The rate-limited queue of the meeting workflows' Zoom writes (create, update, delete): the server starts at most
 * the account's create rate of them per second across all workers, so a burst of Events cannot storm Zoom.
 */
export function zoomWritesTaskQueue(taskQueue: string): string {
  return `${queueFamily(taskQueue)}-zoom-writes`;
}

/** One child per host and run, so a host's history stays small and its progress shows on its own. */
export function hostSyncWorkflowId(runWorkflowId: string, sfUserId: string): string {
  return `${runWorkflowId}-host-${sfUserId}`;
}

/** The hourly sync found this Event behind Zoom: ask Zoom now. Carries ids, status and times only. */
export interface ReconcileRequest {
  zoomMeetingId: string;
  status: ZoomStatus;
  startTime: string;
  endTime: string;
  usesPmi: boolean;
}

export const reconcileSignal = defineSignal<[ReconcileRequest]>('reconcile');

/**
 * One signed request from the org, by its `X-Nonce` (checked to be 16–64 letters, digits, '-' or '_'; random, not
 * PII): the API's replay cache. Starting a second workflow with this id is refused, so the nonce is honoured once.
 */
export function signedRequestWorkflowId(nonce: string): string {
  return `signed-request-${nonce}`;
}
