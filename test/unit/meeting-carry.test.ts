/**
 * Continue-as-new carries a meeting workflow run whole: a run restored from a carry makes the same carry again, the
 * passcode and the Event's deletion included (both were once lost). `Required<MeetingWorkflowCarry>` below makes a
 * field added to the carry fail typecheck here until the test sets it.
 */
import { agreedSync } from '../../domain/field-merge';
import type { EventCalloutItem } from '../../domain/event-fields';
import { initialClock, RETIRE_GRACE_MS } from '../../domain/meeting-lifecycle';
import type { MeetingPlan } from '../../domain/meeting-plan';
import { carryOf, restoreRun, type MeetingWorkflowCarry } from '../../workflows/meeting-carry';

const plan: MeetingPlan = {
  ownerId: '005000000000001AAA',
  topic: 'Renewal call',
  startTime: '2026-12-03T15:00:00.000Z',
  durationMinutes: 30,
  timeZone: 'Europe/Madrid',
  agenda: '',
  usePmi: false,
  joinBeforeHost: false,
};

const callout = (modstamp: string): EventCalloutItem => ({
  operation: 'upsert',
  event: { Id: '00U000000000001AAA', SystemModstamp: modstamp, Subject: 'Renewal call', Make_Zoom_Meeting__c: true },
});

const everything: Required<MeetingWorkflowCarry> = {
  state: {
    eventId: '00U000000000001AAA',
    phase: 'scheduled',
    status: 'Scheduled',
    appliedChanges: 3,
    ignoredStaleChanges: 1,
    zoomMeetingId: '85123456789',
    joinUrl: 'https://zoom.example/j/85123456789',
    hostZoomUserId: 'zoom-ada',
    usesPmi: false,
    passcode: '482913',
    startTime: plan.startTime,
    endTime: '2026-12-03T15:30:00.000Z',
  },
  applied: { plan, hostEmail: 'ada@example.com' },
  inbox: [callout('2026-12-02T10:00:02.000Z')],
  zoomInbox: [{ kind: 'participant_joined', meetingId: '85123456789', eventTs: 1, dedupeKey: 'joined:1' }],
  seenZoomEvents: ['started:abc:1', 'joined:abc:2'],
  clock: { ...initialClock(Date.parse('2026-12-02T10:00:00Z')), polls: 2, lastZoomWriteAt: 5 },
  reconcileInbox: [
    {
      zoomMeetingId: '85123456789',
      status: 'Scheduled',
      startTime: plan.startTime,
      endTime: plan.startTime,
      usesPmi: false,
    },
  ],
  held: { item: callout('2026-12-02T10:00:01.000Z'), until: Date.parse('2026-12-03T00:00:00Z') },
  route: {
    meetingId: '85123456789',
    route: {
      workflowId: 'meeting-00U000000000001AAA',
      startTime: plan.startTime,
      endTime: plan.startTime,
      usesPmi: false,
    },
  },
  shared: agreedSync({ topic: plan.topic, startTime: plan.startTime, durationMinutes: 30, timeZone: null }, 1, 2),
  eventDeleted: true,
  lastCallout: callout('2026-12-02T10:00:00.000Z'),
  interruptedCreate: { hostEmail: 'ada@example.com' },
  eventWriteOwed: true,
};

describe('the meeting workflow carry', () => {
  it('restores a run that carries over exactly what it was given', () => {
    const run = restoreRun({ eventId: everything.state.eventId }, everything, Date.now());
    expect(carryOf(run)).toEqual(everything);
  });

  it('keeps the meeting it restores whole, the passcode included', () => {
    const run = restoreRun({ eventId: everything.state.eventId }, everything, Date.now());
    expect(run.life.meeting).toEqual({
      meetingId: '85123456789',
      joinUrl: 'https://zoom.example/j/85123456789',
      hostZoomUserId: 'zoom-ada',
      usesPmi: false,
      passcode: '482913',
    });
    expect(run.life.eventDeleted).toBe(true);
  });

  it('reads a carry written before the optional fields existed, and leaves them absent', () => {
    const { state, inbox, zoomInbox, seenZoomEvents, clock } = everything;
    const old: MeetingWorkflowCarry = { state, inbox, zoomInbox, seenZoomEvents, clock };
    const carried = carryOf(restoreRun({ eventId: state.eventId }, old, Date.now()));
    expect(carried).toEqual(old);
    expect(Object.keys(carried).sort()).toEqual(['applied', 'clock', 'inbox', 'seenZoomEvents', 'state', 'zoomInbox']);
  });

  it('starts a new lifecycle pending, with nothing to do and retirement after the grace period', () => {
    const now = Date.parse('2026-12-02T10:00:00Z');
    const run = restoreRun({ eventId: '00U000000000009AAA' }, undefined, now);
    expect(run.state).toEqual({
      eventId: '00U000000000009AAA',
      phase: 'pending',
      appliedChanges: 0,
      ignoredStaleChanges: 0,
    });
    expect(run.clock).toEqual({ polls: 0, participantRetries: 0, retireAt: now + RETIRE_GRACE_MS, lastZoomWriteAt: 0 });
    expect(run.life.meeting).toBeUndefined();
  });

  it('carries copies, so later work on the run does not change a carry already made', () => {
    const run = restoreRun({ eventId: everything.state.eventId }, everything, Date.now());
    const carried = carryOf(run);
    run.inboxes.callouts.push(callout('2026-12-02T10:00:09.000Z'));
    run.inboxes.seenZoomEvents.add('ended:abc:9');
    expect(carried.inbox).toHaveLength(1);
    expect(carried.seenZoomEvents).toHaveLength(2);
  });
});
