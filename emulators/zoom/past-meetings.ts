import { type FastifyInstance } from 'fastify';
import { meetingIdFromPath, queryValue, type ZoomApiContext } from './api';
import { ZoomErrors } from './errors';
import { pageBody, pageSizeOf } from './pagination';
import { formatZoomTime } from './start-time';
import { type MeetingInstance, type ParticipantSegment } from './store';

/**
 * Past meetings (instances that have ended), from the reference §2:
 * - `GET /v2/past_meetings/{meetingId or UUID}` (Light): a numeric id means the latest ended instance;
 *   `duration` and `total_minutes` in minutes, `start_time` the actual start;
 * - `GET /v2/past_meetings/{meetingId}/instances` (Medium [I]): `{ meetings: [{ start_time, uuid }] }`;
 * - `GET /v2/past_meetings/{UUID}/participants` (Medium) and `GET /v2/report/meetings/{id or UUID}/participants`
 *   (Heavy): one row per join/leave segment, `duration` in seconds, paged by `next_page_token`. Zoom's quirk
 *   is kept: the past-meetings list is empty when only one person took part; the report lists them.
 *
 * [I] choices: minutes round up (91 s → 2); `total_minutes` is the participants' seconds summed, in minutes
 * rounded up; `participants_count` counts rows (join segments), like the participant lists' `total_records`.
 */

type PastInstance = MeetingInstance & { endTime: number };

const seconds = (ms: number): number => Math.floor(ms / 1000);

/** Whole minutes between two instants, rounded up. */
export function durationMinutes(start: number, end: number): number {
  return Math.ceil((seconds(end) - seconds(start)) / 60);
}

function segmentSeconds(segment: ParticipantSegment, instance: PastInstance): number {
  return seconds(segment.leaveTime ?? instance.endTime) - seconds(segment.joinTime);
}

/** The person behind a segment: Zoom user id, else e-mail, else display name. */
export function personKey(segment: Pick<ParticipantSegment, 'zoomUserId' | 'email' | 'name'>): string {
  if (segment.zoomUserId) return `id:${segment.zoomUserId}`;
  if (segment.email) return `email:${segment.email.toLowerCase()}`;
  return `name:${segment.name}`;
}

function sortedSegments(instance: PastInstance): ParticipantSegment[] {
  return [...instance.participants].sort((a, b) => a.joinTime - b.joinTime);
}

function requirePastInstance(context: ZoomApiContext, rawSegment: string): PastInstance {
  const meetingId = meetingIdFromPath(rawSegment);
  const instance = context.store.findPastInstance(meetingId);
  if (!instance || instance.endTime === undefined) throw ZoomErrors.pastMeetingNotFound(meetingId);
  return instance as PastInstance;
}

function renderPastMeeting(context: ZoomApiContext, instance: PastInstance): Record<string, unknown> {
  const host = context.store.users.get(instance.hostId);
  const totalSeconds = instance.participants.reduce((sum, s) => sum + segmentSeconds(s, instance), 0);
  return {
    uuid: instance.uuid,
    id: instance.meetingId,
    host_id: instance.hostId,
    type: instance.type,
    topic: instance.topic,
    user_name: host ? `${host.firstName} ${host.lastName}` : '',
    user_email: host?.email ?? '',
    start_time: formatZoomTime(instance.startTime),
    end_time: formatZoomTime(instance.endTime),
    duration: durationMinutes(instance.startTime, instance.endTime),
    total_minutes: Math.ceil(totalSeconds / 60),
    participants_count: instance.participants.length,
    dept: '',
    source: 'Zoom',
  };
}

function participantRow(segment: ParticipantSegment, instance: PastInstance): Record<string, unknown> {
  return {
    id: segment.zoomUserId,
    user_id: segment.participantId,
    name: segment.name,
    user_email: segment.email,
    join_time: formatZoomTime(segment.joinTime),
    leave_time: formatZoomTime(segment.leaveTime ?? instance.endTime),
    duration: segmentSeconds(segment, instance),
    registrant_id: '',
    failover: false,
    status: 'in_meeting',
  };
}

function pastParticipantRows(instance: PastInstance): Record<string, unknown>[] {
  const people = new Set(instance.participants.map(personKey));
  if (people.size <= 1) return []; // Zoom: no results for a meeting with only one participant
  return sortedSegments(instance).map((s) => ({ ...participantRow(s, instance), internal_user: s.internalUser }));
}

function reportParticipantRows(instance: PastInstance): Record<string, unknown>[] {
  return sortedSegments(instance).map((s) => ({
    ...participantRow(s, instance),
    customer_key: '',
    bo_mtg_id: '',
    participant_user_id: s.participantUserId,
  }));
}

type Params = { Params: { meetingId: string } };

export function registerPastMeetingRoutes(app: FastifyInstance, context: ZoomApiContext): void {
  app.get<Params>('/v2/past_meetings/:meetingId', { config: { rateLabel: 'Light' } }, async (request) =>
    renderPastMeeting(context, requirePastInstance(context, request.params.meetingId)),
  );

  app.get<Params>('/v2/past_meetings/:meetingId/instances', { config: { rateLabel: 'Medium' } }, async (request) => {
    const meetingId = meetingIdFromPath(request.params.meetingId);
    const instances = /^\d+$/.test(meetingId) ? context.store.pastInstancesOf(Number(meetingId)) : [];
    if (instances.length === 0 && !(/^\d+$/.test(meetingId) && context.store.meetings.has(Number(meetingId)))) {
      throw ZoomErrors.pastMeetingNotFound(meetingId);
    }
    return { meetings: instances.map((i) => ({ start_time: formatZoomTime(i.startTime), uuid: i.uuid })) };
  });

  const participantList =
    (kind: 'past' | 'report') =>
    async (request: { params: { meetingId: string }; query: unknown }): Promise<Record<string, unknown>> => {
      const instance = requirePastInstance(context, request.params.meetingId);
      const rows = kind === 'past' ? pastParticipantRows(instance) : reportParticipantRows(instance);
      const page = context.pageTokens.page(
        rows,
        `${kind}-participants:${instance.uuid}`,
        pageSizeOf(queryValue(request.query, 'page_size')),
        queryValue(request.query, 'next_page_token'),
      );
      return pageBody(page, 'participants');
    };

  app.get<Params>(
    '/v2/past_meetings/:meetingId/participants',
    { config: { rateLabel: 'Medium' } },
    participantList('past'),
  );
  app.get<Params>(
    '/v2/report/meetings/:meetingId/participants',
    { config: { rateLabel: 'Heavy' } },
    participantList('report'),
  );
}
