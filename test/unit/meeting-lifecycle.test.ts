/**
 * The meeting lifecycle's timing without Temporal (domain/meeting-lifecycle.ts): the next deadline of each phase, what
 * a passed deadline asks for, what a poll without an end means, when the workflow is finished, and how the clock
 * moves when the meeting is scheduled, starts, ends, is reconciled or is cancelled.
 */
import {
  adoptedOnReconcile,
  afterPoll,
  initialClock,
  isDue,
  isFinished,
  MAX_LIVE_MS,
  nextDeadline,
  NOT_STARTED_AFTER_MS,
  PARTICIPANT_RETRY_DELAYS_MS,
  POLL_DELAYS_MS,
  RECORDING_WAIT_MS,
  RETIRE_GRACE_MS,
  stepAtDeadline,
  whenCancelled,
  whenEnded,
  whenReconciled,
  whenScheduled,
  whenStarted,
  type LifecycleClock,
  type LifecycleView,
} from '../../domain/meeting-lifecycle';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const START = Date.parse('2026-12-01T10:00:00.000Z');
const END = START + 30 * MINUTE;
const meeting = (phase: LifecycleView['phase'], extra: Partial<LifecycleView> = {}): LifecycleView => ({
  phase,
  startTime: new Date(START).toISOString(),
  endTime: new Date(END).toISOString(),
  ...extra,
});
const clock = (extra: Partial<LifecycleClock> = {}): LifecycleClock => ({ ...initialClock(START - HOUR), ...extra });

describe('nextDeadline', () => {
  test('each phase has its own: the start, the next poll, the ended meeting’s fetches, retirement', () => {
    expect(nextDeadline(meeting('scheduled'), clock())).toBe(START);
    expect(nextDeadline(meeting('awaiting-start'), clock({ pollAt: END + 15 * MINUTE }))).toBe(END + 15 * MINUTE);
    expect(nextDeadline(meeting('started'), clock({ pollAt: 7 }))).toBe(7);
    expect(nextDeadline(meeting('ended'), clock({ participantRetryAt: 9, recordingUntil: 5 }))).toBe(5);
    expect(nextDeadline(meeting('ended'), clock())).toBeUndefined();
    expect(nextDeadline(meeting('cancelled'), clock())).toBe(START - HOUR + RETIRE_GRACE_MS);
  });

  test('a held callout is tried again at its time, or sooner when the phase asks; a settled phase waits for it', () => {
    expect(nextDeadline(meeting('scheduled'), clock(), START - MINUTE)).toBe(START - MINUTE);
    expect(nextDeadline(meeting('scheduled'), clock(), START + MINUTE)).toBe(START);
    expect(nextDeadline(meeting('ended'), clock(), START + MINUTE)).toBe(START + MINUTE);
    expect(nextDeadline(meeting('pending'), clock(), START + 5 * HOUR)).toBe(START + 5 * HOUR);
  });
});

describe('isFinished', () => {
  test('an ended meeting is finished when neither participants nor a recording are awaited', () => {
    expect(isFinished(meeting('ended'), clock(), undefined, START)).toBe(true);
    expect(isFinished(meeting('ended'), clock({ recordingUntil: END + HOUR }), undefined, START)).toBe(false);
  });

  test('a settled phase is finished at its retirement; a meeting that can still start never is', () => {
    const retireAt = START;
    expect(isFinished(meeting('cancelled'), clock({ retireAt }), undefined, retireAt - 1)).toBe(false);
    expect(isFinished(meeting('cancelled'), clock({ retireAt }), undefined, retireAt)).toBe(true);
    expect(isFinished(meeting('scheduled'), clock(), undefined, START + 100 * HOUR)).toBe(false);
    expect(isFinished(meeting('closed'), clock({ retireAt }), START + HOUR, retireAt + 1)).toBe(false);
  });
});

describe('stepAtDeadline', () => {
  test('in order: a held callout due, the start passed, a poll, participants again, the recording window over', () => {
    expect(stepAtDeadline(meeting('scheduled'), clock(), START, START)).toEqual({ kind: 'apply-held' });
    expect(stepAtDeadline(meeting('scheduled'), clock(), START + HOUR, START)).toEqual({
      kind: 'await-start',
      pollAt: END + POLL_DELAYS_MS[0],
    });
    expect(stepAtDeadline(meeting('awaiting-start'), clock(), undefined, END)).toEqual({ kind: 'poll' });
    expect(stepAtDeadline(meeting('started'), clock(), undefined, END)).toEqual({ kind: 'poll' });
    expect(stepAtDeadline(meeting('ended'), clock({ participantRetryAt: END }), undefined, END)).toEqual({
      kind: 'refetch-participants',
    });
    expect(stepAtDeadline(meeting('ended'), clock({ recordingUntil: END }), undefined, END)).toEqual({
      kind: 'recording-window-over',
    });
    expect(stepAtDeadline(meeting('ended'), clock({ recordingUntil: END + 1 }), undefined, END)).toEqual({
      kind: 'none',
    });
  });
});

describe('isDue', () => {
  test('a deadline already passed that asks for a step: a reconciled meeting to ask about, a held callout', () => {
    expect(isDue(meeting('awaiting-start'), clock({ pollAt: END }), undefined, END)).toBe(true);
    expect(isDue(meeting('awaiting-start'), clock({ pollAt: END + 1 }), undefined, END)).toBe(false);
    expect(isDue(meeting('ended'), clock({ participantRetryAt: END }), undefined, END)).toBe(true);
    expect(isDue(meeting('closed'), clock(), END, END)).toBe(true);
  });

  test('never for a finished lifecycle, nor for a deadline whose step is none', () => {
    const retireAt = START;
    expect(isDue(meeting('cancelled'), clock({ retireAt }), undefined, retireAt)).toBe(false);
    expect(isDue(meeting('ended'), clock(), undefined, END)).toBe(false);
    // A settled phase past its retirement with a callout held: the next deadline is the held callout's, not yet due.
    expect(isDue(meeting('failed'), clock({ retireAt }), retireAt + HOUR, retireAt + 1)).toBe(false);
  });
});

describe('afterPoll', () => {
  test('not started yet: ask again with growing gaps, then Not Started four hours after the end', () => {
    expect(afterPoll('not-started', meeting('awaiting-start'), clock({ polls: 0 }), END + 15 * MINUTE)).toEqual({
      kind: 'poll-again',
      polls: 1,
      pollAt: END + 15 * MINUTE + POLL_DELAYS_MS[1],
    });
    const late = afterPoll('not-started', meeting('awaiting-start'), clock({ polls: 9 }), END + HOUR);
    expect(late).toEqual({ kind: 'poll-again', polls: 10, pollAt: END + HOUR + POLL_DELAYS_MS.at(-1)! });
    expect(afterPoll('not-started', meeting('awaiting-start'), clock(), END + NOT_STARTED_AFTER_MS)).toEqual({
      kind: 'not-started',
      polls: 1,
    });
  });

  test('live: polled on until 30 hours after its actual start, then given up on', () => {
    const live = meeting('started', { actualStart: new Date(START + HOUR).toISOString() });
    expect(afterPoll('live', live, clock(), START + MAX_LIVE_MS).kind).toBe('poll-again');
    expect(afterPoll('live', live, clock(), START + HOUR + MAX_LIVE_MS)).toEqual({ kind: 'give-up', polls: 1 });
    expect(afterPoll('live', meeting('started'), clock(), START + MAX_LIVE_MS).kind).toBe('give-up');
  });
});

describe('clock transitions', () => {
  test('scheduled: waits for the start; a start already past waits for Zoom after the end; polls start over', () => {
    expect(whenScheduled(meeting('pending'), clock({ polls: 3 }), START - HOUR)).toEqual({
      phase: 'scheduled',
      clock: clock({ polls: 0 }),
    });
    expect(whenScheduled(meeting('pending'), clock({ polls: 3 }), START + MINUTE)).toEqual({
      phase: 'awaiting-start',
      clock: clock({ polls: 0, pollAt: END + POLL_DELAYS_MS[0] }),
    });
    expect(whenScheduled(meeting('pending'), clock(), END + HOUR).clock.pollAt).toBe(END + HOUR + POLL_DELAYS_MS[0]);
  });

  test('started: Zoom is asked after the scheduled end, or from now once it is past', () => {
    expect(whenStarted(meeting('awaiting-start'), clock({ polls: 2 }), START)).toMatchObject({
      polls: 0,
      pollAt: END + POLL_DELAYS_MS[0],
    });
    expect(whenStarted(meeting('awaiting-start'), clock(), END + HOUR).pollAt).toBe(END + HOUR + POLL_DELAYS_MS[0]);
  });

  test('ended: missing participants fetched again with growing delays, a recording awaited for hours', () => {
    const first = whenEnded(clock(), { participantsComplete: false, recordingKnown: false }, END);
    expect(first).toMatchObject({
      participantRetryAt: END + PARTICIPANT_RETRY_DELAYS_MS[0],
      participantRetries: 1,
      recordingUntil: END + RECORDING_WAIT_MS,
    });
    const second = whenEnded(first, { participantsComplete: false, recordingKnown: false }, END + MINUTE);
    expect(second.participantRetryAt).toBe(END + MINUTE + PARTICIPANT_RETRY_DELAYS_MS[1]);
    expect(second.recordingUntil).toBe(END + RECORDING_WAIT_MS);
    const exhausted = clock({ participantRetries: PARTICIPANT_RETRY_DELAYS_MS.length, participantRetryAt: 1 });
    expect(whenEnded(exhausted, { participantsComplete: false, recordingKnown: true }, END)).toMatchObject({
      participantRetryAt: undefined,
      recordingUntil: undefined,
    });
  });

  test('reconciled: a scheduled meeting past its end is asked about at once; an ended one re-reads participants', () => {
    expect(whenReconciled(meeting('scheduled'), clock(), END + MINUTE)).toEqual({
      phase: 'awaiting-start',
      clock: clock({ pollAt: END + MINUTE }),
    });
    expect(whenReconciled(meeting('scheduled'), clock(), START)).toEqual({ phase: 'scheduled', clock: clock() });
    expect(whenReconciled(meeting('ended'), clock(), END).clock.participantRetryAt).toBe(END);
    expect(whenReconciled(meeting('cancelled'), clock(), END)).toEqual({ phase: 'cancelled', clock: clock() });
  });
});

describe('whenCancelled', () => {
  const scheduled = {
    startTime: new Date(START).toISOString(),
    endTime: new Date(END).toISOString(),
    timeZone: 'Europe/Paris',
    icsSequence: 2,
    status: 'Scheduled' as const,
  };

  test('a meeting that existed: Zoom fields cleared, its time kept with the next SEQUENCE, the Event told', () => {
    const next = whenCancelled(scheduled, clock(), true, START - MINUTE);
    expect(next.reportCancelled).toBe(true);
    expect(next.state).toEqual({
      phase: 'cancelled',
      zoomMeetingId: undefined,
      joinUrl: undefined,
      hostZoomUserId: undefined,
      usesPmi: undefined,
      passcode: undefined,
      startTime: scheduled.startTime,
      endTime: scheduled.endTime,
      timeZone: 'Europe/Paris',
      icsSequence: 3,
    });
    expect(next.clock).toEqual(clock({ lastZoomWriteAt: START - MINUTE, retireAt: START - MINUTE + RETIRE_GRACE_MS }));
  });

  test('the first cancel of a meeting never invited starts its SEQUENCE at 1', () => {
    expect(whenCancelled({ ...scheduled, icsSequence: undefined }, clock(), true, START).state.icsSequence).toBe(1);
  });

  test('no meeting: nothing kept; the Event is told only when it shows an Error or a Pending wait', () => {
    const quiet = whenCancelled({ ...scheduled, status: undefined }, clock(), false, START);
    expect(quiet.reportCancelled).toBe(false);
    expect(quiet.state.phase).toBe('closed');
    expect(quiet.state.startTime).toBeUndefined();
    expect('icsSequence' in quiet.state).toBe(false);
    for (const status of ['Error', 'Pending'] as const) {
      const next = whenCancelled({ ...scheduled, status }, clock(), false, START);
      expect(next.reportCancelled).toBe(true);
      expect(next.state.phase).toBe('cancelled');
      expect(next.state.timeZone).toBeUndefined();
    }
  });
});

describe('adoptedOnReconcile', () => {
  const request = {
    zoomMeetingId: '81234567890',
    startTime: new Date(START).toISOString(),
    endTime: new Date(END).toISOString(),
    usesPmi: true,
  };

  test('the meeting the Event shows is adopted in the phase its status says (a scheduled one is late by then)', () => {
    expect(adoptedOnReconcile({ ...request, status: 'Scheduled' })).toEqual({
      zoomMeetingId: '81234567890',
      usesPmi: true,
      startTime: request.startTime,
      endTime: request.endTime,
      phase: 'awaiting-start',
    });
    expect(adoptedOnReconcile({ ...request, status: 'Started' })?.phase).toBe('started');
    expect(adoptedOnReconcile({ ...request, status: 'Ended' })?.phase).toBe('ended');
  });

  test('an Event in another status has nothing to adopt', () => {
    for (const status of ['Pending', 'Cancelled', 'Not Started', 'Error'] as const) {
      expect(adoptedOnReconcile({ ...request, status })).toBeUndefined();
    }
  });
});
