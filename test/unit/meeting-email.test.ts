import {
  formatInZone,
  recipientsFrom,
  renderMeetingEmail,
  splitEmailList,
  zonesToShow,
} from '../../domain/meeting-email';

describe('formatInZone', () => {
  test('shows the local wall time and the zone abbreviation on both sides of a DST change', () => {
    // New York springs forward on 2026-03-08 at 02:00 local.
    expect(formatInZone('2026-03-08T06:30:00.000Z', 'America/New_York')).toBe(
      'Sunday, 8 March 2026, 01:30 (EST, America/New_York)',
    );
    expect(formatInZone('2026-03-08T07:30:00.000Z', 'America/New_York')).toBe(
      'Sunday, 8 March 2026, 03:30 (EDT, America/New_York)',
    );
  });
  test('the two 02:30s of the night Europe falls back are told apart by the zone abbreviation', () => {
    // Berlin falls back on 2026-10-25 at 03:00 CEST (01:00Z) to 02:00 CET: 02:30 happens twice.
    expect(formatInZone('2026-10-25T00:30:00.000Z', 'Europe/Berlin')).toBe(
      'Sunday, 25 October 2026, 02:30 (CEST, Europe/Berlin)',
    );
    expect(formatInZone('2026-10-25T01:30:00.000Z', 'Europe/Berlin')).toBe(
      'Sunday, 25 October 2026, 02:30 (CET, Europe/Berlin)',
    );
  });
  test('an unknown zone falls back to UTC instead of failing', () => {
    expect(formatInZone('2026-01-01T12:00:00.000Z', 'Mars/Olympus')).toContain('12:00');
  });
});

test('zonesToShow keeps customer first, drops duplicates and invalid zones', () => {
  expect(zonesToShow('Asia/Tokyo', 'Europe/London')).toEqual(['Asia/Tokyo', 'Europe/London']);
  expect(zonesToShow('Europe/London', 'Europe/London')).toEqual(['Europe/London']);
  expect(zonesToShow('Not/AZone', null)).toEqual(['UTC']);
});

describe('renderMeetingEmail', () => {
  const input = {
    kind: 'launch' as const,
    topic: 'Pricing <review> & next steps',
    startTime: '2026-11-26T15:00:00.000Z',
    durationMinutes: 45,
    customerTimeZone: 'America/Chicago',
    hostTimeZone: 'Europe/London',
    hostName: 'Ada Lovelace',
    joinUrl: 'https://zoom.test/j/81234567890?pwd=abc',
    passcode: 'x7Y2',
  };

  test('carries topic, both local times, duration, join link and passcode in text and HTML', () => {
    const email = renderMeetingEmail(input);
    expect(email.subject).toBe('Starting now: Pricing <review> & next steps');
    expect(email.text).toContain('Your time: Thursday, 26 November 2026, 09:00 (CST, America/Chicago)');
    expect(email.text).toContain("Ada Lovelace's time: Thursday, 26 November 2026, 15:00 (GMT, Europe/London)");
    expect(email.text).toContain('Duration: 45 minutes');
    expect(email.text).toContain('Join: https://zoom.test/j/81234567890?pwd=abc');
    expect(email.text).toContain('Passcode: x7Y2');
    expect(email.html).toContain('Pricing &lt;review&gt; &amp; next steps');
    expect(email.html).not.toContain('<review>');
    expect(email.html).toContain('href="https://zoom.test/j/81234567890?pwd=abc"');
  });

  test('an invitation says so and omits an absent passcode', () => {
    const email = renderMeetingEmail({ ...input, kind: 'invitation', passcode: null });
    expect(email.subject).toBe('Invitation: Pricing <review> & next steps');
    expect(email.text).not.toContain('Passcode');
  });
});

test('recipients are split, de-duplicated case-insensitively and validated', () => {
  const extra = splitEmailList('a@x.example; B@X.example,\n not-an-address  c@y.example');
  expect(extra).toEqual(['a@x.example', 'B@X.example', 'not-an-address', 'c@y.example']);
  expect(recipientsFrom(['b@x.example', ...extra, null, ''])).toEqual({
    valid: ['b@x.example', 'a@x.example', 'c@y.example'],
    invalid: ['not-an-address'],
  });
});
