import {
  agendaFor,
  agendaMentionsEvent,
  durationMinutes,
  eventMarker,
  planChange,
  planMeeting,
  plannedEnd,
  recordedMeeting,
  scheduleStep,
  wantsZoomMeeting,
  ZOOM_AGENDA_MAX,
  ZOOM_TOPIC_MAX,
} from '../../domain/meeting-plan';
import type { EventSnapshot } from '../../domain/event-fields';

const EVENT_ID = '00U000000000123AAA';

function event(overrides: Partial<EventSnapshot> = {}): EventSnapshot {
  return {
    Id: EVENT_ID,
    Subject: 'Pricing call',
    StartDateTime: '2026-03-08T06:30:00.000Z',
    EndDateTime: '2026-03-08T07:15:00.000Z',
    OwnerId: '005000000000001AAA',
    Description: 'Bring the numbers',
    SystemModstamp: '2026-03-01T00:00:00.000Z',
    Make_Zoom_Meeting__c: true,
    Customer_Time_Zone__c: 'America/New_York',
    ...overrides,
  };
}

describe('planMeeting', () => {
  test('takes topic, UTC start, duration, zone, options and an agenda that names the Event', () => {
    const plan = planMeeting(event({ Zoom_Use_PMI__c: true, Zoom_Join_Before_Host__c: true }));
    expect(plan).toEqual({
      ownerId: '005000000000001AAA',
      topic: 'Pricing call',
      startTime: '2026-03-08T06:30:00.000Z',
      durationMinutes: 45,
      timeZone: 'America/New_York',
      agenda: `Bring the numbers\n\n${eventMarker(EVENT_ID)}`,
      usePmi: true,
      joinBeforeHost: true,
    });
  });

  test('without a customer time zone the host zone applies (no timezone sent)', () => {
    expect(planMeeting(event({ Customer_Time_Zone__c: null }))).not.toHaveProperty('timeZone');
  });

  test('a blank subject gets a readable default; long subjects are cut to Zoom’s limit', () => {
    expect(planMeeting(event({ Subject: '   ' })).topic).toBe('Salesforce meeting');
    const topic = planMeeting(event({ Subject: 'x'.repeat(500) })).topic;
    expect(topic).toHaveLength(ZOOM_TOPIC_MAX);
    expect(topic.endsWith('…')).toBe(true);
  });

  test('a huge description still leaves the Event marker inside Zoom’s agenda limit', () => {
    const agenda = agendaFor(EVENT_ID, 'y'.repeat(40_000));
    expect(agenda.length).toBeLessThanOrEqual(ZOOM_AGENDA_MAX);
    expect(agendaMentionsEvent(agenda, EVENT_ID)).toBe(true);
    expect(agendaMentionsEvent(agenda, '00U000000000124AAA')).toBe(false);
    expect(agendaFor(EVENT_ID, null)).toBe(eventMarker(EVENT_ID));
  });

  test('normalises any ISO offset to UTC', () => {
    expect(planMeeting(event({ StartDateTime: '2026-03-08T01:30:00-05:00' })).startTime).toBe(
      '2026-03-08T06:30:00.000Z',
    );
  });

  test('refuses a snapshot without start, end or owner', () => {
    expect(() => planMeeting(event({ EndDateTime: null }))).toThrow(/start, end and owner/);
  });

  test('refuses an all-day Event, saying what the rep can do (Salesforce keeps no time of day for it)', () => {
    const allDay = event({
      IsAllDayEvent: true,
      StartDateTime: '2026-03-08T00:00:00.000Z',
      EndDateTime: '2026-03-08T00:00:00.000Z',
    });
    expect(() => planMeeting(allDay)).toThrow(
      'An all-day Event cannot be a Zoom meeting: give the Event a start and end time, or untick Make it a Zoom Meeting',
    );
  });
});

describe('durations across DST changes are real elapsed minutes', () => {
  test('the night the US springs forward: 01:30–03:30 local is one hour', () => {
    // America/New_York, 2026-03-08: 01:30 EST = 06:30Z, 03:30 EDT = 07:30Z.
    expect(durationMinutes('2026-03-08T06:30:00.000Z', '2026-03-08T07:30:00.000Z')).toBe(60);
  });
  test('the night Europe falls back: 00:30–03:30 local is four hours', () => {
    // Europe/Berlin, 2026-10-25: 00:30 CEST = 22:30Z (24th), 03:30 CET = 02:30Z.
    expect(durationMinutes('2026-10-24T22:30:00.000Z', '2026-10-25T02:30:00.000Z')).toBe(240);
  });
  test('never less than a minute', () => {
    expect(durationMinutes('2026-01-01T10:00:00.000Z', '2026-01-01T10:00:10.000Z')).toBe(1);
  });
  test('plannedEnd adds the duration to the UTC start', () => {
    expect(plannedEnd(planMeeting(event()))).toBe('2026-03-08T07:15:00.000Z');
  });
});

describe('planChange', () => {
  const base = planMeeting(event());
  test('identical plans need nothing', () => {
    expect(
      planChange(base, planMeeting(event({ SystemModstamp: '2026-03-02T00:00:00.000Z', WhoId: '003000000000001AAA' }))),
    ).toBe('none');
  });
  test('time, topic, zone, agenda or join-before-host changes are a PATCH', () => {
    expect(
      planChange(
        base,
        planMeeting(event({ StartDateTime: '2026-03-09T06:30:00.000Z', EndDateTime: '2026-03-09T07:00:00.000Z' })),
      ),
    ).toBe('update');
    expect(planChange(base, planMeeting(event({ Subject: 'New' })))).toBe('update');
    expect(planChange(base, planMeeting(event({ Customer_Time_Zone__c: 'Asia/Tokyo' })))).toBe('update');
    expect(planChange(base, planMeeting(event({ Zoom_Join_Before_Host__c: true })))).toBe('update');
  });
  test('a new owner or a PMI switch recreates the meeting', () => {
    expect(planChange(base, planMeeting(event({ OwnerId: '005000000000002AAA' })))).toBe('recreate');
    expect(planChange(base, planMeeting(event({ Zoom_Use_PMI__c: true })))).toBe('recreate');
  });
});

describe('scheduleStep', () => {
  const base = planMeeting(event());
  const end = Date.parse(plannedEnd(base));
  test('without a meeting one is created', () => {
    expect(scheduleStep({ hasMeeting: false }, base, 0)).toEqual({ kind: 'recreate' });
    // A recreate whose create failed leaves the old plan applied without a meeting.
    expect(scheduleStep({ hasMeeting: false, applied: base }, base, 0)).toEqual({ kind: 'recreate' });
  });
  test('a meeting adopted from an earlier run is updated to the plan, and left alone once its time is over', () => {
    expect(scheduleStep({ hasMeeting: true }, base, end - 1)).toEqual({ kind: 'update', merge: false });
    expect(scheduleStep({ hasMeeting: true }, base, end)).toEqual({ kind: 'update', merge: false });
    expect(scheduleStep({ hasMeeting: true }, base, end + 1)).toEqual({ kind: 'over' });
  });
  test('a meeting planned here: nothing, a merged PATCH, or (new host, PMI switch) a new meeting', () => {
    const held = { hasMeeting: true, applied: base };
    expect(scheduleStep(held, planMeeting(event({ WhoId: '003000000000001AAA' })), end + 1)).toEqual({ kind: 'none' });
    expect(scheduleStep(held, planMeeting(event({ Subject: 'New' })), end + 1)).toEqual({
      kind: 'update',
      merge: true,
    });
    expect(scheduleStep(held, planMeeting(event({ Zoom_Use_PMI__c: true })), 0)).toEqual({ kind: 'recreate' });
  });
});

test('only a ticked upsert wants a meeting', () => {
  expect(wantsZoomMeeting('upsert', event())).toBe(true);
  expect(wantsZoomMeeting('upsert', event({ Make_Zoom_Meeting__c: false }))).toBe(false);
  expect(wantsZoomMeeting('upsert', event({ Make_Zoom_Meeting__c: null }))).toBe(false);
  expect(wantsZoomMeeting('delete', event())).toBe(false);
});

describe('recordedMeeting', () => {
  const plan = planMeeting(event());
  const made = {
    meetingId: '81234567890',
    joinUrl: 'https://zoom.us/j/81234567890',
    hostZoomUserId: 'h1',
    usesPmi: false,
  };
  const recorded = { topic: plan.topic, startTime: plan.startTime, endTime: plannedEnd(plan), icsSequence: 0 };

  test('a new meeting: its Zoom fields and the plan’s time; the first invitation has SEQUENCE 0', () => {
    expect(recordedMeeting({}, { ...made, passcode: 'secret' }, plan)).toEqual({
      zoomMeetingId: '81234567890',
      joinUrl: made.joinUrl,
      hostZoomUserId: 'h1',
      usesPmi: false,
      passcode: 'secret',
      icsSequence: 0,
      topic: 'Pricing call',
      startTime: plan.startTime,
      endTime: '2026-03-08T07:15:00.000Z',
      timeZone: 'America/New_York',
    });
  });

  test('the SEQUENCE grows only when the time changes', () => {
    expect('icsSequence' in recordedMeeting(recorded, made, { ...plan, topic: 'Renamed' })).toBe(false);
    expect(recordedMeeting(recorded, made, { ...plan, durationMinutes: 60 }).icsSequence).toBe(1);
    expect(recordedMeeting(recorded, made, { ...plan, startTime: '2026-03-09T06:30:00.000Z' }).icsSequence).toBe(1);
  });

  test('no meeting and no plan: everything cleared but the topic', () => {
    const cleared = recordedMeeting(recorded, undefined, undefined);
    expect(cleared).toEqual({ topic: 'Pricing call' });
    expect(Object.keys(cleared)).toEqual(expect.arrayContaining(['zoomMeetingId', 'passcode', 'startTime', 'endTime']));
  });
});
