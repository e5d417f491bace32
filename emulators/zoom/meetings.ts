import { type FastifyInstance } from 'fastify';
import { admitMeetingWrite, meetingIdFromPath, queryValue, type ZoomApiContext } from './api';
import { ZoomErrors } from './errors';
import { readMeetingRequest, type MeetingRequest } from './meeting-request';
import { pageBody, pageSizeOf } from './pagination';
import { occurrencesOf } from './recurrence';
import { formatZoomTime, parseStartTime } from './start-time';
import {
  newMeetingUuid,
  randomDigits,
  randomPassword,
  randomToken,
  type MeetingSettings,
  type StoredMeeting,
  type StoredUser,
} from './store';
import { requireUser } from './users';
import { effectiveSettings, joinUrl, meetingSummary } from './meeting-views';
import { apiOperator, sendMeetingCreated, sendMeetingDeleted, sendMeetingUpdated } from './webhook-events';

/**
 * Meetings: create (Medium), get, update and delete (Light), and a host's list (Medium). Creates and updates
 * also count against the host's daily cap. Instant meetings (type 1) start now and never appear in lists.
 * Each successful write sends its webhook (`meeting.created`, `meeting.updated` when something changed,
 * `meeting.deleted`); a meeting in progress cannot be deleted (400/3002).
 */

const DEFAULT_DURATION_MINUTES = 60;
const DEFAULT_TOPIC = 'Zoom Meeting';
const LIST_TYPES = ['scheduled', 'live', 'upcoming', 'upcoming_meetings', 'previous_meetings'] as const;
type ListType = (typeof LIST_TYPES)[number];

/** A new meeting's settings where the request says nothing: the account defaults (waiting room on). */
const DEFAULT_SETTINGS: MeetingSettings = {
  join_before_host: false,
  jbh_time: 0,
  use_pmi: false,
  waiting_room: true,
  auto_recording: 'none',
  meeting_invitees: [],
  alternative_hosts: '',
  host_video: false,
  participant_video: false,
  mute_upon_entry: false,
  approval_type: 2,
};

function resolveStartTime(raw: string | undefined, timezone: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const startTime = parseStartTime(raw, timezone);
  if (startTime === undefined)
    throw ZoomErrors.invalidField('start_time', 'yyyy-MM-ddTHH:mm:ssZ or yyyy-MM-ddTHH:mm:ss');
  return startTime;
}

function endOf(meeting: StoredMeeting): number {
  const starts = meeting.recurrence
    ? occurrencesOf(meeting.startTime, meeting.timezone, meeting.recurrence).map((o) => o.startTime)
    : [meeting.startTime];
  return Math.max(meeting.startTime, ...starts) + meeting.durationMinutes * 60_000;
}

export function renderMeeting(
  context: ZoomApiContext,
  meeting: StoredMeeting,
  host: StoredUser,
): Record<string, unknown> {
  return {
    uuid: meeting.uuid,
    id: meeting.id,
    host_id: meeting.hostId,
    host_email: host.email,
    topic: meeting.topic,
    type: meeting.type,
    status: meeting.status,
    start_time: formatZoomTime(meeting.startTime),
    duration: meeting.durationMinutes,
    timezone: meeting.timezone,
    agenda: meeting.agenda,
    created_at: formatZoomTime(meeting.createdAt),
    start_url: `${context.publicBaseUrl}/s/${meeting.id}?zak=${meeting.zak}`,
    join_url: joinUrl(context, meeting),
    password: meeting.password,
    h323_password: meeting.numericPassword,
    pstn_password: meeting.numericPassword,
    encrypted_password: meeting.encryptedPassword,
    pmi: String(host.pmi),
    pre_schedule: false,
    settings: effectiveSettings(meeting.settings),
    ...(meeting.recurrence
      ? {
          recurrence: { ...meeting.recurrence },
          occurrences: occurrencesOf(meeting.startTime, meeting.timezone, meeting.recurrence).map((o) => ({
            occurrence_id: o.occurrenceId,
            start_time: formatZoomTime(o.startTime),
            duration: meeting.durationMinutes,
            status: 'available',
          })),
        }
      : {}),
    creation_source: 'open_api',
  };
}

function renderListItem(context: ZoomApiContext, meeting: StoredMeeting, host: StoredUser): Record<string, unknown> {
  return {
    ...meetingSummary(meeting),
    agenda: meeting.agenda,
    created_at: formatZoomTime(meeting.createdAt),
    join_url: joinUrl(context, meeting),
    pmi: String(host.pmi),
  };
}

/** The passcode and what Zoom derives from it: the join URL's `pwd` and a digits-only one for phones. */
function passwordFields(password: string): Pick<StoredMeeting, 'password' | 'encryptedPassword' | 'numericPassword'> {
  return { password, encryptedPassword: randomToken(24), numericPassword: randomDigits(6) };
}

function createMeeting(context: ZoomApiContext, host: StoredUser, request: MeetingRequest): StoredMeeting {
  const now = context.now();
  const type = request.type ?? 2;
  const timezone = request.timezone ?? host.timezone;
  const isInstant = type === 1;
  if (type === 8 && !request.recurrence) throw ZoomErrors.invalidField('recurrence', 'required for type 8');
  const settings: MeetingSettings = { ...DEFAULT_SETTINGS, ...request.settings };
  return {
    uuid: newMeetingUuid(),
    // A meeting that uses the PMI is the host's PMI meeting: scheduling another one replaces its details.
    id: settings.use_pmi ? host.pmi : context.store.newMeetingId(),
    hostId: host.id,
    topic: request.topic || DEFAULT_TOPIC,
    type,
    status: 'waiting',
    startTime: isInstant ? now : resolveStartTime(request.startTime, timezone, now),
    durationMinutes: isInstant ? DEFAULT_DURATION_MINUTES : (request.duration ?? DEFAULT_DURATION_MINUTES),
    timezone,
    agenda: request.agenda ?? '',
    createdAt: now,
    ...passwordFields(request.password ?? randomPassword()),
    zak: randomToken(48),
    settings,
    ...(type === 8 ? { recurrence: request.recurrence } : {}),
  };
}

/** PATCH semantics: only the fields present change; settings merge key by key. */
export function updateMeeting(meeting: StoredMeeting, request: MeetingRequest): void {
  const type = request.type ?? meeting.type;
  if (type === 8 && !request.recurrence && !meeting.recurrence) {
    throw ZoomErrors.invalidField('recurrence', 'required for type 8');
  }
  // A local start_time is read in the zone sent with it, else in the meeting's own zone.
  const timezone = request.timezone ?? meeting.timezone;
  const startTime = type === 1 ? meeting.startTime : resolveStartTime(request.startTime, timezone, meeting.startTime);
  meeting.type = type;
  meeting.timezone = timezone;
  meeting.startTime = startTime;
  if (request.topic !== undefined) meeting.topic = request.topic || DEFAULT_TOPIC;
  if (request.duration !== undefined && type !== 1) meeting.durationMinutes = request.duration;
  if (request.agenda !== undefined) meeting.agenda = request.agenda;
  if (request.password !== undefined) Object.assign(meeting, passwordFields(request.password));
  meeting.settings = { ...meeting.settings, ...request.settings };
  if (type === 8) meeting.recurrence = request.recurrence ?? meeting.recurrence;
  else delete meeting.recurrence;
}

export function requireMeeting(
  context: ZoomApiContext,
  meetingId: string,
): { meeting: StoredMeeting; host: StoredUser } {
  const meeting = context.store.findMeeting(meetingId);
  const host = meeting && context.store.users.get(meeting.hostId);
  if (!meeting || !host) throw ZoomErrors.meetingNotFound(meetingId);
  return { meeting, host };
}

function matchesListType(meeting: StoredMeeting, type: ListType, now: number): boolean {
  switch (type) {
    case 'scheduled':
      return true;
    case 'live':
      return meeting.status === 'started';
    case 'upcoming':
    case 'upcoming_meetings':
      return endOf(meeting) >= now;
    case 'previous_meetings':
      return endOf(meeting) < now;
  }
}

type MeetingParams = { Params: { meetingId: string } };

export function registerMeetingRoutes(app: FastifyInstance, context: ZoomApiContext): void {
  app.post<{ Params: { userId: string } }>(
    '/v2/users/:userId/meetings',
    { config: { rateLabel: 'Medium' } },
    async (request, reply) => {
      const host = requireUser(context, request.params.userId);
      const meetingRequest = readMeetingRequest(request.body);
      const meeting = createMeeting(context, host, meetingRequest);
      admitMeetingWrite(context, host.id, 'Medium');
      context.store.meetings.set(meeting.id, meeting);
      sendMeetingCreated(context, meeting, host);
      return reply.code(201).send(renderMeeting(context, meeting, host));
    },
  );

  app.get<{ Params: { userId: string } }>(
    '/v2/users/:userId/meetings',
    { config: { rateLabel: 'Medium' } },
    async (request) => {
      const host = requireUser(context, request.params.userId);
      const type = (queryValue(request.query, 'type') ?? 'scheduled') as ListType;
      if (!LIST_TYPES.includes(type)) throw ZoomErrors.invalidField('type', `one of ${LIST_TYPES.join(', ')}`);
      const now = context.now();
      const meetings = context.store
        .meetingsOf(host.id)
        .filter((m) => m.type !== 1 && matchesListType(m, type, now))
        .sort((a, b) => a.startTime - b.startTime || a.createdAt - b.createdAt);
      const page = context.pageTokens.page(
        meetings.map((m) => renderListItem(context, m, host)),
        `meetings:${host.id}:${type}`,
        pageSizeOf(queryValue(request.query, 'page_size')),
        queryValue(request.query, 'next_page_token'),
      );
      return pageBody(page, 'meetings');
    },
  );

  app.get<MeetingParams>('/v2/meetings/:meetingId', { config: { rateLabel: 'Light' } }, async (request) => {
    const { meeting, host } = requireMeeting(context, meetingIdFromPath(request.params.meetingId));
    return renderMeeting(context, meeting, host);
  });

  app.patch<MeetingParams>('/v2/meetings/:meetingId', { config: { rateLabel: 'Light' } }, async (request, reply) => {
    const { meeting } = requireMeeting(context, meetingIdFromPath(request.params.meetingId));
    const meetingRequest = readMeetingRequest(request.body);
    // Validate on a copy so a refused update (bad field, daily cap) changes nothing.
    const updated: StoredMeeting = structuredClone(meeting);
    updateMeeting(updated, meetingRequest);
    admitMeetingWrite(context, meeting.hostId, 'Light');
    const before = structuredClone(meeting);
    Object.assign(meeting, updated);
    if (!updated.recurrence) delete meeting.recurrence;
    sendMeetingUpdated(context, before, meeting, apiOperator(context));
    return reply.code(204).send();
  });

  app.delete<MeetingParams>('/v2/meetings/:meetingId', { config: { rateLabel: 'Light' } }, async (request, reply) => {
    const meetingId = meetingIdFromPath(request.params.meetingId);
    if (/^\d+$/.test(meetingId) && context.store.isPmi(Number(meetingId))) throw ZoomErrors.cannotDeletePmi();
    const { meeting } = requireMeeting(context, meetingId);
    if (context.store.liveInstanceOf(meeting.id)) throw ZoomErrors.meetingInProgress();
    context.store.meetings.delete(meeting.id);
    sendMeetingDeleted(context, meeting);
    return reply.code(204).send();
  });
}
