/**
 * Everything a meeting workflow run holds, in one value, and the continue-as-new carry made of it: what is restored
 * from a carry is exactly what a carry is made of, so a new run loses nothing (a passcode and the Event's deletion
 * were once lost because the same data lived in two places). Pure: `test/unit/meeting-carry.test.ts`.
 */
import type { ScheduledMeeting } from '../activities';
import type { EventCalloutItem } from '../domain/event-fields';
import type { MeetingPlan } from '../domain/meeting-plan';
import type { SharedSync } from '../domain/field-merge';
import type { ZoomMeetingEvent } from '../domain/zoom-webhooks';
import type { MeetingRoute } from '../domain/meeting-routing';
import { initialClock, type LifecycleClock } from '../domain/meeting-lifecycle';
import type { MeetingState, MeetingWorkflowInput, ReconcileRequest } from './messages';

/** The route registered with the Zoom webhook router: the meeting id and this Event's claim on it. */
export interface RegisteredRoute {
  meetingId: string;
  route: MeetingRoute;
}

/** What continue-as-new carries over. Optional fields are absent in carries written before they existed. */
export interface MeetingWorkflowCarry {
  state: MeetingState;
  applied?: { plan: MeetingPlan; hostEmail: string };
  inbox: EventCalloutItem[];
  zoomInbox: ZoomMeetingEvent[];
  seenZoomEvents: string[];
  clock: LifecycleClock;
  /** Requests of the hourly sync not yet applied. */
  reconcileInbox?: ReconcileRequest[];
  /** The callout waiting for Zoom's daily cap to reset, and when (epoch ms) it is applied again. */
  held?: { item: EventCalloutItem; until: number };
  /** The route registered with the Zoom webhook router. */
  route?: RegisteredRoute;
  /** The fields both sides edit: merged values and what each side holds. */
  shared?: SharedSync;
  /** The Event is gone from Salesforce: nothing more is written to it, and a same-stamp delete is not applied twice. */
  eventDeleted?: boolean;
  /** The callout applied last, to tell the org's repeat of it from another save in the same second. */
  lastCallout?: EventCalloutItem;
  /** A create a newer callout cancelled: it may have made a meeting, which the next create or delete looks for. */
  interruptedCreate?: { hostEmail: string };
  /** A write-back a newer callout cancelled: the next callout writes the Event even when it changes nothing. */
  eventWriteOwed?: boolean;
}

/**
 * The lifecycle's own state beside `MeetingState` (what the query shows): the meeting and plan applied, the callout
 * held for Zoom's daily cap, the field merge, the webhook route, and what the callout order and the Event's deletion
 * need.
 */
export interface Lifecycle {
  /** The Zoom meeting (absent: none), adopted ones with what the Event or the hourly sync showed of it. */
  meeting: ScheduledMeeting | undefined;
  applied: MeetingWorkflowCarry['applied'];
  held: MeetingWorkflowCarry['held'];
  shared: MeetingWorkflowCarry['shared'];
  lastCallout: MeetingWorkflowCarry['lastCallout'];
  interruptedCreate: MeetingWorkflowCarry['interruptedCreate'];
  route: RegisteredRoute | undefined;
  eventDeleted: boolean;
  eventWriteOwed: boolean;
}

/** Work that arrived (signals) and is not applied yet, and the Zoom deliveries already seen. */
export interface Inboxes {
  callouts: EventCalloutItem[];
  zoom: ZoomMeetingEvent[];
  reconcile: ReconcileRequest[];
  seenZoomEvents: Set<string>;
}

/** One run's whole state. */
export interface MeetingRun {
  state: MeetingState;
  life: Lifecycle;
  clock: LifecycleClock;
  inboxes: Inboxes;
}

/** The meeting a carried state holds (everything the workflow remembered of it, the passcode included). */
function meetingOf(state: MeetingState): ScheduledMeeting | undefined {
  if (!state.zoomMeetingId) return undefined;
  return {
    meetingId: state.zoomMeetingId,
    // An adopted meeting (from the Event or the hourly sync) has no join URL here.
    joinUrl: state.joinUrl ?? '',
    hostZoomUserId: state.hostZoomUserId ?? '',
    usesPmi: state.usesPmi ?? false,
    ...(state.passcode !== undefined ? { passcode: state.passcode } : {}),
  };
}

/** A meeting made by an earlier run, known only by what the Event (or the hourly sync) shows: no join URL or host. */
export function adoptedMeeting(meetingId: string, usesPmi: boolean): ScheduledMeeting {
  return { meetingId, joinUrl: '', hostZoomUserId: '', usesPmi };
}

/** A run's state: a new lifecycle's at `now`, or the carried one. */
export function restoreRun(
  input: MeetingWorkflowInput,
  carry: MeetingWorkflowCarry | undefined,
  now: number,
): MeetingRun {
  const state: MeetingState = carry?.state ?? {
    eventId: input.eventId,
    phase: 'pending',
    appliedChanges: 0,
    ignoredStaleChanges: 0,
  };
  return {
    state,
    clock: carry?.clock ?? initialClock(now),
    life: {
      meeting: meetingOf(state),
      applied: carry?.applied,
      held: carry?.held,
      shared: carry?.shared,
      lastCallout: carry?.lastCallout,
      interruptedCreate: carry?.interruptedCreate,
      route: carry?.route,
      eventDeleted: carry?.eventDeleted ?? false,
      eventWriteOwed: carry?.eventWriteOwed ?? false,
    },
    inboxes: {
      callouts: [...(carry?.inbox ?? [])],
      zoom: [...(carry?.zoomInbox ?? [])],
      reconcile: [...(carry?.reconcileInbox ?? [])],
      seenZoomEvents: new Set(carry?.seenZoomEvents ?? []),
    },
  };
}

/** The carry of a run (fields the run never set stay absent, as in older carries). */
export function carryOf({ state, life, clock, inboxes }: MeetingRun): MeetingWorkflowCarry {
  return {
    state,
    applied: life.applied,
    inbox: [...inboxes.callouts],
    zoomInbox: [...inboxes.zoom],
    seenZoomEvents: [...inboxes.seenZoomEvents],
    clock,
    ...(inboxes.reconcile.length > 0 ? { reconcileInbox: [...inboxes.reconcile] } : {}),
    ...(life.held ? { held: life.held } : {}),
    ...(life.route ? { route: life.route } : {}),
    ...(life.shared ? { shared: life.shared } : {}),
    ...(life.eventDeleted ? { eventDeleted: true } : {}),
    ...(life.lastCallout ? { lastCallout: life.lastCallout } : {}),
    ...(life.interruptedCreate ? { interruptedCreate: life.interruptedCreate } : {}),
    ...(life.eventWriteOwed ? { eventWriteOwed: true } : {}),
  };
}
