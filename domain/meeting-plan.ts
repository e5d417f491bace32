import type { EventSnapshot, EventZoomFields } from './event-fields';

/**
 * The Zoom meeting an Event asks for, derived purely from its snapshot. The workflow compares plans to decide
 * whether a callout means "create", "update", "recreate" or "nothing to do".
 */
export interface MeetingPlan {
  /** Salesforce User who owns the Event; their e-mail must be a Zoom user, who hosts the meeting. */
  ownerId: string;
  topic: string;
  /** Scheduled start, ISO UTC. Sent to Zoom in UTC so no local-time ambiguity (DST) can creep in. */
  startTime: string;
  durationMinutes: number;
  /** Customer's IANA zone; absent means the host's own Zoom time zone applies. */
  timeZone?: string;
  agenda: string;
  usePmi: boolean;
  joinBeforeHost: boolean;
}

/** Zoom's documented limits for these fields. */
export const ZOOM_TOPIC_MAX = 200;
export const ZOOM_AGENDA_MAX = 2000;
const DEFAULT_TOPIC = 'Salesforce meeting';

/**
 * The agenda ends with this marker so that, after a crash between "meeting created" and "meeting recorded",
 * the meeting can be found again in the host's list instead of being created twice.
 */
export function eventMarker(eventId: string): string {
  return `[Salesforce Event ${eventId}]`;
}

export function agendaMentionsEvent(agenda: string | undefined | null, eventId: string): boolean {
  return typeof agenda === 'string' && agenda.includes(eventMarker(eventId));
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function agendaFor(eventId: string, description: string | null | undefined): string {
  const marker = eventMarker(eventId);
  const body = (description ?? '').trim();
  if (body.length === 0) return marker;
  return `${truncate(body, ZOOM_AGENDA_MAX - marker.length - 2)}\n\n${marker}`;
}

/** Whole minutes between start and end, at least one (Zoom rejects a zero duration). */
export function durationMinutes(startIso: string, endIso: string): number {
  return Math.max(1, Math.round((Date.parse(endIso) - Date.parse(startIso)) / 60_000));
}

/** What the rep reads in Zoom_Sync_Error__c when an all-day Event has the box ticked. */
export const ALL_DAY_MESSAGE =
  'An all-day Event cannot be a Zoom meeting: give the Event a start and end time, or untick Make it a Zoom Meeting';

/**
 * The plan for a validated snapshot whose box is ticked (the API guarantees start, end and owner are present
 * and consistent before a snapshot reaches the workflow).
 */
export function planMeeting(event: EventSnapshot): MeetingPlan {
  if (!event.StartDateTime || !event.EndDateTime || !event.OwnerId) {
    throw new Error('A Zoom meeting needs the Event start, end and owner');
  }
  // Salesforce stores an all-day Event at midnight UTC of its first and last day: there is no meeting time.
  if (event.IsAllDayEvent === true) throw new Error(ALL_DAY_MESSAGE);
  const subject = (event.Subject ?? '').trim();
  return {
    ownerId: event.OwnerId,
    topic: truncate(subject.length > 0 ? subject : DEFAULT_TOPIC, ZOOM_TOPIC_MAX),
    startTime: new Date(Date.parse(event.StartDateTime)).toISOString(),
    durationMinutes: durationMinutes(event.StartDateTime, event.EndDateTime),
    ...(event.Customer_Time_Zone__c ? { timeZone: event.Customer_Time_Zone__c } : {}),
    agenda: agendaFor(event.Id, event.Description),
    usePmi: event.Zoom_Use_PMI__c === true,
    joinBeforeHost: event.Zoom_Join_Before_Host__c === true,
  };
}

export function wantsZoomMeeting(operation: 'upsert' | 'delete', event: EventSnapshot): boolean {
  return operation === 'upsert' && event.Make_Zoom_Meeting__c === true;
}

export type PlanChange = 'none' | 'update' | 'recreate';

/**
 * How to go from the meeting that exists to the one asked for. A new host or a switch to or from the PMI
 * cannot be expressed as a PATCH, so those recreate the meeting.
 */
export function planChange(current: MeetingPlan, next: MeetingPlan): PlanChange {
  if (current.ownerId !== next.ownerId || current.usePmi !== next.usePmi) return 'recreate';
  const same =
    current.topic === next.topic &&
    current.startTime === next.startTime &&
    current.durationMinutes === next.durationMinutes &&
    current.timeZone === next.timeZone &&
    current.agenda === next.agenda &&
    current.joinBeforeHost === next.joinBeforeHost;
  return same ? 'none' : 'update';
}

/**
 * What a callout asking for `plan` does to the meeting the workflow holds: `applied` is the plan it applied, absent
 * for a meeting adopted from an earlier run (the Event showed it). An adopted meeting is updated to the plan, or left
 * alone once its time is over (`over`: an edit of the Event must not touch it). An update of a meeting planned here
 * is merged with Zoom's own edits (`merge`); without a meeting, or with a plan Zoom cannot PATCH, one is (re)created.
 */
export type ScheduleStep =
  { kind: 'over' } | { kind: 'none' } | { kind: 'recreate' } | { kind: 'update'; merge: boolean };

export function scheduleStep(
  held: { hasMeeting: boolean; applied?: MeetingPlan },
  plan: MeetingPlan,
  now: number,
): ScheduleStep {
  if (held.hasMeeting && !held.applied) {
    return Date.parse(plannedEnd(plan)) < now ? { kind: 'over' } : { kind: 'update', merge: false };
  }
  if (!held.hasMeeting || !held.applied) return { kind: 'recreate' };
  const change = planChange(held.applied, plan);
  return change === 'update' ? { kind: 'update', merge: true } : { kind: change };
}

/** End of the planned meeting (ISO UTC). */
export function plannedEnd(plan: MeetingPlan): string {
  return new Date(Date.parse(plan.startTime) + plan.durationMinutes * 60_000).toISOString();
}

/** A Zoom meeting as the workflow holds it (an adopted one without join URL or host). */
export interface HeldMeeting {
  meetingId: string;
  joinUrl: string;
  hostZoomUserId: string;
  usesPmi: boolean;
  /** The meeting passcode, for invitations and the attendees' e-mail. */
  passcode?: string;
}

/** The Event's Zoom fields once its meeting is scheduled; an adopted meeting (no join URL known) keeps the Event's. */
export function scheduledEventFields(meeting: HeldMeeting): EventZoomFields {
  return {
    Zoom_Meeting_Id__c: meeting.meetingId,
    ...(meeting.joinUrl ? { Zoom_Join_URL__c: meeting.joinUrl } : {}),
    Zoom_Status__c: 'Scheduled',
    Zoom_Sync_Error__c: null,
  };
}

/**
 * What the workflow's state records of the meeting held and the plan applied (either absent: its fields cleared).
 * The iCalendar SEQUENCE grows when the time changes, so attendees' calendars take the new invitation; the topic
 * stays when no plan is given.
 */
export function recordedMeeting(
  view: { topic?: string; startTime?: string; endTime?: string; icsSequence?: number },
  meeting: HeldMeeting | undefined,
  plan: MeetingPlan | undefined,
) {
  const retimed = plan !== undefined && (plan.startTime !== view.startTime || plannedEnd(plan) !== view.endTime);
  return {
    zoomMeetingId: meeting?.meetingId,
    joinUrl: meeting?.joinUrl,
    hostZoomUserId: meeting?.hostZoomUserId,
    usesPmi: meeting?.usesPmi,
    passcode: meeting?.passcode,
    ...(retimed ? { icsSequence: view.icsSequence === undefined ? 0 : view.icsSequence + 1 } : {}),
    topic: plan?.topic ?? view.topic,
    startTime: plan?.startTime,
    endTime: plan ? plannedEnd(plan) : undefined,
    timeZone: plan?.timeZone,
  };
}

/** How far before the scheduled start a PMI instance may have started and still be this meeting's. */
export const PMI_INSTANCE_WINDOW_MS = 6 * 60 * 60_000;

/**
 * The earliest start of a past instance that belongs to this meeting. A PMI's id is shared by every meeting the
 * host holds on it, so only instances near this one count; any instance of an ordinary meeting is its own.
 */
export function pastInstanceFloor(meeting: { usesPmi?: boolean; startTime?: string }): string | undefined {
  if (!meeting.usesPmi || !meeting.startTime) return undefined;
  return new Date(Date.parse(meeting.startTime) - PMI_INSTANCE_WINDOW_MS).toISOString();
}
