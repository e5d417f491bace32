import {
  endFromWebhook,
  endedStateOf,
  isSuccessful,
  normalizeName,
  outcomeFields,
  participantLines,
  recordingSummary,
  summarizeAttendance,
  type MeetingOutcome,
} from '../../domain/meeting-outcome';

const at = (minutes: number) => new Date(Date.UTC(2026, 10, 26, 15, 0) + minutes * 60_000).toISOString();

describe('summarizeAttendance', () => {
  test('join/leave segments of one person count once, with the union of their time', () => {
    const people = summarizeAttendance([
      { id: 'host1', name: 'Ada Lovelace', email: 'ada@x.example', joinTime: at(0), leaveTime: at(30) },
      { id: 'host1', name: 'Ada Lovelace', email: 'ada@x.example', joinTime: at(35), leaveTime: at(50) },
      { name: 'Marie Curie', email: 'MARIE@acme.example', joinTime: at(2), leaveTime: at(20) },
      // Marie on a second device, overlapping: not counted twice.
      { name: 'Marie (iPhone)', email: 'marie@acme.example', joinTime: at(10), leaveTime: at(25) },
    ]);
    expect(people).toEqual([
      { name: 'Ada Lovelace', email: 'ada@x.example', minutes: 45, segments: 2 },
      { name: 'Marie Curie', email: 'marie@acme.example', minutes: 23, segments: 2 },
    ]);
    expect(isSuccessful(people)).toBe(true);
  });

  test('segments sharing only a Zoom user id are one person (the e-mail shows on one segment only)', () => {
    const people = summarizeAttendance([
      { id: 'u-grace', name: 'Grace Hopper', email: 'grace@navy.example', joinTime: at(0), leaveTime: at(20) },
      // Rejoined from the phone app, which reported no e-mail and another display name.
      { id: 'u-grace', name: 'Grace (Phone)', joinTime: at(25), leaveTime: at(40) },
    ]);
    expect(people).toEqual([{ name: 'Grace Hopper', email: 'grace@navy.example', minutes: 35, segments: 2 }]);
  });

  test('guests without e-mail or id are told apart by normalised name', () => {
    const people = summarizeAttendance([
      { name: 'Niels Bohr', joinTime: at(0), leaveTime: at(10) },
      { name: 'bohr, niels', joinTime: at(12), leaveTime: at(20) },
      { name: 'Lise Meitner', joinTime: at(0), leaveTime: at(5) },
    ]);
    expect(people.map((p) => [p.name, p.minutes, p.segments])).toEqual([
      ['Niels Bohr', 18, 2],
      ['Lise Meitner', 5, 1],
    ]);
  });

  test('a segment still open is closed at the meeting end', () => {
    const [only] = summarizeAttendance([{ name: 'Alan', email: 'a@x', joinTime: at(5) }], at(65));
    expect(only.minutes).toBe(60);
  });

  test('one person alone is not a successful meeting', () => {
    expect(isSuccessful(summarizeAttendance([{ name: 'Host', id: 'h', joinTime: at(0), leaveTime: at(9) }]))).toBe(
      false,
    );
    expect(isSuccessful([])).toBe(false);
  });
});

test('normalizeName folds case, accents, spaces and "Last, First"', () => {
  expect(normalizeName('  Émmy   NOETHER ')).toBe(normalizeName('noether, emmy'));
  expect(normalizeName('Ada Lovelace')).not.toBe(normalizeName('Ada Byron'));
});

test('participantLines lists each person and stays within the field length', () => {
  const people = Array.from({ length: 50 }, (_, i) => ({ name: `Person ${i}`, minutes: 50 - i, segments: 1 }));
  expect(participantLines(people.slice(0, 2))).toBe('Person 0: 50 min\nPerson 1: 49 min');
  const cut = participantLines(people, 100);
  expect(cut.length).toBeLessThanOrEqual(100);
  expect(cut).toMatch(/… and \d+ more$/);
  expect(participantLines([{ name: 'Marie', email: 'm@a.example', minutes: 3, segments: 1 }])).toBe(
    'Marie <m@a.example>: 3 min',
  );
});

test('recordingSummary names types, length and size', () => {
  expect(
    recordingSummary([
      { fileType: 'MP4', fileSize: 30 * 1024 * 1024, recordingStart: at(1), recordingEnd: at(55) },
      { fileType: 'm4a', fileSize: 6 * 1024 * 1024, recordingStart: at(1), recordingEnd: at(55) },
    ]),
  ).toBe('2 files (MP4, M4A), 54 min, 36.0 MB');
  expect(recordingSummary([])).toBe('No recording files');
});

test('endedStateOf records what the lifecycle keeps of an ended meeting; a recording already known stays', () => {
  const outcome = {
    state: 'ended' as const,
    instanceUuid: 'uuid-1',
    actualStart: '2026-12-01T10:01:00Z',
    actualEnd: '2026-12-01T10:31:00Z',
    durationMinutes: 30,
    attendees: [],
    participantsComplete: true,
  } as unknown as MeetingOutcome;
  const fields = outcomeFields(outcome);
  expect(endedStateOf(outcome, fields, 'https://zoom.test/rec/1')).toEqual({
    phase: 'ended',
    instanceUuid: 'uuid-1',
    actualStart: '2026-12-01T10:01:00Z',
    actualEnd: '2026-12-01T10:31:00Z',
    durationMinutes: 30,
    participantCount: 0,
    successful: fields.Zoom_Successful__c,
    recordingUrl: 'https://zoom.test/rec/1',
    lastSync: fields,
    lastError: undefined,
  });
  const recorded = { ...outcome, recording: { shareUrl: 'https://zoom.test/rec/2', summary: 'MP4' } } as MeetingOutcome;
  expect(endedStateOf(recorded, outcomeFields(recorded), 'https://zoom.test/rec/1').recordingUrl).toBe(
    'https://zoom.test/rec/2',
  );
});

describe('endFromWebhook', () => {
  test("the webhook's end, with the start the lifecycle knows and whole minutes rounded up as Zoom counts them", () => {
    // Zoom's own example: 07:00:30 to 07:02:01 is a duration of 2 (reference/zoom-api.md, past meeting details).
    expect(endFromWebhook({ endTime: '2020-04-01T07:02:01Z' }, '2020-04-01T07:00:30Z')).toEqual({
      Zoom_Status__c: 'Ended',
      Zoom_Actual_Start__c: '2020-04-01T07:00:30Z',
      Zoom_Actual_End__c: '2020-04-01T07:02:01Z',
      Zoom_Duration_Minutes__c: 2,
      Zoom_Sync_Error__c: null,
    });
  });

  test("the webhook's own start when the start was never heard of; no participant field before Zoom's report", () => {
    const fields = endFromWebhook({ startTime: '2026-05-04T10:00:00Z', endTime: '2026-05-04T10:30:00Z' }, undefined);
    expect(fields).toMatchObject({ Zoom_Actual_Start__c: '2026-05-04T10:00:00Z', Zoom_Duration_Minutes__c: 30 });
    expect(Object.keys(fields!).filter((f) => /Participant|Successful|Recording/.test(f))).toEqual([]);
  });

  test('nothing to write from a webhook without its end time', () => {
    expect(endFromWebhook({ startTime: '2026-05-04T10:00:00Z' }, undefined)).toBeUndefined();
  });
});
