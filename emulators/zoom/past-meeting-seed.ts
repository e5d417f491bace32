import { type FastifyInstance } from 'fastify';
import { ADMIN_PREFIX } from '../common/admin';
import { type ZoomApiContext } from './api';
import {
  badRequest,
  isObject,
  optionalInstant,
  optionalText,
  readParticipant,
  type MeetingSimulation,
  type PastInstanceSeed,
} from './simulation';
import { ZoomError } from './errors';
import { type MeetingType } from './store';

/**
 * `POST /_emulator/past-meetings`: ended meetings recorded directly, for benchmarks and importer tests, without
 * webhooks. The body is a list of
 * `{ host, topic, startTime, endTime, type?, meetingId?, participants: [{ name, email?, userId?, hideEmail?,
 * joinTime?, leaveTime? }] }` (host: a Zoom user id or e-mail; type 1 or 2, default 2; meetingId an existing
 * meeting's number or the host's PMI, else a new number; join/leave default to start/end). Every entry is checked
 * before any is stored, so a bad one changes nothing. Answers 201 `[{ id, uuid }]` in order. Past data becomes
 * readable `pastDataDelayMs` after each end, as for simulated meetings.
 */

/** Room for 20,000 meetings in a few requests. */
const BODY_LIMIT_BYTES = 64 * 1024 * 1024;

/** Names the entry a validation error is about. */
function within<T>(where: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ZoomError) {
      const fields = error.fieldErrors.map((f) => ` ${f.field}: ${f.message}.`).join('');
      throw badRequest(`${where}: ${error.message}${fields}`);
    }
    throw error;
  }
}

function readSeed(raw: unknown, context: ZoomApiContext, now: number): PastInstanceSeed {
  if (!isObject(raw)) throw badRequest('must be an object.');
  const hostRef = optionalText(raw, 'host');
  if (!hostRef) throw badRequest('host is required (a Zoom user id or e-mail).');
  const host = context.store.findUser(hostRef);
  if (!host) throw badRequest(`host ${hostRef} is not a user of the account.`);
  const topic = optionalText(raw, 'topic');
  if (topic === undefined) throw badRequest('topic is required.');
  const startTime = optionalInstant(raw, 'startTime');
  const endTime = optionalInstant(raw, 'endTime');
  if (startTime === undefined || endTime === undefined) throw badRequest('startTime and endTime are required.');
  if (endTime < startTime) throw badRequest('endTime is before startTime.');
  if (endTime > now) throw badRequest('endTime is in the future; only ended meetings can be seeded.');
  const type = raw.type ?? 2;
  if (type !== 1 && type !== 2) throw badRequest('type must be 1 (instant) or 2 (scheduled).');
  let meetingId: number | undefined;
  if (raw.meetingId !== undefined && raw.meetingId !== null) {
    if (typeof raw.meetingId !== 'number' || !Number.isSafeInteger(raw.meetingId) || raw.meetingId <= 0) {
      throw badRequest('meetingId must be a meeting number.');
    }
    const hostId = context.store.hostIdOfMeetingNumber(raw.meetingId);
    if (hostId === undefined) throw badRequest(`meetingId ${raw.meetingId} is not a meeting of the account.`);
    if (hostId !== host.id) throw badRequest(`meetingId ${raw.meetingId} is hosted by someone else.`);
    meetingId = raw.meetingId;
  }
  if (!Array.isArray(raw.participants)) throw badRequest('participants must be a list.');
  const participants = raw.participants.map((p, i) => {
    const participant = within(`participants[${i}]`, () => readParticipant(p));
    const join = participant.joinTime ?? startTime;
    const leave = participant.leaveTime ?? endTime;
    if (join < startTime || leave > endTime || leave < join) {
      throw badRequest(`participants[${i}]: joinTime and leaveTime must lie within the meeting, in order.`);
    }
    return participant;
  });
  return {
    host,
    topic,
    type: type as MeetingType,
    startTime,
    endTime,
    participants,
    ...(meetingId ? { meetingId } : {}),
  };
}

export function registerPastMeetingSeedRoute(
  app: FastifyInstance,
  simulation: MeetingSimulation,
  context: ZoomApiContext,
): void {
  app.post(`${ADMIN_PREFIX}past-meetings`, { bodyLimit: BODY_LIMIT_BYTES }, async (request, reply) => {
    if (!Array.isArray(request.body)) throw badRequest('The body must be a JSON list of past meetings.');
    const now = context.now();
    const seeds = request.body.map((raw, i) => within(`past-meetings[${i}]`, () => readSeed(raw, context, now)));
    const instances = seeds.map((seed) => simulation.seedPastInstance(seed));
    return reply.code(201).send(instances.map((i) => ({ id: i.meetingId, uuid: i.uuid })));
  });
}
