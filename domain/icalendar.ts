import { DateTime } from 'luxon';

/**
 * The iCalendar (RFC 5545 / iTIP RFC 5546) invitation attached as `invite.ics` to the meeting e-mails (the
 * "Send Email" button and the launch e-mail). Pure: no I/O, no clock (DTSTAMP comes in as `now`), so the same
 * input always gives the same bytes.
 *
 * The start and end are written in the customer's zone (`DTSTART;TZID=...:local wall time`) with a VTIMEZONE
 * built from that zone's real rules (luxon / the runtime's tz database), so calendar clients show the meeting
 * in the customer's zone and keep it right across DST changes.
 */

export type CalendarMethod = 'REQUEST' | 'CANCEL';

export interface CalendarPerson {
  name?: string | null;
  email: string;
}

export interface MeetingCalendarInput {
  /** Salesforce Event Id: the UID is `${eventId}@zoom-salesforce`, stable across reschedules and cancellation. */
  eventId: string;
  /** iTIP SEQUENCE: grows with each reschedule (0 for the first invitation). */
  sequence: number;
  method: CalendarMethod;
  topic: string;
  description?: string | null;
  /** Scheduled start, ISO UTC. */
  startTime: string;
  durationMinutes: number;
  /** The customer's IANA zone; UTC when absent or unknown. */
  timeZone?: string | null;
  joinUrl: string;
  passcode?: string | null;
  organizer: { name: string; email: string };
  attendees: CalendarPerson[];
  /** DTSTAMP, ISO UTC: passed in so the output is deterministic. */
  now: string;
}

/** One change of UTC offset of a zone, found from the zone's real rules. */
export interface ZoneTransition {
  /** The instant of the change, epoch milliseconds. */
  atMillis: number;
  /** Offsets in minutes east of UTC, before and after the change. */
  offsetFrom: number;
  offsetTo: number;
  /** Whether the new offset is daylight-saving time (DAYLIGHT sub-component) or not (STANDARD). */
  isDaylight: boolean;
  /** TZNAME for the new offset, e.g. EDT, CET, or "+0530" where there is no common abbreviation. */
  name: string;
}

export const PRODID = '-//zoom-salesforce-temporal//Meeting invitation 1.0//EN';
export const UID_DOMAIN = 'zoom-salesforce';
const CRLF = '\r\n';
const MAX_LINE_OCTETS = 75;
const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

// ---------------------------------------------------------------------------------------------------------------
// Content lines: escaping and folding

/** Escapes a TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma, and any line break as `\n`. */
export function escapeText(value: string): string {
  return (
    value
      .replace(/\r\n?/g, '\n')
      // Control characters other than TAB and LF are not allowed in TEXT.
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
      .replace(/\\/g, '\\\\')
      .replace(/;/g, '\\;')
      .replace(/,/g, '\\,')
      .replace(/\n/g, '\\n')
  );
}

/**
 * A parameter value (RFC 5545 3.2 with the RFC 6868 caret encoding for what cannot appear literally), quoted
 * when it holds a character that would end the parameter.
 */
export function paramValue(value: string): string {
  const encoded = value
    .replace(/\r\n?/g, '\n')
    .replace(/\^/g, '^^')
    .replace(/\n/g, '^n')
    .replace(/"/g, "^'")
    .replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, '');
  return /[;:,]/.test(encoded) || /^\s|\s$/.test(encoded) ? `"${encoded}"` : encoded;
}

/** A URI or CAL-ADDRESS value is not escaped, but must not break the content line (no controls, no spaces). */
function uriValue(value: string): string {
  return value.trim().replace(/[\u0000-\u0020\u007f]/g, '');
}

/**
 * Folds one content line (RFC 5545 3.1): no physical line longer than 75 octets (excluding the CRLF),
 * continuation lines start with a single space, and a multi-octet UTF-8 character is never split.
 */
export function foldLine(line: string): string {
  if (Buffer.byteLength(line, 'utf8') <= MAX_LINE_OCTETS) return line;
  const out: string[] = [];
  let current = '';
  let octets = 0;
  let limit = MAX_LINE_OCTETS;
  for (const char of line) {
    // for...of walks code points, so a surrogate pair stays whole.
    const size = Buffer.byteLength(char, 'utf8');
    if (octets + size > limit) {
      out.push(current);
      current = ' ';
      octets = 1;
      limit = MAX_LINE_OCTETS;
    }
    current += char;
    octets += size;
  }
  out.push(current);
  return out.join(CRLF);
}

// ---------------------------------------------------------------------------------------------------------------
// Dates and zones

function parseUtc(iso: string, field: string): DateTime {
  const time = DateTime.fromISO(iso, { zone: 'utc' });
  if (!time.isValid) throw new RangeError(`${field} is not a valid ISO date-time: ${JSON.stringify(iso)}`);
  return time.startOf('second');
}

/** `20261101T063000Z`. */
function formatUtc(time: DateTime): string {
  return time.toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'");
}

/** Local wall time without zone, `20261101T013000`. */
function formatLocal(time: DateTime): string {
  return time.toFormat("yyyyMMdd'T'HHmmss");
}

const UTC_NAMES = /^(etc\/)?(utc|uct|gmt|gmt[+-]?0|greenwich|universal|zulu|z)$/i;

/** The zone to write the meeting in, or null for UTC (absent, UTC itself, or unknown to the tz database). */
export function resolveZone(timeZone: string | null | undefined): string | null {
  const name = timeZone?.trim();
  if (!name || UTC_NAMES.test(name)) return null;
  if (!DateTime.fromMillis(0, { zone: name }).isValid) return null;
  return name;
}

function offsetAt(millis: number, zone: string): number {
  return DateTime.fromMillis(millis, { zone }).offset;
}

/** `-0500`, `+0530`, `+0000` (RFC 5545 3.3.14: the sign is required and -0000 is not allowed). */
export function formatUtcOffset(minutes: number): string {
  const totalSeconds = Math.round(minutes * 60);
  const sign = totalSeconds < 0 ? '-' : '+';
  const abs = Math.abs(totalSeconds);
  const hh = String(Math.floor(abs / 3600)).padStart(2, '0');
  const mm = String(Math.floor((abs % 3600) / 60)).padStart(2, '0');
  const ss = abs % 60;
  return `${sign}${hh}${mm}${ss ? String(ss).padStart(2, '0') : ''}`;
}

/**
 * The familiar abbreviation (EST, CEST, IST, AEDT) where ICU has one for some English locale; otherwise the
 * tz database's numeric style (`+09`, `+0530`).
 */
function zoneAbbreviation(millis: number, zone: string): string {
  const time = DateTime.fromMillis(millis, { zone });
  for (const locale of ['en-US', 'en-GB', 'en-IN', 'en-AU']) {
    const name = time.setLocale(locale).offsetNameShort;
    if (name && !/^(GMT|UTC)[+-]/.test(name)) return name;
  }
  const numeric = formatUtcOffset(time.offset);
  return numeric.endsWith('00') && numeric.length === 5 ? numeric.slice(0, 3) : numeric;
}

/**
 * Every change of UTC offset of `zone` in [fromMillis, toMillis): sampled once a day, then each change is
 * bisected to the minute. (Two changes within one day that cancel out would be missed; no modern zone has one.)
 */
export function findZoneTransitions(zone: string, fromMillis: number, toMillis: number): ZoneTransition[] {
  const transitions: ZoneTransition[] = [];
  // Work in whole minutes so the bisection ends exactly on the first minute of the new offset.
  let prevMinute = Math.floor(fromMillis / MINUTE_MS);
  let prevOffset = offsetAt(prevMinute * MINUTE_MS, zone);
  const endMinute = Math.ceil(toMillis / MINUTE_MS);
  while (prevMinute < endMinute) {
    const nextMinute = Math.min(prevMinute + DAY_MS / MINUTE_MS, endMinute);
    const nextOffset = offsetAt(nextMinute * MINUTE_MS, zone);
    if (nextOffset !== prevOffset) {
      let lo = prevMinute; // offset there: prevOffset
      let hi = nextMinute; // offset there: differs
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offsetAt(mid * MINUTE_MS, zone) === prevOffset) lo = mid;
        else hi = mid;
      }
      const atMillis = hi * MINUTE_MS;
      const offsetTo = offsetAt(atMillis, zone);
      transitions.push({
        atMillis,
        offsetFrom: prevOffset,
        offsetTo,
        isDaylight: DateTime.fromMillis(atMillis, { zone }).isInDST,
        name: zoneAbbreviation(atMillis, zone),
      });
      // Resume from the change itself, in case a second change follows within the same day.
      prevMinute = hi;
      prevOffset = offsetTo;
      continue;
    }
    prevMinute = nextMinute;
    prevOffset = nextOffset;
  }
  return transitions;
}

/** The window the VTIMEZONE covers: from 1 January of the year before the meeting to the end of the year after. */
function coverage(start: DateTime, end: DateTime): { fromMillis: number; toMillis: number } {
  const from = DateTime.utc(start.toUTC().year - 1, 1, 1).minus({ days: 1 });
  const to = DateTime.utc(end.toUTC().year + 2, 1, 1).plus({ days: 1 });
  return { fromMillis: from.toMillis(), toMillis: to.toMillis() };
}

/**
 * The observances of `zone` around the meeting: every offset change in the covered window, preceded by the
 * offset in force at the window's start when no change comes before the meeting (a zone without DST, or one
 * whose next change is after the meeting), so the meeting never falls before the first observance.
 */
export function zoneObservances(zone: string, start: DateTime, end: DateTime): ZoneTransition[] {
  const { fromMillis, toMillis } = coverage(start, end);
  const observances = findZoneTransitions(zone, fromMillis, toMillis);
  if (!observances.length || observances[0].atMillis > start.toMillis()) {
    const offset = offsetAt(fromMillis, zone);
    observances.unshift({
      // Conventionally dated 1970-01-01 00:00 local time: it only has to precede the meeting.
      atMillis: -offset * MINUTE_MS,
      offsetFrom: offset,
      offsetTo: offset,
      isDaylight: DateTime.fromMillis(fromMillis, { zone }).isInDST,
      name: zoneAbbreviation(fromMillis, zone),
    });
  }
  return observances;
}

/** The VTIMEZONE component (as unfolded content lines): one STANDARD or DAYLIGHT sub-component per observance. */
export function renderVTimezone(zone: string, observances: ZoneTransition[]): string[] {
  const lines = ['BEGIN:VTIMEZONE', `TZID:${escapeText(zone)}`];
  for (const observance of observances) {
    const kind = observance.isDaylight ? 'DAYLIGHT' : 'STANDARD';
    // DTSTART of an observance is the local time of the onset, in the offset that held before it.
    const onset = DateTime.fromMillis(observance.atMillis + observance.offsetFrom * MINUTE_MS, { zone: 'utc' });
    lines.push(
      `BEGIN:${kind}`,
      `DTSTART:${formatLocal(onset)}`,
      `TZOFFSETFROM:${formatUtcOffset(observance.offsetFrom)}`,
      `TZOFFSETTO:${formatUtcOffset(observance.offsetTo)}`,
      `TZNAME:${escapeText(observance.name)}`,
      `END:${kind}`,
    );
  }
  lines.push('END:VTIMEZONE');
  return lines;
}

/**
 * Whether the local wall time of `time` also happens at another instant (the repeated hour when clocks fall
 * back). RFC 5545 says such a local time means the first occurrence, but clients differ (ical.js, and so
 * Thunderbird, takes the standard-time one), so such an instant is written in UTC instead.
 */
function isAmbiguousWallTime(time: DateTime, zone: string, offsets: Iterable<number>): boolean {
  const millis = time.toMillis();
  for (const other of offsets) {
    if (other === time.offset) continue;
    const candidate = millis + (time.offset - other) * MINUTE_MS;
    if (offsetAt(candidate, zone) === other) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------------------
// The calendar

export function meetingUid(eventId: string): string {
  return `${eventId}@${UID_DOMAIN}`;
}

/** The DESCRIPTION text: the caller's description, then the join link and passcode. */
export function calendarDescription(input: Pick<MeetingCalendarInput, 'description' | 'joinUrl' | 'passcode'>): string {
  const parts: string[] = [];
  const description = input.description?.trim();
  if (description) parts.push(description, '');
  parts.push(`Join Zoom meeting: ${input.joinUrl.trim()}`);
  const passcode = input.passcode?.trim();
  if (passcode) parts.push(`Passcode: ${passcode}`);
  return parts.join('\n');
}

function person(property: 'ORGANIZER' | 'ATTENDEE', who: CalendarPerson, extra: string[] = []): string {
  const name = who.name?.trim();
  const params = [...(name ? [`CN=${paramValue(name)}`] : []), ...extra];
  return `${property}${params.map((param) => `;${param}`).join('')}:mailto:${uriValue(who.email)}`;
}

/**
 * The whole `invite.ics`: a VCALENDAR with METHOD REQUEST (invite or reschedule: raise `sequence`) or CANCEL,
 * CRLF line endings, lines folded at 75 octets.
 */
export function buildMeetingCalendar(input: MeetingCalendarInput): string {
  if (!Number.isFinite(input.durationMinutes) || input.durationMinutes < 0) {
    throw new RangeError(`durationMinutes must be a non-negative number, got ${input.durationMinutes}`);
  }
  if (!Number.isInteger(input.sequence) || input.sequence < 0) {
    throw new RangeError(`sequence must be a non-negative integer, got ${input.sequence}`);
  }
  const zone = resolveZone(input.timeZone);
  const startUtc = parseUtc(input.startTime, 'startTime');
  const endUtc = startUtc.plus({ minutes: input.durationMinutes });
  const stamp = parseUtc(input.now, 'now');

  const lines = ['BEGIN:VCALENDAR', `PRODID:${PRODID}`, 'VERSION:2.0', 'CALSCALE:GREGORIAN', `METHOD:${input.method}`];

  let dtstart: string;
  let dtend: string;
  if (zone) {
    const observances = zoneObservances(zone, startUtc, endUtc);
    lines.push(...renderVTimezone(zone, observances));
    const offsets = new Set(observances.flatMap((observance) => [observance.offsetFrom, observance.offsetTo]));
    const when = (name: 'DTSTART' | 'DTEND', time: DateTime): string => {
      const local = time.setZone(zone);
      return isAmbiguousWallTime(local, zone, offsets)
        ? `${name}:${formatUtc(time)}`
        : `${name};TZID=${paramValue(zone)}:${formatLocal(local)}`;
    };
    dtstart = when('DTSTART', startUtc);
    dtend = when('DTEND', endUtc);
  } else {
    dtstart = `DTSTART:${formatUtc(startUtc)}`;
    dtend = `DTEND:${formatUtc(endUtc)}`;
  }

  const joinUrl = uriValue(input.joinUrl);
  const seen = new Set<string>();
  const attendees = input.attendees.filter((attendee) => {
    const key = attendee.email.trim().toLowerCase();
    if (!key || seen.has(key)) return false;
    seen.add(key);
    return true;
  });

  lines.push(
    'BEGIN:VEVENT',
    `UID:${escapeText(meetingUid(input.eventId))}`,
    `SEQUENCE:${input.sequence}`,
    `DTSTAMP:${formatUtc(stamp)}`,
    dtstart,
    dtend,
    `SUMMARY:${escapeText(input.topic)}`,
    `DESCRIPTION:${escapeText(calendarDescription(input))}`,
    `LOCATION:${escapeText(joinUrl)}`,
    `URL:${joinUrl}`,
    person('ORGANIZER', input.organizer),
    ...attendees.map((attendee) => person('ATTENDEE', attendee, ['ROLE=REQ-PARTICIPANT', 'RSVP=TRUE'])),
    `STATUS:${input.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED'}`,
    'TRANSP:OPAQUE',
    'END:VEVENT',
    'END:VCALENDAR',
  );

  return lines.map(foldLine).join(CRLF) + CRLF;
}
