import { createHmac, timingSafeEqual } from 'node:crypto';
import { isStorableDateTime, isTimeZoneName, SUBJECT_MAX_LENGTH } from './callout-validation';
import { describeType, isObject, type JsonObject } from './json';

/**
 * Zoom webhooks (reference: /work/shared/reference/zoom-api.md §5): the signature both ways (the emulator signs,
 * the API verifies), the answer to `endpoint.url_validation`, and the normalisation of the meeting events into
 * the one shape the meeting workflow receives (`ZoomMeetingEvent`).
 *
 * Signature: `x-zm-signature: v0=<hex HMAC-SHA256(secretToken, "v0:" + x-zm-request-timestamp + ":" + rawBody)>`.
 * It covers the exact bytes Zoom sent, so it must be checked over the raw body, never over re-serialised JSON.
 *
 * Values that reach the Event are held to the org side's rules (`domain/callout-validation.ts`): IANA time zone
 * names, date-times Salesforce can store, topics no longer than a Subject; a webhook breaking one is `invalid`: not used (the API still answers 2xx).
 *
 * Pure: no I/O beyond node:crypto. The normalised event never carries the payloads' secrets (download_token,
 * passwords, passcodes, join URLs). Participant names and e-mails are kept, since the workflow matches attendees
 * with them, so callers must never log a participant.
 */

export const ZOOM_SIGNATURE_HEADER = 'x-zm-signature';
export const ZOOM_TIMESTAMP_HEADER = 'x-zm-request-timestamp';
/** Replay window: a timestamp further than this from now, in either direction, is refused (but see retries). */
export const ZOOM_MAX_SKEW_SECONDS = 300;
/**
 * Zoom's retries of a delivery not answered 2xx within `ZOOM_ANSWER_TIMEOUT_SECONDS`: 5 minutes after the first
 * attempt, 20 after the first retry, 60 after the second; then "no further notifications related to that event
 * will be sent" until a support ticket resets the retry count (developers.zoom.us/blog/webhook-delays).
 */
export const ZOOM_RETRY_DELAYS_MINUTES: readonly number[] = [5, 20, 60];
export const ZOOM_ANSWER_TIMEOUT_SECONDS = 3;
/**
 * How old a validly signed delivery's timestamp may be. Zoom does not document whether a retry carries a fresh
 * `x-zm-request-timestamp` (searched: the webhook docs, the "Webhook delays" article, devforum; NangoHQ/nango#7484
 * found no confirmation either, and redeliveries are reported as byte-identical, devforum t/128602). So a retry
 * may carry its first attempt's timestamp: a signed delivery is accepted up to the last retry's time (every wait
 * and every attempt's timeout) plus the skew. A replay within that time is harmless: its `dedupeKey` is the
 * original's, which the meeting workflow ignores.
 */
export const ZOOM_RETRY_HORIZON_SECONDS =
  ZOOM_RETRY_DELAYS_MINUTES.reduce((sum, minutes) => sum + minutes * 60, 0) +
  ZOOM_RETRY_DELAYS_MINUTES.length * ZOOM_ANSWER_TIMEOUT_SECONDS +
  ZOOM_MAX_SKEW_SECONDS;
const SIGNATURE_VERSION = 'v0';

function hmacHex(key: string, ...parts: (string | Buffer)[]): string {
  const hmac = createHmac('sha256', key);
  for (const part of parts) hmac.update(part);
  return hmac.digest('hex');
}

/** `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<rawBody>`, keyed with the app's secret token. */
export function signZoomWebhook(secretToken: string, timestamp: string, rawBody: Buffer | string): string {
  return `${SIGNATURE_VERSION}=${hmacHex(secretToken, `${SIGNATURE_VERSION}:${timestamp}:`, rawBody)}`;
}

/** The headers Zoom sends with a delivery of `rawBody` (timestamp in unix seconds); used by the Zoom emulator. */
export function zoomWebhookHeaders(
  secretToken: string,
  rawBody: Buffer | string,
  nowMs = Date.now(),
): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  return {
    'content-type': 'application/json; charset=utf-8',
    [ZOOM_TIMESTAMP_HEADER]: timestamp,
    [ZOOM_SIGNATURE_HEADER]: signZoomWebhook(secretToken, timestamp, rawBody),
  };
}

/** `ageSeconds` only for a late delivery (a timestamp older than the skew): one of Zoom's retries. */
export type ZoomSignatureCheck = { ok: true; ageSeconds?: number } | { ok: false; reason: string };

/** `x-zm-request-timestamp` in epoch ms; a 13-digit value is read as milliseconds already. */
export function zoomRequestTimestampMs(timestamp: string): number {
  return timestamp.length === 13 ? Number(timestamp) : Number(timestamp) * 1000;
}

/**
 * Checks a delivery: both headers present, a timestamp neither more than the skew ahead nor older than Zoom's
 * last retry (`ZOOM_RETRY_HORIZON_SECONDS`), and the signature over the raw bytes (constant-time comparison). The
 * timestamp is documented as unix seconds; a 13-digit value is read as milliseconds for the freshness check (the
 * unit is not verified against live Zoom), and is signed as sent either way.
 */
export function verifyZoomWebhook(
  secretToken: string,
  headers: { timestamp?: string; signature?: string },
  rawBody: Buffer | string,
  nowMs = Date.now(),
): ZoomSignatureCheck {
  const { timestamp, signature } = headers;
  if (!timestamp || !signature) {
    return { ok: false, reason: `Missing ${ZOOM_TIMESTAMP_HEADER} or ${ZOOM_SIGNATURE_HEADER} header` };
  }
  if (!/^(\d{1,11}|\d{13})$/.test(timestamp)) {
    return { ok: false, reason: `${ZOOM_TIMESTAMP_HEADER} must be unix seconds` };
  }
  const ageSeconds = Math.round((nowMs - zoomRequestTimestampMs(timestamp)) / 1000);
  if (ageSeconds < -ZOOM_MAX_SKEW_SECONDS) {
    return { ok: false, reason: `${ZOOM_TIMESTAMP_HEADER} is more than ${ZOOM_MAX_SKEW_SECONDS} s ahead of now` };
  }
  if (ageSeconds > ZOOM_RETRY_HORIZON_SECONDS) {
    return { ok: false, reason: `${ZOOM_TIMESTAMP_HEADER} is older than Zoom's last retry` };
  }
  const expected = Buffer.from(signZoomWebhook(secretToken, timestamp, rawBody), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: 'Signature does not match' };
  }
  return ageSeconds > ZOOM_MAX_SKEW_SECONDS ? { ok: true, ageSeconds } : { ok: true };
}

/** The 200 JSON answer to `endpoint.url_validation`. */
export function urlValidationResponse(
  secretToken: string,
  plainToken: string,
): { plainToken: string; encryptedToken: string } {
  return { plainToken, encryptedToken: hmacHex(secretToken, plainToken) };
}

// ---------------------------------------------------------------------------------------------------------------
// Normalised events
// ---------------------------------------------------------------------------------------------------------------

export type ZoomMeetingEventKind =
  'started' | 'participant_joined' | 'participant_left' | 'ended' | 'recording_completed' | 'updated' | 'deleted';

/** Zoom event name → normalised kind. Other events are acknowledged and ignored. */
export const ZOOM_MEETING_EVENTS: Readonly<Record<string, ZoomMeetingEventKind>> = {
  'meeting.started': 'started',
  'meeting.participant_joined': 'participant_joined',
  'meeting.participant_left': 'participant_left',
  'meeting.ended': 'ended',
  'recording.completed': 'recording_completed',
  'meeting.updated': 'updated',
  'meeting.deleted': 'deleted',
};

export const URL_VALIDATION_EVENT = 'endpoint.url_validation';

/**
 * A participant of a join or leave webhook: ids and times only. The meeting workflow only counts them (who
 * attended is read from Zoom's past-meeting report after the end), so names and e-mails never enter history.
 */
export interface ZoomParticipant {
  /** The participant's Zoom user id when signed in (`participant.id`); absent for guests. */
  id?: string;
  /** Meeting-scoped participant id (`participant.user_id`), new for every join. */
  userId?: string;
  /** Same for every join/leave segment of one person in one meeting instance (`participant_uuid`). */
  participantUuid?: string;
  /** ISO-8601 UTC (`…Z`, with milliseconds), like every time in this event. */
  joinTime?: string;
  leaveTime?: string;
}

export interface ZoomRecordingFile {
  id?: string;
  /** MP4, M4A, TIMELINE, TRANSCRIPT, CHAT, CC, CSV, … */
  fileType: string;
  recordingType?: string;
  playUrl?: string;
  /** Needs a bearer token to download; the webhook's `download_token` is deliberately not kept. */
  downloadUrl?: string;
  recordingStart?: string;
  recordingEnd?: string;
  fileSize?: number;
  status?: string;
}

export interface ZoomRecording {
  shareUrl?: string;
  totalSize?: number;
  recordingCount?: number;
  files: ZoomRecordingFile[];
}

/** For `meeting.updated`: the changed fields Zoom reported in `payload.object`, only those present. */
export interface ZoomMeetingChanges {
  topic?: string;
  startTime?: string;
  /** Minutes. */
  duration?: number;
  timezone?: string;
}

/** One Zoom webhook event about a meeting, as the meeting workflow receives it (`zoomEventSignal`). */
export interface ZoomMeetingEvent {
  kind: ZoomMeetingEventKind;
  /** Always a string of digits: Zoom sends a number for some events and a string for others. */
  meetingId: string;
  /** The instance (`object.uuid`); absent on `meeting.updated`. */
  meetingUuid?: string;
  /** `event_ts`, epoch ms. */
  eventTs: number;
  /**
   * Identifies one event across redeliveries: `<event>:<uuid or id>:<event_ts>`, plus `:<participant id>` for the
   * participant events. Zoom may deliver an event more than once; the workflow ignores a key it has seen.
   */
  dedupeKey: string;
  /** Who made the change (a Zoom user id), on `meeting.updated` and `meeting.deleted`. */
  operatorId?: string;
  /** Actual start for started/ended/participant events; scheduled start otherwise. ISO-8601 UTC. */
  startTime?: string;
  endTime?: string;
  topic?: string;
  /** Minutes: scheduled for live events, recorded for `recording.completed`. */
  duration?: number;
  timezone?: string;
  participant?: ZoomParticipant;
  recording?: ZoomRecording;
  changes?: ZoomMeetingChanges;
}

/**
 * `datedByRequest`: the event had no `event_ts` (legal on `meeting.deleted`) and is dated by its request's
 * timestamp. `unroutable`: a participant event without `object.id` (legal too), which names no meeting to route
 * to. `event` on `invalid` and `unroutable` is Zoom's event name, for the log.
 */
export type ParsedZoomWebhook =
  | { kind: 'url_validation'; plainToken: string }
  | { kind: 'meeting'; event: ZoomMeetingEvent; datedByRequest?: true }
  | { kind: 'ignored'; reason: string }
  | { kind: 'unroutable'; event: string; meetingUuid?: string }
  | { kind: 'invalid'; event?: string; errors: string[] };

export interface ZoomWebhookContext {
  /** The delivery's `x-zm-request-timestamp` in epoch ms: the date of an event without `event_ts`. */
  requestTimestampMs?: number;
}

const ZOOM_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/;
const MAX_PLAIN_TOKEN_LENGTH = 1024;

/** Reads fields of one object, collecting errors under their JSON paths. Blank ('' or null) counts as absent. */
class Reader {
  constructor(
    readonly raw: JsonObject,
    private readonly path: string,
    private readonly errors: string[],
  ) {}

  private at(name: string): string {
    return `${this.path}.${name}`;
  }

  private present(name: string): unknown {
    const value = this.raw[name];
    return value === undefined || value === null || value === '' ? undefined : value;
  }

  private fail(name: string, message: string): undefined {
    this.errors.push(`${this.at(name)} ${message}`);
    return undefined;
  }

  string(name: string, required = false): string | undefined {
    const value = this.present(name);
    if (value === undefined) return required ? this.fail(name, 'is required') : undefined;
    return typeof value === 'string' ? value : this.fail(name, `must be a string, not ${describeType(value)}`);
  }

  /** A number or a string of digits, as a string; Zoom's ids come either way. */
  meetingId(name: string): string | undefined {
    const value = this.present(name);
    if (value === undefined) return this.fail(name, 'is required');
    if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return String(value);
    if (typeof value === 'string' && /^\d{1,19}$/.test(value)) return value;
    return this.fail(name, 'must be a meeting id (digits)');
  }

  nonNegative(name: string, integer = true): number | undefined {
    const value = this.present(name);
    if (value === undefined) return undefined;
    const ok = typeof value === 'number' && value >= 0 && (integer ? Number.isSafeInteger(value) : isFinite(value));
    return ok ? value : this.fail(name, `must be a non-negative ${integer ? 'integer' : 'number'}`);
  }

  /** A Zoom date-time, normalised to ISO-8601 UTC with milliseconds, within what Salesforce can store. */
  time(name: string): string | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const ms = ZOOM_TIME.test(value) ? Date.parse(value) : NaN;
    if (Number.isNaN(ms)) return this.fail(name, 'must be an ISO-8601 date-time');
    const iso = new Date(ms).toISOString();
    return isStorableDateTime(iso)
      ? iso
      : this.fail(name, 'must be between 1700-01-01 and 4000-12-31, the date-times Salesforce stores');
  }

  /** An IANA time zone name: the rule the org's `Customer_Time_Zone__c` follows (the value is never echoed). */
  timeZone(name: string): string | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    return isTimeZoneName(value)
      ? value
      : this.fail(name, 'must be an IANA time zone name, such as "America/New_York"');
  }

  /** A meeting topic, which becomes the Event's Subject. */
  topic(name: string): string | undefined {
    const value = this.string(name);
    if (value === undefined || value.length <= SUBJECT_MAX_LENGTH) return value;
    return this.fail(name, `must be at most ${SUBJECT_MAX_LENGTH} characters, the length of an Event Subject`);
  }

  obj(name: string, required = false): JsonObject | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null) return required ? this.fail(name, 'is required') : undefined;
    return isObject(value) ? value : this.fail(name, `must be an object, not ${describeType(value)}`);
  }

  child(name: string, required = false): Reader | undefined {
    const value = this.obj(name, required);
    return value && new Reader(value, this.at(name), this.errors);
  }

  list(name: string): unknown[] | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null) return this.fail(name, 'is required');
    return Array.isArray(value) ? value : this.fail(name, `must be a list, not ${describeType(value)}`);
  }
}

/** Removes undefined properties, so events compare and serialise cleanly. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function parseParticipant(object: Reader, kind: ZoomMeetingEventKind): ZoomParticipant | undefined {
  const p = object.child('participant', true);
  if (!p) return undefined;
  return compact<ZoomParticipant>({
    id: p.string('id'),
    userId: p.string('user_id'),
    participantUuid: p.string('participant_uuid'),
    joinTime: kind === 'participant_joined' ? p.time('join_time') : undefined,
    leaveTime: kind === 'participant_left' ? p.time('leave_time') : undefined,
  });
}

function parseRecording(object: Reader, errors: string[], path: string): ZoomRecording | undefined {
  const files = object.list('recording_files');
  if (!files) return undefined;
  const parsedFiles: ZoomRecordingFile[] = [];
  files.forEach((file, index) => {
    const filePath = `${path}.recording_files[${index}]`;
    if (!isObject(file)) {
      errors.push(`${filePath} must be an object, not ${describeType(file)}`);
      return;
    }
    const f = new Reader(file, filePath, errors);
    parsedFiles.push(
      compact<ZoomRecordingFile>({
        id: f.string('id'),
        fileType: f.string('file_type', true) ?? '',
        recordingType: f.string('recording_type'),
        playUrl: f.string('play_url'),
        downloadUrl: f.string('download_url'),
        recordingStart: f.time('recording_start'),
        recordingEnd: f.time('recording_end'),
        fileSize: f.nonNegative('file_size'),
        status: f.string('status'),
      }),
    );
  });
  return compact<ZoomRecording>({
    shareUrl: object.string('share_url'),
    totalSize: object.nonNegative('total_size'),
    recordingCount: object.nonNegative('recording_count'),
    files: parsedFiles,
  });
}

const PARTICIPANT_KINDS: readonly ZoomMeetingEventKind[] = ['participant_joined', 'participant_left'];

function parseMeetingEvent(
  name: string,
  kind: ZoomMeetingEventKind,
  body: JsonObject,
  context: ZoomWebhookContext,
): ParsedZoomWebhook {
  const errors: string[] = [];
  // Zoom's own types leave event_ts optional on meeting.deleted (Rivet meetings.d.ts): then the request's time.
  const datedByRequest = body.event_ts === undefined && context.requestTimestampMs !== undefined;
  const eventTs = datedByRequest ? context.requestTimestampMs : body.event_ts;
  if (typeof eventTs !== 'number' || !Number.isSafeInteger(eventTs) || eventTs <= 0) {
    errors.push('$.event_ts must be epoch milliseconds');
  }
  const root = new Reader(body, '$', errors);
  const payload = root.child('payload', true);
  const object = payload?.child('object', true);
  if (!payload || !object) return { kind: 'invalid', event: name, errors };

  // Rivet's types leave object.id optional on the participant events: without it there is no meeting to route to.
  if (PARTICIPANT_KINDS.includes(kind) && (object.raw.id === undefined || object.raw.id === null)) {
    return compact<ParsedZoomWebhook>({ kind: 'unroutable', event: name, meetingUuid: object.string('uuid') });
  }
  const meetingId = object.meetingId('id');
  // The live events and recordings name the instance and mean nothing without it; meeting.updated has no uuid.
  const meetingUuid = object.string('uuid', kind !== 'updated' && kind !== 'deleted');

  const event: ZoomMeetingEvent = {
    kind,
    meetingId: meetingId ?? '',
    meetingUuid,
    eventTs: eventTs as number,
    dedupeKey: '',
    operatorId: kind === 'updated' || kind === 'deleted' ? payload.string('operator_id') : undefined,
  };

  if (kind === 'updated') {
    event.changes = compact<ZoomMeetingChanges>({
      topic: object.topic('topic'),
      startTime: object.time('start_time'),
      duration: object.nonNegative('duration'),
      timezone: object.timeZone('timezone'),
    });
  } else {
    event.topic = object.topic('topic');
    event.startTime = object.time('start_time');
    event.duration = object.nonNegative('duration');
    event.timezone = object.timeZone('timezone');
    if (kind === 'ended') event.endTime = object.time('end_time');
  }
  if (kind === 'participant_joined' || kind === 'participant_left') {
    event.participant = parseParticipant(object, kind);
  }
  if (kind === 'recording_completed') {
    event.recording = parseRecording(object, errors, '$.payload.object');
  }
  if (errors.length > 0) return { kind: 'invalid', event: name, errors };

  const p = event.participant;
  const participantKey = p ? `:${p.userId ?? p.participantUuid ?? p.id ?? p.joinTime ?? p.leaveTime ?? ''}` : '';
  event.dedupeKey = `${name}:${meetingUuid ?? meetingId}:${eventTs}${participantKey}`;
  return datedByRequest
    ? { kind: 'meeting', event: compact(event), datedByRequest: true }
    : { kind: 'meeting', event: compact(event) };
}

/**
 * Reads a webhook body (already JSON-parsed, signature already checked). `endpoint.url_validation` and the seven
 * meeting events we handle are checked field by field; any other event is `ignored` without looking at its payload.
 */
export function parseZoomWebhook(json: unknown, context: ZoomWebhookContext = {}): ParsedZoomWebhook {
  if (!isObject(json)) return { kind: 'invalid', errors: [`$ must be an object, not ${describeType(json)}`] };
  const name = json.event;
  if (typeof name !== 'string' || name === '') return { kind: 'invalid', errors: ['$.event must be a string'] };

  if (name === URL_VALIDATION_EVENT) {
    const payload = json.payload;
    const plainToken = isObject(payload) ? payload.plainToken : undefined;
    if (typeof plainToken !== 'string' || plainToken === '' || plainToken.length > MAX_PLAIN_TOKEN_LENGTH) {
      return { kind: 'invalid', errors: ['$.payload.plainToken must be a non-empty string'] };
    }
    return { kind: 'url_validation', plainToken };
  }

  const kind = Object.hasOwn(ZOOM_MEETING_EVENTS, name) ? ZOOM_MEETING_EVENTS[name] : undefined;
  if (!kind) return { kind: 'ignored', reason: `event ${name.slice(0, 100)} is not handled` };
  return parseMeetingEvent(name, kind, json, context);
}
