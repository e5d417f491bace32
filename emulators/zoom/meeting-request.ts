import { ZoomErrors } from './errors';
import { isZoomTimeZoneId } from '../../domain/zoom-time-zones';
import { type AutoRecording, type MeetingSettings, type MeetingType, type Recurrence } from './store';

/**
 * Reads and validates the body of a meeting create or update (PATCH takes the same fields, all optional).
 * Zoom ignores fields it does not know; a known field with a bad value is a 400 with code 300 naming the field.
 */

export const TOPIC_MAX = 200;
export const AGENDA_MAX = 2000;
export const PASSWORD_MAX = 10;
export const MAX_OCCURRENCES = 60;

export interface MeetingRequest {
  topic?: string;
  type?: MeetingType;
  /** Raw `start_time`; its meaning depends on the meeting's time zone, resolved by the caller. */
  startTime?: string;
  duration?: number;
  timezone?: string;
  agenda?: string;
  password?: string;
  settings: Partial<MeetingSettings>;
  recurrence?: Recurrence;
}

type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function optionalString(fields: Fields, name: string, label = name, max?: number): string | undefined {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw ZoomErrors.invalidField(label, 'must be a string');
  if (max !== undefined && value.length > max) throw ZoomErrors.invalidField(label, `at most ${max} characters`);
  return value;
}

function optionalBoolean(fields: Fields, name: string, label: string): boolean | undefined {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw ZoomErrors.invalidField(label, 'must be true or false');
  return value;
}

function optionalPositiveInt(fields: Fields, name: string, label: string, max = Number.MAX_SAFE_INTEGER) {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw ZoomErrors.invalidField(
      label,
      max < Number.MAX_SAFE_INTEGER ? `an integer from 1 to ${max}` : 'a positive integer',
    );
  }
  return value;
}

function optionalOneOf<T extends string | number>(fields: Fields, name: string, label: string, allowed: readonly T[]) {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  if (!allowed.includes(value as T)) throw ZoomErrors.invalidField(label, `one of ${allowed.join(', ')}`);
  return value as T;
}

function readSettings(raw: unknown): Partial<MeetingSettings> {
  if (raw === undefined || raw === null) return {};
  if (!isObject(raw)) throw ZoomErrors.invalidField('settings', 'must be an object');
  const settings: Partial<MeetingSettings> = {};
  for (const name of [
    'join_before_host',
    'use_pmi',
    'waiting_room',
    'host_video',
    'participant_video',
    'mute_upon_entry',
  ] as const) {
    const value = optionalBoolean(raw, name, `settings.${name}`);
    if (value !== undefined) settings[name] = value;
  }
  const jbhTime = optionalOneOf(raw, 'jbh_time', 'settings.jbh_time', [0, 5, 10, 15]);
  if (jbhTime !== undefined) settings.jbh_time = jbhTime;
  const autoRecording = optionalOneOf<AutoRecording>(raw, 'auto_recording', 'settings.auto_recording', [
    'local',
    'cloud',
    'none',
  ]);
  if (autoRecording !== undefined) settings.auto_recording = autoRecording;
  const approvalType = optionalOneOf(raw, 'approval_type', 'settings.approval_type', [0, 1, 2] as const);
  if (approvalType !== undefined) settings.approval_type = approvalType;
  const alternativeHosts = optionalString(raw, 'alternative_hosts', 'settings.alternative_hosts');
  if (alternativeHosts !== undefined) settings.alternative_hosts = alternativeHosts;
  if (raw.meeting_invitees !== undefined && raw.meeting_invitees !== null) {
    const invitees = raw.meeting_invitees;
    const valid =
      Array.isArray(invitees) &&
      invitees.every((i) => isObject(i) && typeof i.email === 'string' && /^[^@\s]+@[^@\s]+$/.test(i.email));
    if (!valid) throw ZoomErrors.invalidField('settings.meeting_invitees', 'a list of {"email": "…"}');
    settings.meeting_invitees = (invitees as { email: string }[]).map((i) => ({ email: i.email }));
  }
  return settings;
}

function readRecurrence(raw: unknown): Recurrence | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw)) throw ZoomErrors.invalidField('recurrence', 'must be an object');
  const type = optionalOneOf(raw, 'type', 'recurrence.type', [1, 2, 3] as const);
  if (type === undefined) throw ZoomErrors.invalidField('recurrence.type', 'required: 1 daily, 2 weekly, 3 monthly');
  const recurrence: Recurrence = {
    type,
    repeat_interval: optionalPositiveInt(raw, 'repeat_interval', 'recurrence.repeat_interval', 90) ?? 1,
  };
  const weeklyDays = optionalString(raw, 'weekly_days', 'recurrence.weekly_days');
  if (weeklyDays !== undefined) {
    if (!/^[1-7](,[1-7])*$/.test(weeklyDays)) throw ZoomErrors.invalidField('recurrence.weekly_days', 'like "2,4"');
    recurrence.weekly_days = weeklyDays;
  }
  const monthlyDay = optionalPositiveInt(raw, 'monthly_day', 'recurrence.monthly_day', 31);
  if (monthlyDay !== undefined) recurrence.monthly_day = monthlyDay;
  const endTimes = optionalPositiveInt(raw, 'end_times', 'recurrence.end_times', MAX_OCCURRENCES);
  if (endTimes !== undefined) recurrence.end_times = endTimes;
  const endDateTime = optionalString(raw, 'end_date_time', 'recurrence.end_date_time');
  if (endDateTime !== undefined) {
    if (
      !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(endDateTime) ||
      Number.isNaN(Date.parse(endDateTime))
    ) {
      throw ZoomErrors.invalidField('recurrence.end_date_time', 'yyyy-MM-ddTHH:mm:ssZ');
    }
    recurrence.end_date_time = endDateTime;
  }
  if (recurrence.end_times === undefined && recurrence.end_date_time === undefined) recurrence.end_times = 1;
  return recurrence;
}

export function readMeetingRequest(body: unknown): MeetingRequest {
  if (body === undefined || body === null) return { settings: {} };
  if (!isObject(body)) throw ZoomErrors.invalidBody();
  const type = optionalOneOf(body, 'type', 'type', [1, 2, 8] as const);
  const timezone = optionalString(body, 'timezone');
  // Only ids on Zoom's own list, not every IANA name (Zoom spec: "refer to our timezone list"; the stricter reading
  // of real-service-findings §12, where Zoom's answer to another IANA id is unverified).
  if (timezone && !isZoomTimeZoneId(timezone)) {
    throw ZoomErrors.invalidField('timezone', `${timezone} is not on Zoom's time-zone list`);
  }
  const password = optionalString(body, 'password', 'password', PASSWORD_MAX);
  if (password !== undefined && !/^[A-Za-z0-9@\-_*]+$/.test(password)) {
    throw ZoomErrors.invalidField('password', 'letters, digits and @ - _ * only');
  }
  return {
    topic: optionalString(body, 'topic', 'topic', TOPIC_MAX),
    type,
    startTime: optionalString(body, 'start_time'),
    duration: optionalPositiveInt(body, 'duration', 'duration'),
    // A blank time zone means "the host's", as Zoom documents for start_time.
    timezone: timezone || undefined,
    agenda: optionalString(body, 'agenda', 'agenda', AGENDA_MAX),
    password,
    settings: readSettings(body.settings),
    recurrence: readRecurrence(body.recurrence),
  };
}
