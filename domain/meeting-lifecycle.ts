/**
 * The meeting lifecycle's timing, pure: when the workflow must act next without news from Zoom or the org, what it
 * does then, and when it is done. The meeting workflow (`workflows/meeting.ts`) interprets these decisions with
 * activities and durable timers; everything here is a function of the state, the clock and the time, unit-tested
 * without Temporal (`test/unit/meeting-lifecycle.test.ts`).
 */
import type { ZoomStatus } from './event-fields';
import { recordedMeeting } from './meeting-plan';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** How long a workflow stays open after a cancel, a delete or a failure, to absorb late callouts. */
export const RETIRE_GRACE_MS = HOUR;
/** After the scheduled end with no `meeting.ended`, ask Zoom after this long, then with growing gaps. */
export const POLL_DELAYS_MS = [15 * MINUTE, 15 * MINUTE, 30 * MINUTE, 60 * MINUTE, 2 * HOUR];
/** A meeting with no sign of life this long after its scheduled end is "Not Started". */
export const NOT_STARTED_AFTER_MS = 4 * HOUR;
/** Zoom ends a meeting after 30 hours; past that a live meeting is given up on. */
export const MAX_LIVE_MS = 30 * HOUR;
/** Participants Zoom has not published yet are fetched again after these delays. */
export const PARTICIPANT_RETRY_DELAYS_MS = [MINUTE, 5 * MINUTE, 15 * MINUTE, HOUR];
/** How long after the end a cloud recording may still arrive (`recording.completed`). */
export const RECORDING_WAIT_MS = 6 * HOUR;

/**
 * Lifecycle phase, finer than the Salesforce status: `awaiting-start` is past the scheduled start with no sign of the
 * meeting yet; `ended` is synced but may still wait for participants or a recording; `closed` ends a workflow with
 * nothing (more) to do.
 */
export type MeetingPhase =
  'pending' | 'scheduled' | 'awaiting-start' | 'started' | 'ended' | 'not-started' | 'cancelled' | 'failed' | 'closed';

/** What of the workflow's state the timing depends on. */
export interface LifecycleView {
  phase: MeetingPhase;
  /** Scheduled start and end (ISO). */
  startTime?: string;
  endTime?: string;
  /** When Zoom says the meeting started (ISO). */
  actualStart?: string;
}

/** The lifecycle's timers, as epoch milliseconds (workflow time). */
export interface LifecycleClock {
  /** When to ask Zoom about the meeting next (awaiting-start and started). */
  pollAt?: number;
  polls: number;
  /** When to fetch participants again (ended, participants not yet published). */
  participantRetryAt?: number;
  participantRetries: number;
  /** Until when a recording may still come (ended). */
  recordingUntil?: number;
  /** When an idle workflow finishes. */
  retireAt: number;
  /** Workflow time of our last write to Zoom; older `meeting.updated` events are our own echo. */
  lastZoomWriteAt: number;
}

/** A new lifecycle's clock: nothing to ask Zoom yet, and retired after the grace period unless a meeting comes. */
export function initialClock(now: number): LifecycleClock {
  return { polls: 0, participantRetries: 0, retireAt: now + RETIRE_GRACE_MS, lastZoomWriteAt: 0 };
}

/** Phases in which the meeting can still start or end: the workflow must not finish in them. */
export function isBeforeEnd(phase: MeetingPhase): boolean {
  return phase === 'scheduled' || phase === 'awaiting-start' || phase === 'started';
}

/** The phase's own deadline: the scheduled start, the next poll, the ended meeting's pending fetches, or retirement. */
function phaseDeadline(view: LifecycleView, clock: LifecycleClock): number | undefined {
  switch (view.phase) {
    case 'scheduled':
      return Date.parse(view.startTime!);
    case 'awaiting-start':
    case 'started':
      return clock.pollAt;
    case 'ended': {
      const pending = [clock.participantRetryAt, clock.recordingUntil].filter((t): t is number => t !== undefined);
      return pending.length > 0 ? Math.min(...pending) : undefined;
    }
    default:
      return clock.retireAt;
  }
}

/**
 * When the workflow must act next if nothing arrives: the phase's deadline, or when a held callout (Zoom's daily cap)
 * is tried again if that is sooner. Undefined: only news can move the lifecycle on.
 */
export function nextDeadline(view: LifecycleView, clock: LifecycleClock, heldUntil?: number): number | undefined {
  if (heldUntil === undefined) return phaseDeadline(view, clock);
  const lifecycle = isBeforeEnd(view.phase) || view.phase === 'ended' ? phaseDeadline(view, clock) : undefined;
  return lifecycle === undefined ? heldUntil : Math.min(lifecycle, heldUntil);
}

/** Nothing more to do: an ended meeting has all it waits for, any other settled phase is past its retirement. */
export function isFinished(view: LifecycleView, clock: LifecycleClock, heldUntil: number | undefined, now: number) {
  if (heldUntil !== undefined) return false;
  if (view.phase === 'ended') return clock.participantRetryAt === undefined && clock.recordingUntil === undefined;
  const deadline = nextDeadline(view, clock);
  return deadline !== undefined && now >= deadline && !isBeforeEnd(view.phase);
}

/** What a deadline that passed asks for. */
export type DeadlineStep =
  /** Apply the callout held for Zoom's daily cap again. */
  | { kind: 'apply-held' }
  /** The scheduled start passed without a start: wait for one, and ask Zoom after the scheduled end. */
  | { kind: 'await-start'; pollAt: number }
  /** Ask Zoom whether the meeting started or ended. */
  | { kind: 'poll' }
  /** Fetch the ended meeting's participants again (Zoom had not published them all). */
  | { kind: 'refetch-participants' }
  /** The time a recording could still come is over. */
  | { kind: 'recording-window-over' }
  | { kind: 'none' };

export function stepAtDeadline(
  view: LifecycleView,
  clock: LifecycleClock,
  heldUntil: number | undefined,
  now: number,
): DeadlineStep {
  if (heldUntil !== undefined && now >= heldUntil) return { kind: 'apply-held' };
  if (view.phase === 'scheduled') return { kind: 'await-start', pollAt: Date.parse(view.endTime!) + POLL_DELAYS_MS[0] };
  if (view.phase === 'awaiting-start' || view.phase === 'started') return { kind: 'poll' };
  if (view.phase === 'ended' && clock.participantRetryAt !== undefined && now >= clock.participantRetryAt)
    return { kind: 'refetch-participants' };
  if (view.phase === 'ended' && clock.recordingUntil !== undefined && now >= clock.recordingUntil)
    return { kind: 'recording-window-over' };
  return { kind: 'none' };
}

/**
 * A deadline already due that asks for a step (a reconcile's "ask Zoom now", say): the workflow takes it in the task
 * that finds it, without a timer. Not when the lifecycle is finished, nor when the step would be `none`, so the loop
 * never spins on a deadline nothing moves on.
 */
export function isDue(view: LifecycleView, clock: LifecycleClock, heldUntil: number | undefined, now: number) {
  const deadline = nextDeadline(view, clock, heldUntil);
  if (deadline === undefined || deadline > now || isFinished(view, clock, heldUntil, now)) return false;
  return stepAtDeadline(view, clock, heldUntil, now).kind !== 'none';
}

/** What a poll that found no end means, at `now` (the time the poll was due). */
export type AfterPoll =
  /** Four hours past the scheduled end and never started. */
  | { kind: 'not-started'; polls: number }
  /** Still live 30 hours after its start: Zoom would have ended it; give up on it. */
  | { kind: 'give-up'; polls: number }
  | { kind: 'poll-again'; polls: number; pollAt: number };

export function afterPoll(
  outcome: 'live' | 'not-started',
  view: LifecycleView,
  clock: LifecycleClock,
  now: number,
): AfterPoll {
  const polls = clock.polls + 1;
  if (outcome === 'not-started' && now - Date.parse(view.endTime!) >= NOT_STARTED_AFTER_MS)
    return { kind: 'not-started', polls };
  if (outcome === 'live' && now - Date.parse(view.actualStart ?? view.startTime!) >= MAX_LIVE_MS)
    return { kind: 'give-up', polls };
  return { kind: 'poll-again', polls, pollAt: now + POLL_DELAYS_MS[Math.min(polls, POLL_DELAYS_MS.length - 1)] };
}

/**
 * The meeting is (again) scheduled: it waits for its start, or, the start already past, for `meeting.started`, with
 * Zoom asked after the scheduled end. The poll count starts over.
 */
export function whenScheduled(
  view: LifecycleView,
  clock: LifecycleClock,
  now: number,
): { phase: 'scheduled' | 'awaiting-start'; clock: LifecycleClock } {
  if (now < Date.parse(view.startTime!)) return { phase: 'scheduled', clock: { ...clock, polls: 0 } };
  const pollAt = Math.max(now, Date.parse(view.endTime!)) + POLL_DELAYS_MS[0];
  return { phase: 'awaiting-start', clock: { ...clock, polls: 0, pollAt } };
}

/** The meeting started: Zoom is asked whether it ended after the scheduled end (or now, when that is past). */
export function whenStarted(view: LifecycleView, clock: LifecycleClock, now: number): LifecycleClock {
  return { ...clock, polls: 0, pollAt: Math.max(now, Date.parse(view.endTime ?? '') || 0) + POLL_DELAYS_MS[0] };
}

/**
 * The meeting ended and its outcome is written: participants Zoom has not published yet are fetched again with
 * growing delays (at most `PARTICIPANT_RETRY_DELAYS_MS.length` times), and without a recording the workflow waits
 * `RECORDING_WAIT_MS` after the end for one.
 */
export function whenEnded(
  clock: LifecycleClock,
  outcome: { participantsComplete: boolean; recordingKnown: boolean; actualEnd?: string },
  now: number,
): LifecycleClock {
  const next = { ...clock };
  if (outcome.participantsComplete) next.participantRetryAt = undefined;
  else if (clock.participantRetries < PARTICIPANT_RETRY_DELAYS_MS.length) {
    next.participantRetryAt = now + PARTICIPANT_RETRY_DELAYS_MS[clock.participantRetries];
    next.participantRetries = clock.participantRetries + 1;
  } else next.participantRetryAt = undefined;
  if (outcome.recordingKnown) next.recordingUntil = undefined;
  else next.recordingUntil ??= Math.max(now, Date.parse(outcome.actualEnd ?? '') || 0) + RECORDING_WAIT_MS;
  return next;
}

/** The phase of a meeting adopted from the hourly sync, by the Event's status (a scheduled one is late by then). */
const ADOPTED_PHASES: Partial<Record<ZoomStatus, MeetingPhase>> = {
  Scheduled: 'awaiting-start',
  Started: 'started',
  Ended: 'ended',
};

/**
 * A workflow without a meeting that the hourly sync reaches (the lifecycle had finished or never ran) adopts the
 * meeting the Event shows, in the phase its status says; an Event in another status has nothing to adopt.
 */
export function adoptedOnReconcile(request: {
  zoomMeetingId: string;
  status: ZoomStatus;
  startTime: string;
  endTime: string;
  usesPmi: boolean;
}) {
  const phase = ADOPTED_PHASES[request.status];
  if (!phase) return undefined;
  const { zoomMeetingId, usesPmi, startTime, endTime } = request;
  return { zoomMeetingId, usesPmi, startTime, endTime, phase };
}

/**
 * The hourly sync found the Event behind Zoom: a meeting whose scheduled end is past no longer waits for its start,
 * and Zoom is asked at once (the outcome of a live or late meeting, the participants of an ended one).
 */
export function whenReconciled(
  view: LifecycleView,
  clock: LifecycleClock,
  now: number,
): { phase: MeetingPhase; clock: LifecycleClock } {
  const phase = view.phase === 'scheduled' && Date.parse(view.endTime!) <= now ? 'awaiting-start' : view.phase;
  if (phase === 'awaiting-start' || phase === 'started') return { phase, clock: { ...clock, pollAt: now } };
  if (phase === 'ended') return { phase, clock: { ...clock, participantRetryAt: now } };
  return { phase, clock };
}

/** What of the workflow's state a cancel depends on: the meeting's time, its invitation sequence, the Event's status. */
export interface CancelView {
  topic?: string;
  startTime?: string;
  endTime?: string;
  timeZone?: string;
  icsSequence?: number;
  status?: ZoomStatus;
}

/**
 * The meeting is cancelled (the Event no longer wants one, or Zoom deleted it): its Zoom fields are cleared, and the
 * workflow retires after the grace period. A meeting that existed keeps its time, with the next iCalendar SEQUENCE,
 * for the METHOD:CANCEL invitation. The Event is told (Cancelled) when it showed a meeting, an Error or a Pending wait;
 * otherwise there is nothing to undo and the lifecycle just closes.
 */
export function whenCancelled(view: CancelView, clock: LifecycleClock, hadMeeting: boolean, now: number) {
  const keepsTime = hadMeeting && Boolean(view.startTime);
  const reportCancelled = hadMeeting || view.status === 'Error' || view.status === 'Pending';
  return {
    state: {
      phase: reportCancelled ? ('cancelled' as const) : ('closed' as const),
      ...recordedMeeting(view, undefined, undefined),
      startTime: keepsTime ? view.startTime : undefined,
      endTime: keepsTime ? view.endTime : undefined,
      timeZone: keepsTime ? view.timeZone : undefined,
      ...(keepsTime ? { icsSequence: (view.icsSequence ?? 0) + 1 } : {}),
    },
    clock: { ...clock, lastZoomWriteAt: now, retireAt: now + RETIRE_GRACE_MS },
    reportCancelled,
  };
}
