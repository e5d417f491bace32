import ICAL from 'ical.js';
import { DateTime } from 'luxon';

import {
  buildMeetingCalendar,
  escapeText,
  findZoneTransitions,
  foldLine,
  type MeetingCalendarInput,
} from '../../domain/icalendar';

/**
 * Every check parses the output back with ical.js, which resolves DTSTART;TZID=... from the VTIMEZONE inside the
 * calendar itself (it has no tz database of its own), so a start instant that comes back right proves the
 * VTIMEZONE's rules, not only the wall time we wrote.
 */

const base: MeetingCalendarInput = {
  eventId: '00U5e00000AbCdEFGH',
  sequence: 0,
  method: 'REQUEST',
  topic: 'Quarterly review',
  description: 'Agenda: pricing and renewal.',
  startTime: '2026-06-15T14:00:00.000Z',
  durationMinutes: 45,
  timeZone: 'America/New_York',
  joinUrl: 'https://zoom.us/j/81234567890?pwd=AbCdEf',
  passcode: '482913',
  organizer: { name: 'Jane Host', email: 'jane.host@example.com' },
  attendees: [{ name: 'Carlos Customer', email: 'carlos@customer.example' }, { email: 'assistant@customer.example' }],
  now: '2026-06-01T09:15:00.000Z',
};

function build(overrides: Partial<MeetingCalendarInput> = {}): string {
  return buildMeetingCalendar({ ...base, ...overrides });
}

function parse(ics: string) {
  const vcalendar = new ICAL.Component(ICAL.parse(ics));
  const vevent = vcalendar.getFirstSubcomponent('vevent');
  if (!vevent) throw new Error('no VEVENT');
  return { vcalendar, vevent, event: new ICAL.Event(vevent) };
}

function iso(time: ICAL.Time): string {
  return time.toJSDate().toISOString();
}

/** The unfolded content line of a property of the VCALENDAR or VEVENT (not of the VTIMEZONE). */
function rawLine(ics: string, name: string): string {
  const unfolded = ics.replace(/\r\n[ \t]/g, '').replace(/BEGIN:VTIMEZONE\r\n[^]*?END:VTIMEZONE\r\n/, '');
  const line = unfolded.split('\r\n').find((candidate) => new RegExp(`^${name}[;:]`).test(candidate));
  if (!line) throw new Error(`no ${name} line`);
  return line;
}

function expectWellFormedLines(ics: string): string[] {
  expect(ics.endsWith('\r\n')).toBe(true);
  // Split the bytes, not the string, and decode each physical line strictly: a UTF-8 character split across
  // a fold would make a line undecodable on its own.
  const bytes = Buffer.from(ics, 'utf8');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const lines: string[] = [];
  let start = 0;
  for (let index = bytes.indexOf('\r\n', start); index !== -1; index = bytes.indexOf('\r\n', start)) {
    const line = bytes.subarray(start, index);
    expect(line.length).toBeLessThanOrEqual(75);
    const text = decoder.decode(line);
    expect(text).not.toMatch(/[\r\n]/); // no bare CR or LF: every line ends in CRLF
    expect(text).not.toContain('\uFFFD');
    lines.push(text);
    start = index + 2;
  }
  expect(start).toBe(bytes.length);
  return lines;
}

describe('buildMeetingCalendar: the calendar envelope', () => {
  test('a REQUEST with the header, the event properties and every attendee', () => {
    const ics = build();
    const lines = expectWellFormedLines(ics);
    expect(lines.slice(0, 5)).toEqual([
      'BEGIN:VCALENDAR',
      expect.stringMatching(/^PRODID:-\/\/.+\/\/EN$/),
      'VERSION:2.0',
      'CALSCALE:GREGORIAN',
      'METHOD:REQUEST',
    ]);
    expect(lines[lines.length - 1]).toBe('END:VCALENDAR');

    const { vcalendar, vevent, event } = parse(ics);
    expect(vcalendar.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(event.uid).toBe('00U5e00000AbCdEFGH@zoom-salesforce');
    expect(event.sequence).toBe(0);
    expect(iso(vevent.getFirstPropertyValue('dtstamp') as ICAL.Time)).toBe('2026-06-01T09:15:00.000Z');
    expect(event.summary).toBe('Quarterly review');
    expect(event.description).toBe(
      'Agenda: pricing and renewal.\n\nJoin Zoom meeting: https://zoom.us/j/81234567890?pwd=AbCdEf\nPasscode: 482913',
    );
    expect(event.location).toBe(base.joinUrl);
    expect(vevent.getFirstPropertyValue('url')).toBe(base.joinUrl);
    expect(vevent.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(vevent.getFirstPropertyValue('transp')).toBe('OPAQUE');

    const organizer = vevent.getFirstProperty('organizer');
    expect(organizer?.getFirstValue()).toBe('mailto:jane.host@example.com');
    expect(organizer?.getParameter('cn')).toBe('Jane Host');

    const attendees = event.attendees.map((attendee) => ({
      value: attendee.getFirstValue(),
      cn: attendee.getParameter('cn'),
      role: attendee.getParameter('role'),
      rsvp: attendee.getParameter('rsvp'),
    }));
    expect(attendees).toEqual([
      { value: 'mailto:carlos@customer.example', cn: 'Carlos Customer', role: 'REQ-PARTICIPANT', rsvp: 'TRUE' },
      { value: 'mailto:assistant@customer.example', cn: undefined, role: 'REQ-PARTICIPANT', rsvp: 'TRUE' },
    ]);
  });

  test('the UID is stable across reschedules, which raise SEQUENCE', () => {
    const first = parse(build({ sequence: 0 })).event;
    const rescheduled = parse(build({ sequence: 3, startTime: '2026-06-16T15:00:00.000Z' })).event;
    expect(rescheduled.uid).toBe(first.uid);
    expect(rescheduled.sequence).toBe(3);
    expect(rawLine(build({ sequence: 3 }), 'SEQUENCE')).toBe('SEQUENCE:3');
    expect(parse(build({ eventId: '00U5e00000ZzZzZZZZ' })).event.uid).not.toBe(first.uid);
  });

  test('a CANCEL keeps the UID and says CANCELLED', () => {
    const ics = build({ method: 'CANCEL', sequence: 2 });
    expectWellFormedLines(ics);
    expect(rawLine(ics, 'METHOD')).toBe('METHOD:CANCEL');
    const { vcalendar, vevent, event } = parse(ics);
    expect(vcalendar.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(event.uid).toBe(parse(build()).event.uid);
    expect(event.sequence).toBe(2);
  });

  test('the output is deterministic: DTSTAMP comes from `now`', () => {
    expect(build()).toBe(build());
    expect(rawLine(build({ now: '2026-06-02T00:00:05Z' }), 'DTSTAMP')).toBe('DTSTAMP:20260602T000005Z');
  });

  test('bad input is refused rather than producing a broken invitation', () => {
    expect(() => build({ startTime: 'tomorrow' })).toThrow(RangeError);
    expect(() => build({ now: '' })).toThrow(RangeError);
    expect(() => build({ sequence: -1 })).toThrow(RangeError);
    expect(() => build({ durationMinutes: Number.NaN })).toThrow(RangeError);
  });
});

describe('buildMeetingCalendar: TEXT escaping and folding', () => {
  test('semicolons, commas, backslashes and newlines in SUMMARY and DESCRIPTION survive a round trip', () => {
    const topic = 'Pricing; terms, and next steps\nfor ACME\\EMEA';
    const description = 'Line one; with, punctuation\r\nLine two\nLine three';
    const ics = build({ topic, description });
    expectWellFormedLines(ics);
    expect(rawLine(ics, 'SUMMARY')).toBe('SUMMARY:Pricing\\; terms\\, and next steps\\nfor ACME\\\\EMEA');
    expect(rawLine(ics, 'DESCRIPTION')).toMatch(
      /^DESCRIPTION:Line one\\; with\\, punctuation\\nLine two\\nLine three\\n\\n/,
    );

    const { event } = parse(ics);
    expect(event.summary).toBe(topic);
    expect(event.description).toBe(
      'Line one; with, punctuation\nLine two\nLine three\n\nJoin Zoom meeting: https://zoom.us/j/81234567890?pwd=AbCdEf\nPasscode: 482913',
    );
  });

  test('escapeText on its own', () => {
    expect(escapeText('a\\b;c,d\ne\r\nf')).toBe('a\\\\b\\;c\\,d\\ne\\nf');
  });

  test('names with separators are quoted in parameters, and cannot inject lines', () => {
    const ics = build({
      organizer: { name: 'Host, Jane: "JH"', email: 'jane.host@example.com' },
      attendees: [{ name: 'Evil\r\nATTENDEE:mailto:x@y', email: 'a@b.example\r\nX-INJECT:1' }],
    });
    const lines = expectWellFormedLines(ics);
    expect(lines.some((line) => line.startsWith('X-INJECT'))).toBe(false);
    const { vevent, event } = parse(ics);
    expect(vevent.getFirstProperty('organizer')?.getParameter('cn')).toBe('Host, Jane: "JH"');
    expect(event.attendees).toHaveLength(1);
    expect(event.attendees[0].getFirstValue()).toBe('mailto:a@b.exampleX-INJECT:1');
  });

  test('every physical line is at most 75 octets and CRLF-terminated; long non-ASCII text folds on characters', () => {
    const description = 'Überprüfung der Verträge — 会議の議題と次のステップ 🚀 naïve café, «déjà vu»; '
      .repeat(30)
      .trim();
    const topic = `Zoom — ${'日本語のタイトル'.repeat(12)}`;
    const ics = build({ description, topic });
    const lines = expectWellFormedLines(ics);

    const descriptionLines: string[] = [];
    for (let i = lines.findIndex((line) => line.startsWith('DESCRIPTION:')); i < lines.length; i++) {
      if (descriptionLines.length && !lines[i].startsWith(' ')) break;
      descriptionLines.push(lines[i]);
    }
    expect(descriptionLines.length).toBeGreaterThan(20);
    // Folded tightly: every physical line but the last is within 3 octets (one CJK character) of the limit.
    for (const line of descriptionLines.slice(0, -1)) {
      expect(Buffer.byteLength(line, 'utf8')).toBeGreaterThanOrEqual(72);
    }

    const { event } = parse(ics);
    expect(event.summary).toBe(topic);
    expect(event.description.startsWith(description)).toBe(true);
  });

  test('foldLine never splits a character, including a surrogate pair at the boundary', () => {
    for (let prefix = 0; prefix < 8; prefix++) {
      const line = `${'x'.repeat(prefix)}${'😀é語'.repeat(40)}`;
      const folded = foldLine(line);
      const physical = folded.split('\r\n');
      for (const part of physical) {
        expect(Buffer.byteLength(part, 'utf8')).toBeLessThanOrEqual(75);
        expect(Buffer.from(part, 'utf8').toString('utf8')).toBe(part); // no lone surrogate
        expect(part).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
      }
      expect(physical.slice(1).every((part) => part.startsWith(' '))).toBe(true);
      expect(folded.replace(/\r\n /g, '')).toBe(line);
    }
    expect(foldLine('x'.repeat(75))).toBe('x'.repeat(75));
    expect(foldLine('x'.repeat(76))).toBe(`${'x'.repeat(75)}\r\n x`);
  });
});

describe('buildMeetingCalendar: time zones', () => {
  /** Builds, parses back and returns the start/end instants as ical.js computes them from the file. */
  function roundTrip(overrides: Partial<MeetingCalendarInput>) {
    const ics = build(overrides);
    expectWellFormedLines(ics);
    const { vcalendar, event } = parse(ics);
    return { ics, vcalendar, start: iso(event.startDate), end: iso(event.endDate) };
  }

  test('New York, the morning after spring-forward: 09:00 EDT is 13:00Z (EST would give 14:00Z)', () => {
    const { ics, start, end } = roundTrip({
      timeZone: 'America/New_York',
      startTime: '2026-03-09T13:00:00.000Z',
      durationMinutes: 60,
    });
    expect(rawLine(ics, 'DTSTART')).toBe('DTSTART;TZID=America/New_York:20260309T090000');
    expect(rawLine(ics, 'DTEND')).toBe('DTEND;TZID=America/New_York:20260309T100000');
    expect(start).toBe('2026-03-09T13:00:00.000Z');
    expect(end).toBe('2026-03-09T14:00:00.000Z');
  });

  test('New York, the evening before spring-forward is still EST', () => {
    const { ics, start } = roundTrip({ timeZone: 'America/New_York', startTime: '2026-03-08T00:30:00.000Z' });
    expect(rawLine(ics, 'DTSTART')).toBe('DTSTART;TZID=America/New_York:20260307T193000');
    expect(start).toBe('2026-03-08T00:30:00.000Z');
  });

  test.each([
    ['01:30 EDT, the first pass through the repeated hour', '2026-11-01T05:30:00.000Z', '2026-11-01T07:00:00.000Z'],
    ['01:30 EST, the second pass through the repeated hour', '2026-11-01T06:30:00.000Z', '2026-11-01T08:00:00.000Z'],
  ])('New York fall-back fold, %s', (_label, startTime, expectedEnd) => {
    expect(DateTime.fromISO(startTime, { zone: 'America/New_York' }).toFormat('HH:mm')).toBe('01:30');
    const { ics, start, end } = roundTrip({ timeZone: 'America/New_York', startTime, durationMinutes: 90 });
    // 01:30 local happens twice that night, and clients disagree on which one a bare local time means (RFC 5545
    // says the first, ical.js takes the second), so the builder writes such an instant in UTC.
    expect(rawLine(ics, 'DTSTART')).toBe(
      `DTSTART:${DateTime.fromISO(startTime, { zone: 'utc' }).toFormat("yyyyMMdd'T'HHmmss'Z'")}`,
    );
    expect(start).toBe(startTime);
    expect(end).toBe(expectedEnd);
  });

  test('New York fall-back day, unambiguous times on either side of the fold use the zone', () => {
    // 00:30 EDT (04:30Z) and 02:30 EST (07:30Z): an offset mix-up would move either by an hour.
    const before = roundTrip({ timeZone: 'America/New_York', startTime: '2026-11-01T04:30:00.000Z' });
    expect(rawLine(before.ics, 'DTSTART')).toBe('DTSTART;TZID=America/New_York:20261101T003000');
    expect(before.start).toBe('2026-11-01T04:30:00.000Z');
    const after = roundTrip({ timeZone: 'America/New_York', startTime: '2026-11-01T07:30:00.000Z' });
    expect(rawLine(after.ics, 'DTSTART')).toBe('DTSTART;TZID=America/New_York:20261101T023000');
    expect(after.start).toBe('2026-11-01T07:30:00.000Z');
  });

  test.each([
    ['the Saturday before fall-back, 10:00 CEST', '2026-10-24T08:00:00.000Z', '20261024T100000'],
    ['the Monday after fall-back, 10:00 CET', '2026-10-26T09:00:00.000Z', '20261026T100000'],
    ['the last day of October, 16:00 CET', '2026-10-31T15:00:00.000Z', '20261031T160000'],
  ])('Berlin at the end of October: %s', (_label, startTime, wall) => {
    const { ics, start, end } = roundTrip({ timeZone: 'Europe/Berlin', startTime, durationMinutes: 30 });
    expect(rawLine(ics, 'DTSTART')).toBe(`DTSTART;TZID=Europe/Berlin:${wall}`);
    expect(start).toBe(startTime);
    expect(end).toBe(DateTime.fromISO(startTime).plus({ minutes: 30 }).toUTC().toISO());
  });

  test('Asia/Kolkata has no DST: one STANDARD observance at +0530', () => {
    const { ics, vcalendar, start, end } = roundTrip({
      timeZone: 'Asia/Kolkata',
      startTime: '2026-07-01T04:30:00.000Z',
      durationMinutes: 50,
    });
    expect(rawLine(ics, 'DTSTART')).toBe('DTSTART;TZID=Asia/Kolkata:20260701T100000');
    expect(start).toBe('2026-07-01T04:30:00.000Z');
    expect(end).toBe('2026-07-01T05:20:00.000Z');
    const vtimezone = vcalendar.getFirstSubcomponent('vtimezone');
    expect(vtimezone?.getFirstPropertyValue('tzid')).toBe('Asia/Kolkata');
    expect(vtimezone?.getAllSubcomponents('daylight')).toHaveLength(0);
    const standard = vtimezone?.getAllSubcomponents('standard') ?? [];
    expect(standard).toHaveLength(1);
    expect(standard[0].getFirstProperty('tzoffsetfrom')?.toICALString()).toBe('TZOFFSETFROM:+0530');
    expect(standard[0].getFirstProperty('tzoffsetto')?.toICALString()).toBe('TZOFFSETTO:+0530');
  });

  test('the New York VTIMEZONE lists the real transitions of the year before, of and after the meeting', () => {
    const ics = build({ timeZone: 'America/New_York', startTime: '2026-06-15T14:00:00.000Z' });
    const vtimezone = parse(ics).vcalendar.getFirstSubcomponent('vtimezone');
    const observances = (vtimezone?.getAllSubcomponents() ?? []).map(
      (sub) =>
        `${sub.name} ${sub.getFirstProperty('dtstart')?.toICALString().slice(8)} ` +
        `${sub.getFirstProperty('tzoffsetfrom')?.toICALString().slice(13)}>` +
        `${sub.getFirstProperty('tzoffsetto')?.toICALString().slice(11)} ${sub.getFirstPropertyValue('tzname')}`,
    );
    expect(observances).toEqual([
      'daylight 20250309T020000 -0500>-0400 EDT',
      'standard 20251102T020000 -0400>-0500 EST',
      'daylight 20260308T020000 -0500>-0400 EDT',
      'standard 20261101T020000 -0400>-0500 EST',
      'daylight 20270314T020000 -0500>-0400 EDT',
      'standard 20271107T020000 -0400>-0500 EST',
    ]);
  });

  test.each(['America/New_York', 'Europe/Berlin', 'Australia/Sydney', 'Asia/Kolkata', 'America/Sao_Paulo'])(
    'the %s VTIMEZONE agrees with the tz database every 5 hours across the covered years',
    (zone) => {
      const ics = build({ timeZone: zone, startTime: '2026-06-15T14:00:00.000Z' });
      const vtimezone = parse(ics).vcalendar.getFirstSubcomponent('vtimezone');
      if (!vtimezone) throw new Error('no VTIMEZONE');
      const timezone = new ICAL.Timezone(vtimezone);
      const offsets = new Set<number>();
      for (let t = Date.UTC(2025, 0, 2); t < Date.UTC(2028, 0, 1); t += 3_600_000) {
        offsets.add(DateTime.fromMillis(t, { zone }).offset);
      }
      // The VTIMEZONE starts at its first observance: the first change in 2025, or 1970 for a zone without one.
      const first = findZoneTransitions(zone, Date.UTC(2025, 0, 1), Date.UTC(2028, 0, 1))[0];
      let checked = 0;
      for (
        let t = (first?.atMillis ?? Date.UTC(2025, 0, 1)) + 3_600_000;
        t < Date.UTC(2028, 0, 1);
        t += 5 * 3_600_000
      ) {
        const local = DateTime.fromMillis(t, { zone });
        // Skip the repeated hour, where a bare local time cannot name one instant.
        const occurrences = [...offsets].filter(
          (offset) => DateTime.fromMillis(t + (local.offset - offset) * 60_000, { zone }).offset === offset,
        );
        if (occurrences.length > 1) continue;
        const time = new ICAL.Time(
          {
            year: local.year,
            month: local.month,
            day: local.day,
            hour: local.hour,
            minute: local.minute,
            second: 0,
            isDate: false,
          },
          timezone,
        );
        expect(time.toUnixTime() * 1000).toBe(t);
        checked++;
      }
      expect(checked).toBeGreaterThan(4000);
    },
  );

  test('no zone, UTC or an unknown zone: DTSTART in UTC and no VTIMEZONE', () => {
    for (const timeZone of [undefined, null, '', 'UTC', 'Etc/UTC', 'Mars/Olympus_Mons']) {
      const ics = build({ timeZone, startTime: '2026-03-09T13:00:00.000Z', durationMinutes: 25 });
      expect(ics).not.toContain('VTIMEZONE');
      expect(rawLine(ics, 'DTSTART')).toBe('DTSTART:20260309T130000Z');
      expect(rawLine(ics, 'DTEND')).toBe('DTEND:20260309T132500Z');
      const { event } = parse(ics);
      expect(iso(event.startDate)).toBe('2026-03-09T13:00:00.000Z');
      expect(iso(event.endDate)).toBe('2026-03-09T13:25:00.000Z');
    }
  });
});

describe('findZoneTransitions', () => {
  test('finds each change to the minute, with the offsets and whether it starts daylight time', () => {
    const transitions = findZoneTransitions('Europe/Berlin', Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1));
    expect(
      transitions.map((transition) => ({
        at: new Date(transition.atMillis).toISOString(),
        from: transition.offsetFrom,
        to: transition.offsetTo,
        daylight: transition.isDaylight,
        name: transition.name,
      })),
    ).toEqual([
      { at: '2026-03-29T01:00:00.000Z', from: 60, to: 120, daylight: true, name: 'CEST' },
      { at: '2026-10-25T01:00:00.000Z', from: 120, to: 60, daylight: false, name: 'CET' },
    ]);
  });

  test('southern hemisphere: Sydney starts daylight time in October', () => {
    const transitions = findZoneTransitions('Australia/Sydney', Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1));
    expect(transitions.map((t) => [new Date(t.atMillis).toISOString(), t.offsetTo, t.isDaylight])).toEqual([
      ['2026-04-04T16:00:00.000Z', 600, false],
      ['2026-10-03T16:00:00.000Z', 660, true],
    ]);
  });
});
