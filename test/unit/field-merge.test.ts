import {
  agreedSync,
  mergeEdit,
  reportFrom,
  sharedValuesOf,
  withSharedValues,
  writesFor,
  wroteTo,
  zoomEditValues,
  type SharedValues,
} from '../../domain/field-merge';
import type { MeetingPlan } from '../../domain/meeting-plan';
import { toZoomMeetingRequest, toZoomMeetingUpdate } from '../../activities/meetings';

const base: SharedValues = {
  topic: 'Quarterly review',
  startTime: '2026-11-02T14:00:00.000Z',
  durationMinutes: 30,
  timeZone: 'America/New_York',
};
const S1 = '2026-11-02T15:00:00.000Z';
/** Agreed at t=1000 (the org's callout), Zoom written at t=1100. */
const agreed = () => agreedSync(base, 1000, 1100);

describe('three-way merge of the fields both sides edit', () => {
  test('a Zoom topic edit and an org start edit at the same moment both survive, in either order', () => {
    const zoomFirst = reportFrom(
      reportFrom(agreed(), 'zoom', { topic: 'Renamed in Zoom' }, 2000),
      'org',
      {
        ...base,
        startTime: S1,
      },
      2001,
    );
    const orgFirst = reportFrom(
      reportFrom(agreed(), 'org', { ...base, startTime: S1 }, 2001),
      'zoom',
      {
        topic: 'Renamed in Zoom',
      },
      2000,
    );
    for (const sync of [zoomFirst, orgFirst]) {
      expect(writesFor(sync, 'zoom')).toEqual({ startTime: S1 });
      expect(writesFor(sync, 'org')).toEqual({ topic: 'Renamed in Zoom' });
    }
  });

  test('an org snapshot older than our write of the Zoom edit is judged against what the org held before it', () => {
    let sync = reportFrom(agreed(), 'zoom', { topic: 'Renamed in Zoom' }, 2000);
    sync = wroteTo(sync, 'org', writesFor(sync, 'org'), 2500);
    // The rep saved a new start at 2100, before our write landed: the snapshot still shows the old Subject.
    sync = reportFrom(sync, 'org', { ...base, startTime: S1 }, 2100);
    expect(sync.topic.value).toBe('Renamed in Zoom');
    expect(sync.startTime.value).toBe(S1);
    expect(writesFor(sync, 'org')).toEqual({});
    expect(writesFor(sync, 'zoom')).toEqual({ startTime: S1 });
  });

  test('when both sides changed the same field the newer change wins, whichever arrives first', () => {
    const orgNewer = reportFrom(reportFrom(agreed(), 'zoom', { topic: 'Zoom' }, 2000), 'org', { topic: 'Org' }, 3000);
    const zoomNewer = reportFrom(reportFrom(agreed(), 'zoom', { topic: 'Zoom' }, 3000), 'org', { topic: 'Org' }, 2000);
    const zoomNewerLate = reportFrom(
      reportFrom(agreed(), 'org', { topic: 'Org' }, 2000),
      'zoom',
      { topic: 'Zoom' },
      3000,
    );
    expect(orgNewer.topic.value).toBe('Org');
    expect(zoomNewer.topic.value).toBe('Zoom');
    expect(zoomNewerLate.topic.value).toBe('Zoom');
    expect(writesFor(zoomNewerLate, 'org')).toEqual({ topic: 'Zoom' });
  });

  test('the echo of our own write changes nothing', () => {
    let sync = reportFrom(agreed(), 'org', { startTime: S1 }, 2000);
    sync = wroteTo(sync, 'zoom', writesFor(sync, 'zoom'), 2100);
    const echoed = reportFrom(sync, 'zoom', { startTime: S1 }, 2150);
    expect(echoed).toEqual(sync);
    expect(writesFor(echoed, 'zoom')).toEqual({});
    expect(writesFor(echoed, 'org')).toEqual({});
  });

  test('a Zoom report older than the meeting we created is ignored', () => {
    expect(reportFrom(agreed(), 'zoom', { topic: 'Before it existed' }, 1050)).toEqual(agreed());
  });

  test('a side repeating the agreed value changes nothing, even when it is the newest report', () => {
    const sync = reportFrom(reportFrom(agreed(), 'zoom', { topic: 'Zoom' }, 2000), 'org', base, 5000);
    expect(sync.topic.value).toBe('Zoom');
  });

  test('plans: the merged values replace the plan’s shared fields, an absent time zone stays absent', () => {
    const plan: MeetingPlan = {
      ownerId: '005000000000001AAA',
      topic: 'Old',
      startTime: base.startTime as string,
      durationMinutes: 30,
      agenda: 'x',
      usePmi: false,
      joinBeforeHost: false,
    };
    expect(sharedValuesOf(plan).timeZone).toBeNull();
    const sync = reportFrom(agreedSync(sharedValuesOf(plan), 1000, 1000), 'zoom', { topic: 'New' }, 2000);
    expect(withSharedValues(plan, sync)).toEqual({ ...plan, topic: 'New' });
    expect('timeZone' in withSharedValues(plan, sync)).toBe(false);
  });
});

describe('an edit from either side, merged (mergeEdit)', () => {
  const applied: MeetingPlan = {
    ownerId: '005000000000001AAA',
    topic: base.topic as string,
    startTime: base.startTime as string,
    durationMinutes: 30,
    timeZone: 'America/New_York',
    agenda: 'Agenda',
    usePmi: false,
    joinBeforeHost: false,
  };

  test('a Zoom-portal edit reports its fields in the plan’s terms, the start normalised as the org writes it', () => {
    expect(zoomEditValues({ startTime: '2026-11-02T15:00:00Z', duration: 45, timezone: 'Europe/Paris' })).toEqual({
      startTime: S1,
      durationMinutes: 45,
      timeZone: 'Europe/Paris',
    });
    expect(zoomEditValues({ topic: 'Renamed' })).toEqual({ topic: 'Renamed' });
  });

  test('a Zoom edit in a workflow from before the merge is merged against the applied plan; Zoom lacks nothing', () => {
    const edit = mergeEdit(undefined, applied, 'zoom', zoomEditValues({ topic: 'Renamed in Zoom' }), 2000);
    expect(edit.plan).toEqual({ ...applied, topic: 'Renamed in Zoom' });
    expect(edit.zoomLacks).toEqual({});
    expect(writesFor(edit.sync, 'org')).toEqual({ topic: 'Renamed in Zoom' });
  });

  test('an org edit keeps its other fields and Zoom’s newer topic; Zoom is sent only the start it lacks', () => {
    const sync = reportFrom(agreedSync(sharedValuesOf(applied), 1000, 1100), 'zoom', { topic: 'Zoom' }, 2000);
    const orgPlan: MeetingPlan = { ...applied, startTime: S1, agenda: 'New agenda' };
    const edit = mergeEdit(sync, applied, 'org', sharedValuesOf(orgPlan), 1500, orgPlan);
    expect(edit.plan).toEqual({ ...orgPlan, topic: 'Zoom' });
    expect(edit.zoomLacks).toEqual({ startTime: S1 });
    expect(edit.sync.startTime.value).toBe(S1);
  });
});

describe('the update sent to Zoom (toZoomMeetingUpdate)', () => {
  const plan: MeetingPlan = {
    ownerId: '005000000000001AAA',
    topic: 'Quarterly review',
    startTime: '2026-11-02T14:00:00.000Z',
    durationMinutes: 30,
    timeZone: 'America/New_York',
    agenda: 'x',
    usePmi: false,
    joinBeforeHost: false,
  };

  test('carries only the shared fields named, and every setting', () => {
    const update = toZoomMeetingUpdate(plan, ['startTime']);
    expect(update).toEqual({ type: 2, start_time: '2026-11-02T14:00:00Z', agenda: 'x', settings: expect.any(Object) });
  });

  test('without a list it is the whole meeting, as before the merge', () => {
    expect(toZoomMeetingUpdate(plan)).toEqual(toZoomMeetingRequest(plan));
  });
});
