import { DateTime } from 'luxon';

/**
 * The Google Calendar event of a Zoom meeting, derived purely from the meeting and its people. Its id comes from
 * the Salesforce Event Id, so a retry after a crash finds the event it already made (409) instead of making a second.
 */

/** base32hex (RFC 4648 §7): the alphabet Google allows in client-chosen event ids, lower-case. */
const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';

/**
 * The Google event id of a Salesforce Event: its Id's bytes in base32hex. Salesforce Ids are case-sensitive (the
 * 15-character form), so the bytes are encoded rather than the text lower-cased. 18 characters give 29, within
 * Google's 5 to 1024 ("Event identifiers", events resource).
 */
export function calendarEventId(salesforceEventId: string): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of Buffer.from(salesforceEventId, 'utf8')) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32HEX[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32HEX[(value << (5 - bits)) & 31];
  return out;
}

export interface CalendarMeeting {
  salesforceEventId: string;
  topic: string;
  /** ISO instants of the scheduled start and end. */
  startTime: string;
  endTime: string;
  /** IANA zone the times are shown in: the customer's when the Event names one, else the host's. */
  timeZone: string;
  meetingId: string;
  joinUrl: string;
  passcode?: string;
  /** Guests' addresses (the host left out). */
  attendees: string[];
}

/** What happened, for the note added after the meeting. */
export interface CalendarOutcome {
  held: boolean;
  durationMinutes?: number;
  participants?: number;
  recordingUrl?: string;
}

function zoned(instant: string, timeZone: string) {
  return { dateTime: DateTime.fromISO(instant).setZone(timeZone).toISO({ suppressMilliseconds: true })!, timeZone };
}

/** Zoom shows meeting ids in groups of 3-4-4 (or 3-3-4): "812 3456 7890". */
function spacedMeetingId(id: string): string {
  return id.length === 11
    ? `${id.slice(0, 3)} ${id.slice(3, 7)} ${id.slice(7)}`
    : id.replace(/(\d{3})(\d{3})(\d+)/, '$1 $2 $3');
}

export function outcomeNote(outcome: CalendarOutcome): string {
  if (!outcome.held) return 'Outcome: the meeting was not held.';
  const parts = [
    outcome.durationMinutes !== undefined ? `${outcome.durationMinutes} minutes` : undefined,
    outcome.participants !== undefined
      ? `${outcome.participants} participant${outcome.participants === 1 ? '' : 's'}`
      : undefined,
  ].filter(Boolean);
  return [
    `Outcome: held${parts.length > 0 ? `, ${parts.join(', ')}` : ''}.`,
    ...(outcome.recordingUrl ? [`Recording: ${outcome.recordingUrl}`] : []),
  ].join('\n');
}

export function calendarDescription(meeting: CalendarMeeting, outcome?: CalendarOutcome): string {
  return [
    `Join the Zoom meeting: ${meeting.joinUrl}`,
    `Meeting ID: ${spacedMeetingId(meeting.meetingId)}`,
    ...(meeting.passcode ? [`Passcode: ${meeting.passcode}`] : []),
    ...(outcome ? ['', outcomeNote(outcome)] : []),
  ].join('\n');
}

/**
 * The event: topic, times in the meeting's zone, the join URL as location and as a third-party conference (Zoom's
 * entry point, with the passcode), the passcode in the description too, and the guests.
 */
export function calendarEventFor(meeting: CalendarMeeting, options: { conference: boolean }) {
  return {
    summary: meeting.topic,
    description: calendarDescription(meeting),
    location: meeting.joinUrl,
    start: zoned(meeting.startTime, meeting.timeZone),
    end: zoned(meeting.endTime, meeting.timeZone),
    attendees: meeting.attendees.map((email) => ({ email })),
    // Revives an event cancelled earlier (its id stays taken): a patch of `status` is Google's way back.
    status: 'confirmed',
    extendedProperties: { private: { salesforceEventId: meeting.salesforceEventId } },
    ...(options.conference
      ? {
          conferenceData: {
            conferenceId: meeting.meetingId,
            conferenceSolution: { key: { type: 'addOn' }, name: 'Zoom Meeting' },
            entryPoints: [
              {
                entryPointType: 'video',
                uri: meeting.joinUrl,
                label: meeting.joinUrl.replace(/^https?:\/\//, ''),
                meetingCode: meeting.meetingId,
                ...(meeting.passcode ? { passcode: meeting.passcode } : {}),
              },
            ],
          },
        }
      : {}),
  };
}
