import { randomBytes } from 'node:crypto';
import { type FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import { ADMIN_PREFIX } from '../common/admin';
import { meetingIdFromPath, type ZoomApiContext } from './api';
import { ZoomError } from './errors';
import { readMeetingRequest } from './meeting-request';
import { renderMeeting, requireMeeting, updateMeeting } from './meetings';
import { durationMinutes, personKey } from './past-meetings';
import { makeRecording, newDownloadToken, renderRecording } from './recordings';
import { formatZoomTime } from './start-time';
import {
  newMeetingUuid,
  randomToken,
  type EndedInstance,
  type MeetingInstance,
  type MeetingType,
  type ParticipantSegment,
  type StoredMeeting,
  type StoredUser,
} from './store';
import {
  operatorOf,
  sendMeetingEnded,
  sendMeetingStarted,
  sendMeetingUpdated,
  sendParticipantJoined,
  sendParticipantLeft,
  sendRecordingCompleted,
} from './webhook-events';

/**
 * What happens outside the API, driven by tests and the demo under `/_emulator/meetings/{meetingId}/`:
 * - `POST start` `{ at? }`: a live instance with a new UUID, status `started`, `meeting.started`;
 * - `POST participants` `{ name, email?, joinTime?, leaveTime?, userId?, hideEmail? }` or a list: join/leave
 *   segments, `meeting.participant_joined` and (with `leaveTime`) `meeting.participant_left`. Zoom shows the
 *   e-mail of account users only (`userId` or `email` of one): `hideEmail` true hides it anyway, false shows a
 *   guest's (Zoom's exceptions: registration, calendar invitation, …);
 * - `POST end` `{ at?, recording? }`: open segments leave at the end, the instance becomes a past meeting,
 *   status `waiting`, `participant_left` for those still in, `meeting.ended`; with cloud recording
 *   (`auto_recording: cloud`, or `recording: true`; `recording: false` turns it off) the recording is ready and
 *   `recording.completed` sent `recordingDelayMs` later;
 * - `POST portal-edit` `{ topic?, start_time?, duration?, timezone? }`: an edit in Zoom's web portal, validated
 *   as a PATCH, `meeting.updated` operated by the host; not rate-limited.
 * Times are ISO 8601 (with an offset or `Z`; without one, UTC) or epoch ms; they default to the emulator's now
 * (never before the instance's start).
 */

export interface SimulationOptions {
  /** Wait between a meeting's end and its recording's `recording.completed` (default 2000 ms). */
  recordingDelayMs?: number;
  /**
   * Gives instances UUIDs that need double encoding in paths, in turn: one starting with `/`, a normal one, one
   * containing `//`, a normal one, and so on (the first started instance starts with `/`).
   */
  awkwardUuids?: boolean;
}

export const DEFAULT_RECORDING_DELAY_MS = 2000;
/** Zoom's meeting-scoped participant ids look like 16778240, 16779264, … */
const FIRST_PARTICIPANT_ID = 16_778_240;
const PARTICIPANT_ID_STEP = 1024;
const REASON_LEFT = 'left the meeting. Reason : left the meeting.';
const REASON_ENDED = 'left the meeting. Reason : Host ended the meeting.';

export const badRequest = (message: string) => new ZoomError(400, 300, message);
const conflict = (message: string) => new ZoomError(409, 409, message);

export interface ParticipantInput {
  name: string;
  email?: string;
  joinTime?: number;
  leaveTime?: number;
  userId?: string;
  /** Overrides Zoom's display rule for this person's e-mail (see above). */
  hideEmail?: boolean;
}

/** An ended meeting recorded without webhooks (`POST /_emulator/past-meetings`). */
export interface PastInstanceSeed {
  host: StoredUser;
  /** Default: a new meeting number. */
  meetingId?: number;
  topic: string;
  type: MeetingType;
  startTime: number;
  endTime: number;
  /** Join times default to the start, leave times to the end. */
  participants: ParticipantInput[];
}

export type Fields = Record<string, unknown>;

export const isObject = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function bodyObject(body: unknown): Fields {
  if (body === undefined || body === null || body === '') return {};
  if (!isObject(body)) throw badRequest('The body must be a JSON object.');
  return body;
}

/** An ISO 8601 instant (UTC when it has no offset) or epoch ms. */
export function optionalInstant(fields: Fields, name: string): number | undefined {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    const parsed = DateTime.fromISO(value, { zone: 'utc' });
    if (parsed.isValid) return parsed.toMillis();
  }
  throw badRequest(`${name} must be an ISO 8601 time or epoch milliseconds.`);
}

export function optionalText(fields: Fields, name: string): string | undefined {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest(`${name} must be a string.`);
  return value;
}

export function readParticipant(raw: unknown): ParticipantInput {
  if (!isObject(raw)) throw badRequest('A participant must be an object.');
  const name = optionalText(raw, 'name');
  if (!name) throw badRequest('name is required.');
  const hideEmail = raw.hideEmail;
  if (hideEmail !== undefined && hideEmail !== null && typeof hideEmail !== 'boolean') {
    throw badRequest('hideEmail must be a boolean.');
  }
  return {
    name,
    email: optionalText(raw, 'email'),
    joinTime: optionalInstant(raw, 'joinTime'),
    leaveTime: optionalInstant(raw, 'leaveTime'),
    userId: optionalText(raw, 'userId'),
    ...(typeof hideEmail === 'boolean' ? { hideEmail } : {}),
  };
}

/** A UUID Zoom-style clients must double-encode: 16 random bytes in base64 with `/` placed where it hurts. */
function awkwardUuid(form: 'leading' | 'double'): string {
  const chars = randomBytes(16).toString('base64').split('');
  if (form === 'leading') chars[0] = '/';
  else chars.splice(6, 2, '/', '/');
  return chars.join('');
}

export class MeetingSimulation {
  private readonly timers = new Set<NodeJS.Timeout>();
  private startedInstances = 0;
  /** `participant_user_id` of each person, stable across meetings. */
  private readonly participantUserIds = new Map<string, string>();

  constructor(
    private readonly context: ZoomApiContext,
    private readonly options: SimulationOptions = {},
  ) {}

  reset(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.startedInstances = 0;
    this.participantUserIds.clear();
  }

  close(): void {
    this.reset();
  }

  private newInstanceUuid(): string {
    const n = this.startedInstances++;
    if (this.options.awkwardUuids) {
      if (n % 4 === 0) return awkwardUuid('leading');
      if (n % 4 === 2) return awkwardUuid('double');
    }
    for (;;) {
      const uuid = newMeetingUuid();
      // Only awkward on request: plain instances never need double encoding.
      if (!uuid.startsWith('/') && !uuid.includes('//')) return uuid;
    }
  }

  private liveInstance(meeting: StoredMeeting): MeetingInstance {
    const instance = this.context.store.liveInstanceOf(meeting.id);
    if (!instance) throw conflict(`Meeting ${meeting.id} is not in progress.`);
    return instance;
  }

  start(meeting: StoredMeeting, at: number | undefined): MeetingInstance {
    if (this.context.store.liveInstanceOf(meeting.id)) throw conflict(`Meeting ${meeting.id} is already in progress.`);
    const instance: MeetingInstance = {
      uuid: this.newInstanceUuid(),
      meetingId: meeting.id,
      hostId: meeting.hostId,
      topic: meeting.topic,
      type: meeting.type,
      timezone: meeting.timezone,
      scheduledDurationMinutes: meeting.durationMinutes,
      startTime: at ?? this.context.now(),
      participants: [],
    };
    this.context.store.addInstance(instance);
    meeting.uuid = instance.uuid;
    meeting.status = 'started';
    sendMeetingStarted(this.context, instance);
    return instance;
  }

  addParticipants(meeting: StoredMeeting, inputs: ParticipantInput[]): ParticipantSegment[] {
    const instance = this.liveInstance(meeting);
    const defaultJoin = Math.max(this.context.now(), instance.startTime);
    // Validate all before recording any, so a bad entry changes nothing.
    for (const input of inputs) {
      const joinTime = input.joinTime ?? defaultJoin;
      if (joinTime < instance.startTime) throw badRequest(`joinTime of ${input.name} is before the meeting started.`);
      if (input.leaveTime !== undefined && input.leaveTime < joinTime)
        throw badRequest(`leaveTime of ${input.name} is before joinTime.`);
    }
    return inputs.map((input) => {
      const segment = this.newSegment(instance, input, input.joinTime ?? defaultJoin);
      instance.participants.push(segment);
      sendParticipantJoined(this.context, instance, segment);
      if (segment.leaveTime !== undefined) sendParticipantLeft(this.context, instance, segment, REASON_LEFT);
      return segment;
    });
  }

  private newSegment(instance: MeetingInstance, input: ParticipantInput, joinTime: number): ParticipantSegment {
    const { store } = this.context;
    const user = input.userId !== undefined ? store.findUser(input.userId) : undefined;
    const draft = {
      zoomUserId: user?.id ?? input.userId ?? '',
      name: input.name,
      email: input.email ?? user?.email ?? '',
    };
    const accountUser = user ?? (draft.email ? store.findUserByEmail(draft.email) : undefined);
    const key = personKey(draft);
    const earlier = instance.participants.find((s) => personKey(s) === key);
    let participantUserId = this.participantUserIds.get(key);
    if (participantUserId === undefined) {
      participantUserId = randomToken(16);
      this.participantUserIds.set(key, participantUserId);
    }
    return {
      ...draft,
      participantId: String(FIRST_PARTICIPANT_ID + instance.participants.length * PARTICIPANT_ID_STEP),
      participantUuid: earlier?.participantUuid ?? randomToken(16),
      participantUserId,
      joinTime,
      ...(input.leaveTime !== undefined ? { leaveTime: input.leaveTime } : {}),
      internalUser: accountUser !== undefined,
      emailHidden: input.hideEmail ?? accountUser === undefined,
    };
  }

  /** Records an ended meeting as if it had been held: no webhooks, its past data ready `pastDataDelayMs` after its end. */
  seedPastInstance(seed: PastInstanceSeed): EndedInstance {
    const instance: EndedInstance = {
      uuid: this.newInstanceUuid(),
      meetingId: seed.meetingId ?? this.context.store.newMeetingId(),
      hostId: seed.host.id,
      topic: seed.topic,
      type: seed.type,
      timezone: seed.host.timezone,
      scheduledDurationMinutes: durationMinutes(seed.startTime, seed.endTime),
      startTime: seed.startTime,
      endTime: seed.endTime,
      participants: [],
    };
    for (const input of seed.participants) {
      const segment = this.newSegment(
        instance,
        { ...input, leaveTime: input.leaveTime ?? seed.endTime },
        input.joinTime ?? seed.startTime,
      );
      instance.participants.push(segment);
    }
    this.context.store.addInstance(instance);
    return instance;
  }

  end(meeting: StoredMeeting, at: number | undefined, recording: boolean | undefined): MeetingInstance {
    const instance = this.liveInstance(meeting);
    const endTime = at ?? Math.max(this.context.now(), instance.startTime);
    if (endTime < instance.startTime) throw badRequest('at is before the meeting started.');
    const stillIn = instance.participants.filter((s) => s.leaveTime === undefined);
    for (const segment of stillIn) segment.leaveTime = Math.max(endTime, segment.joinTime);
    instance.endTime = endTime;
    // A simulated end may claim a later end time; its past data is published counting from now.
    if (endTime > this.context.now()) instance.endedAt = this.context.now();
    meeting.status = 'waiting';
    for (const segment of stillIn) sendParticipantLeft(this.context, instance, segment, REASON_ENDED);
    sendMeetingEnded(this.context, instance);
    if (recording ?? meeting.settings.auto_recording === 'cloud') this.scheduleRecording(instance);
    return instance;
  }

  private scheduleRecording(instance: MeetingInstance): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (instance.endTime === undefined || this.context.store.instances.get(instance.uuid) !== instance) return;
      const ended = { ...instance, endTime: instance.endTime };
      const recording = makeRecording(ended, this.context.now());
      instance.recording = recording;
      const host = this.context.store.users.get(instance.hostId);
      sendRecordingCompleted(
        this.context,
        { ...renderRecording(this.context, ended, recording), host_email: host?.email ?? '' },
        newDownloadToken(),
      );
    }, this.options.recordingDelayMs ?? DEFAULT_RECORDING_DELAY_MS);
    this.timers.add(timer);
  }

  /** An edit in the web portal: the fields PATCH would take, validated the same way; the host is the operator. */
  portalEdit(meeting: StoredMeeting, body: Fields): boolean {
    const allowed = ['topic', 'start_time', 'duration', 'timezone'];
    const request = readMeetingRequest(Object.fromEntries(Object.entries(body).filter(([k]) => allowed.includes(k))));
    const before = structuredClone(meeting);
    const updated = structuredClone(meeting);
    updateMeeting(updated, request);
    Object.assign(meeting, updated);
    const host = this.context.store.users.get(meeting.hostId);
    return host ? sendMeetingUpdated(this.context, before, meeting, operatorOf(host)) : false;
  }
}

type Params = { Params: { meetingId: string } };

export function registerSimulationRoutes(app: FastifyInstance, simulation: MeetingSimulation, context: ZoomApiContext) {
  const prefix = `${ADMIN_PREFIX}meetings/:meetingId`;
  const meetingOf = (segment: string) => requireMeeting(context, meetingIdFromPath(segment)).meeting;

  app.post<Params>(`${prefix}/start`, async (request, reply) => {
    const meeting = meetingOf(request.params.meetingId);
    const instance = simulation.start(meeting, optionalInstant(bodyObject(request.body), 'at'));
    return reply
      .code(201)
      .send({ id: instance.meetingId, uuid: instance.uuid, start_time: formatZoomTime(instance.startTime) });
  });

  app.post<Params>(`${prefix}/participants`, async (request, reply) => {
    const meeting = meetingOf(request.params.meetingId);
    const raw = Array.isArray(request.body) ? (request.body as unknown[]) : [request.body];
    const segments = simulation.addParticipants(meeting, raw.map(readParticipant));
    return reply.code(201).send({
      uuid: meeting.uuid,
      participants: segments.map((s) => ({
        user_id: s.participantId,
        participant_uuid: s.participantUuid,
        name: s.name,
        email: s.email,
        email_hidden: s.emailHidden,
        join_time: formatZoomTime(s.joinTime),
        ...(s.leaveTime !== undefined ? { leave_time: formatZoomTime(s.leaveTime) } : {}),
      })),
    });
  });

  app.post<Params>(`${prefix}/end`, async (request) => {
    const meeting = meetingOf(request.params.meetingId);
    const body = bodyObject(request.body);
    const recording = body.recording;
    if (recording !== undefined && typeof recording !== 'boolean') throw badRequest('recording must be a boolean.');
    const instance = simulation.end(meeting, optionalInstant(body, 'at'), recording);
    return {
      id: instance.meetingId,
      uuid: instance.uuid,
      start_time: formatZoomTime(instance.startTime),
      end_time: formatZoomTime(instance.endTime ?? instance.startTime),
      participants: instance.participants.length,
      recording: recording ?? meeting.settings.auto_recording === 'cloud',
    };
  });

  app.post<Params>(`${prefix}/portal-edit`, async (request) => {
    const { meeting, host } = requireMeeting(context, meetingIdFromPath(request.params.meetingId));
    const updated = simulation.portalEdit(meeting, bodyObject(request.body));
    return { updated, meeting: renderMeeting(context, meeting, host) };
  });
}
