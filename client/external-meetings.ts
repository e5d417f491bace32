import { DateTime } from 'luxon';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import {
  applyChoices,
  ChoiceError,
  externalMeetingEvent,
  participantKey,
  type EndedMeetingRef,
  type ParticipantChoice,
} from '../domain/external-meeting-event';
import { isObject } from '../domain/json';
import {
  matchParticipants,
  type CandidateIndex,
  type MatchOutcome,
  type ParticipantMatch,
} from '../domain/participant-matching';
import { isSalesforceId, SALESFORCE_KEY_PREFIX, toSalesforceId18 } from '../domain/salesforce-id';
import {
  createExternalMeetingReader,
  type ExternalMeetingDeps,
  type ExternalMeetingReader,
} from '../activities/external-meeting-reader';
import { escapeSoqlString, soqlStringList } from '../integrations/salesforce/client';
import type { ZoomClient } from '../integrations/zoom/client';
import { ZoomApiError } from '../integrations/zoom/errors';
import type { PastMeeting } from '../integrations/zoom/types';
import { describeFailure } from './request-helpers';

/**
 * The External Zoom Meetings page's routes, and the Zoom Settings page's account check, signed v2 like the buttons
 * (the org's controller decides whose meetings a user may see and passes that host):
 *
 * - `GET  /v1/zoom-account?user`: whether the user's Salesforce e-mail is a user of the Zoom account (the same
 *   lookup every route below makes for its host).
 * - `GET  /v1/external-meetings?host&from&to&cursor&pageSize`: one page of the host's ended meetings from Zoom's
 *   report, each with whether an Event holds it. Paged by Zoom's own token, so there is no row cap.
 * - `GET  /v1/external-meetings/{uuid}?host`: the instance's participants with their proposed links.
 * - `POST /v1/external-meetings/events`: Events for chosen instances, with the user's links, upserted by the
 *   instance UUID exactly as the hourly sync writes them; one result per meeting.
 *
 * Participant names and e-mails go to the org only: logs carry counts and error names.
 */
export const EXTERNAL_MEETINGS_PATH = '/v1/external-meetings';
export const EXTERNAL_MEETING_PATH = '/v1/external-meetings/:uuid';
export const EXTERNAL_MEETING_EVENTS_PATH = '/v1/external-meetings/events';
export const ZOOM_ACCOUNT_PATH = '/v1/zoom-account';
/**
 * Zoom's report reads at most a month at a time ("range ≤ 1 month", read strictly as the emulator does: `to` before
 * the same day of the next month; 31 days is more than a month after a 30-day month or in February), and keeps
 * six months.
 */
export const REPORT_HISTORY_DAYS = 180;
export const DEFAULT_PAGE_SIZE = 50;
/** Zoom's largest report page. */
export const MAX_PAGE_SIZE = 300;
/** Meetings per create request: their Zoom reads fit well within Apex's 120-s callout limit. */
export const MAX_MEETINGS_PER_CREATE = 50;

export type ExternalMeetingsZoomApi = ExternalMeetingDeps['zoom'] & Pick<ZoomClient, 'getUser' | 'getPastMeeting'>;

export interface ExternalMeetingRoutesDeps {
  zoom: ExternalMeetingsZoomApi;
  salesforce: ExternalMeetingDeps['salesforce'];
  requireSignature: preHandlerAsyncHookHandler;
  now: () => number;
}

/** A row of the list. */
export interface ExternalMeetingRow {
  uuid: string;
  meetingId: string;
  topic: string;
  hostName: string;
  startTime: string;
  endTime: string;
  durationMinutes: number;
  participantCount: number;
  hasRecording: boolean;
  /** The Event that holds this instance, if any. */
  eventId?: string;
  /** The integration manages this meeting's Event itself (a meeting scheduled from Salesforce). */
  managed: boolean;
}

/** A record a participant is or may be linked to, with its name for the page. */
export interface LinkRecord {
  id: string;
  type: 'Contact' | 'Lead';
  name: string;
}

export interface ParticipantDetails {
  key: string;
  name: string;
  email?: string;
  minutes: number;
  /** What the matcher proposes (`linked`, `ambiguous`, `host`, `phone`, `device`, `no-match`). */
  proposal: MatchOutcome['kind'];
  by?: string;
  linked?: LinkRecord;
  candidates?: LinkRecord[];
}

export type CreateResult =
  { uuid: string; ok: true; eventId: string; created: boolean } | { uuid: string; ok: false; error: string };

const MESSAGES = {
  badHost: 'host must be the Salesforce User Id of the meetings’ host',
  badUser: 'user must be a Salesforce User Id',
  noUser: 'This Salesforce user does not exist',
  noZoomAccount:
    "This user's Salesforce e-mail address is not a user of your company's Zoom account. Ask your Zoom admin to add them, or use the same e-mail in Salesforce and Zoom.",
  badDates: 'From and To must be dates (YYYY-MM-DD)',
  reversedDates: 'From must be on or before To',
  longRange:
    'Zoom reports at most one month at a time (To before the same day of the next month): choose a shorter range',
  oldRange: `Zoom keeps meeting reports for ${REPORT_HISTORY_DAYS} days: choose a later From date`,
  badPageSize: `pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}`,
  staleCursor: 'The list has changed since this page was read: start again from the first page',
  notHostMeeting: 'This meeting is not one of this host’s Zoom meetings',
  notReady: 'Zoom has not published this meeting’s participants yet: try again in a few minutes',
  managed: 'This meeting was scheduled from Salesforce: its Event is already kept up to date',
  badBody:
    'The body must be {"host": "<User Id>", "meetings": [{"uuid": "...", "links"?: [{"key": "...", "recordId": "<Contact or Lead Id>" | null}]}]}',
  tooMany: `At most ${MAX_MEETINGS_PER_CREATE} meetings at a time`,
  zoomBusy: 'Zoom is busy right now: try again in a minute',
  zoomFailed: 'Zoom could not be read right now: try again in a few minutes',
  salesforceFailed: 'Salesforce could not be read or written right now: try again in a few minutes',
} as const;

class RouteError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface ResolvedHost {
  sfUserId: string;
  zoomUserId: string;
  name: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

function parseDay(value: unknown): number | undefined {
  if (typeof value !== 'string' || !DATE.test(value)) return undefined;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value ? undefined : ms;
}

/** The same day of the next month (the month's last day when it has no such day: Jan 31 → Feb 28), UTC. */
function oneMonthAfter(dayMs: number): number {
  return DateTime.fromMillis(dayMs, { zone: 'utc' }).plus({ months: 1 }).toMillis();
}

/** The list's query, checked: a range Zoom's report can read in one go. */
export function parseListQuery(
  query: Record<string, unknown>,
  nowMs: number,
): { host: string; from: string; to: string; cursor?: string; pageSize: number } {
  const host = parseHostId(query.host);
  const from = parseDay(query.from);
  const to = parseDay(query.to);
  if (from === undefined || to === undefined) throw new RouteError(400, MESSAGES.badDates);
  if (from > to) throw new RouteError(400, MESSAGES.reversedDates);
  if (to >= oneMonthAfter(from)) throw new RouteError(400, MESSAGES.longRange);
  if (from < nowMs - REPORT_HISTORY_DAYS * DAY_MS) throw new RouteError(400, MESSAGES.oldRange);
  const pageSize = query.pageSize === undefined ? DEFAULT_PAGE_SIZE : Number(query.pageSize);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new RouteError(400, MESSAGES.badPageSize);
  }
  const cursor = typeof query.cursor === 'string' && query.cursor ? query.cursor : undefined;
  return {
    host,
    from: query.from as string,
    to: query.to as string,
    pageSize,
    ...(cursor ? { cursor } : {}),
  };
}

function parseHostId(value: unknown, message: string = MESSAGES.badHost): string {
  if (!isSalesforceId(value, SALESFORCE_KEY_PREFIX.user)) throw new RouteError(400, message);
  return toSalesforceId18(value);
}

interface CreateRequest {
  host: string;
  meetings: { uuid: string; links: ParticipantChoice[] }[];
}

/** The create body, checked: a host, and up to 50 meetings each with its chosen links. */
export function parseCreateRequest(raw: Buffer): CreateRequest {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new RouteError(400, MESSAGES.badBody);
  }
  if (!isObject(body) || !Array.isArray(body.meetings)) throw new RouteError(400, MESSAGES.badBody);
  const host = parseHostId(body.host);
  if (body.meetings.length > MAX_MEETINGS_PER_CREATE) throw new RouteError(400, MESSAGES.tooMany);
  const meetings = body.meetings.map((meeting) => {
    if (!isObject(meeting) || typeof meeting.uuid !== 'string' || !meeting.uuid) {
      throw new RouteError(400, MESSAGES.badBody);
    }
    const links = meeting.links ?? [];
    if (!Array.isArray(links)) throw new RouteError(400, MESSAGES.badBody);
    return {
      uuid: meeting.uuid,
      links: links.map((link): ParticipantChoice => {
        if (!isObject(link) || typeof link.key !== 'string') throw new RouteError(400, MESSAGES.badBody);
        if (link.recordId === null) return { key: link.key, recordId: null };
        if (!isSalesforceId(link.recordId, [SALESFORCE_KEY_PREFIX.contact, SALESFORCE_KEY_PREFIX.lead])) {
          throw new RouteError(400, MESSAGES.badBody);
        }
        return { key: link.key, recordId: toSalesforceId18(link.recordId) };
      }),
    };
  });
  if (new Set(meetings.map((m) => m.uuid)).size !== meetings.length) throw new RouteError(400, MESSAGES.badBody);
  return { host, meetings };
}

/** A failure of Zoom or Salesforce as the user should read it; anything unexpected stays a 500. */
function upstreamError(error: unknown): RouteError {
  if (error instanceof RouteError) return error;
  if (error instanceof ZoomApiError) {
    return error.httpStatus === 429 ? new RouteError(503, MESSAGES.zoomBusy) : new RouteError(502, MESSAGES.zoomFailed);
  }
  return new RouteError(502, MESSAGES.salesforceFailed);
}

function isZoomNotFound(error: unknown): boolean {
  return error instanceof ZoomApiError && (error.httpStatus === 404 || error.code === 1001 || error.code === 3001);
}

export function registerExternalMeetingRoutes(app: FastifyInstance, deps: ExternalMeetingRoutesDeps): void {
  const { zoom, salesforce } = deps;
  const reader: ExternalMeetingReader = createExternalMeetingReader({
    zoom,
    salesforce,
    // The page shows a host's records as they are now: a link chosen a minute after adding a Contact must work.
    candidatesTtlMs: 0,
  });

  async function resolveHost(sfUserId: string): Promise<ResolvedHost> {
    const { records } = await salesforce.query<{ Id: string; Name: string | null; Email: string | null }>(
      `SELECT Id, Name, Email FROM User WHERE Id = '${escapeSoqlString(sfUserId)}' LIMIT 1`,
    );
    const user = records[0];
    if (!user) throw new RouteError(404, MESSAGES.noUser);
    if (!user.Email) throw new RouteError(422, MESSAGES.noZoomAccount);
    try {
      const zoomUser = await reader.zoomRead(() => zoom.getUser(user.Email!));
      return { sfUserId, zoomUserId: zoomUser.id, name: user.Name ?? '' };
    } catch (error) {
      if (isZoomNotFound(error)) throw new RouteError(422, MESSAGES.noZoomAccount);
      throw error;
    }
  }

  /** The ended instance, if it is one of the host's; Zoom's own times, topic and duration. */
  async function hostMeeting(host: ResolvedHost, uuid: string): Promise<PastMeeting> {
    let meeting: PastMeeting;
    try {
      meeting = await reader.zoomRead(() => zoom.getPastMeeting(uuid));
    } catch (error) {
      if (isZoomNotFound(error)) throw new RouteError(404, MESSAGES.notHostMeeting);
      throw error;
    }
    if (meeting.uuid !== uuid || meeting.host_id !== host.zoomUserId)
      throw new RouteError(404, MESSAGES.notHostMeeting);
    return meeting;
  }

  /** Event Ids by instance UUID, for the instances given. */
  async function eventsByUuid(uuids: string[]): Promise<Map<string, string>> {
    if (uuids.length === 0) return new Map();
    const { records } = await salesforce.query<{ Id: string; Zoom_Meeting_UUID__c: string }>(
      `SELECT Id, Zoom_Meeting_UUID__c FROM Event WHERE Zoom_Meeting_UUID__c IN (${soqlStringList(uuids)})`,
    );
    return new Map(records.map((r) => [r.Zoom_Meeting_UUID__c, r.Id]));
  }

  function answerError(request: FastifyRequest, reply: FastifyReply, action: string, error: unknown) {
    const failure = upstreamError(error);
    if (failure.status >= 500) request.log.error({ action, ...describeFailure(error) }, 'external meetings failed');
    return reply.code(failure.status).send({ error: failure.message });
  }

  const routeOptions = {
    preHandler: deps.requireSignature,
    // Participant names and e-mails: never cached on the way.
    onRequest: async (_request: FastifyRequest, reply: FastifyReply) => {
      reply.header('cache-control', 'no-store');
    },
  };

  app.get(ZOOM_ACCOUNT_PATH, routeOptions, async (request, reply) => {
    try {
      await resolveHost(parseHostId((request.query as Record<string, unknown>).user, MESSAGES.badUser));
      return { hasZoomAccount: true };
    } catch (error) {
      if (error instanceof RouteError && error.status === 422) return { hasZoomAccount: false, message: error.message };
      return answerError(request, reply, 'zoom-account', error);
    }
  });

  app.get(EXTERNAL_MEETINGS_PATH, routeOptions, async (request, reply) => {
    try {
      const query = parseListQuery(request.query as Record<string, unknown>, deps.now());
      const host = await resolveHost(query.host);
      let page;
      try {
        page = await reader.reportPage(host.zoomUserId, {
          from: query.from,
          to: query.to,
          type: 'past',
          pageSize: query.pageSize,
          nextPageToken: query.cursor,
        });
      } catch (error) {
        // Zoom's page token is valid only with the same query, for 15 minutes.
        if (query.cursor && error instanceof ZoomApiError && error.code === 300) {
          throw new RouteError(400, MESSAGES.staleCursor);
        }
        throw error;
      }
      const ended = page.meetings.filter((m) => m.end_time);
      const [events, managed] = await Promise.all([
        eventsByUuid(ended.map((m) => m.uuid)),
        reader.managedMeetingIds([...new Set(ended.map((m) => String(m.id)))]),
      ]);
      const meetings: ExternalMeetingRow[] = ended.map((m) => {
        const eventId = events.get(m.uuid);
        return {
          uuid: m.uuid,
          meetingId: String(m.id),
          topic: m.topic ?? '',
          hostName: host.name,
          startTime: m.start_time,
          endTime: m.end_time,
          durationMinutes: m.duration ?? 0,
          participantCount: m.participants_count ?? 0,
          hasRecording: m.has_recording === true,
          ...(eventId ? { eventId } : {}),
          managed: managed.has(String(m.id)),
        };
      });
      return reply.send({
        meetings,
        totalRecords: page.total_records,
        ...(page.next_page_token ? { nextCursor: page.next_page_token } : {}),
      });
    } catch (error) {
      return answerError(request, reply, 'list', error);
    }
  });

  app.get(EXTERNAL_MEETING_PATH, routeOptions, async (request, reply) => {
    try {
      const { uuid } = request.params as { uuid: string };
      const host = await resolveHost(parseHostId((request.query as Record<string, unknown>).host));
      const meeting = await hostMeeting(host, uuid);
      const attendees = await reader.attendeesOf({ uuid, endTime: meeting.end_time });
      if (!attendees) throw new RouteError(409, MESSAGES.notReady);
      const [index, identity, events] = await Promise.all([
        reader.candidateIndex(host.sfUserId),
        reader.hostIdentity(host),
        eventsByUuid([uuid]),
      ]);
      const matches = matchParticipants(attendees, identity, index);
      const eventId = events.get(uuid);
      return reply.send({
        uuid,
        meetingId: String(meeting.id),
        topic: meeting.topic ?? '',
        startTime: meeting.start_time,
        endTime: meeting.end_time,
        durationMinutes: meeting.duration ?? 0,
        ...(eventId ? { eventId } : {}),
        participants: matches.map((match) => participantDetails(match, index)),
      });
    } catch (error) {
      return answerError(request, reply, 'details', error);
    }
  });

  app.post(EXTERNAL_MEETING_EVENTS_PATH, routeOptions, async (request, reply) => {
    try {
      const body = parseCreateRequest(Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0));
      const host = await resolveHost(body.host);
      const [index, identity] = await Promise.all([reader.candidateIndex(host.sfUserId), reader.hostIdentity(host)]);
      const results: CreateResult[] = [];
      const records: { uuid: string; record: Record<string, unknown> }[] = [];
      for (const choice of body.meetings) {
        try {
          records.push({ uuid: choice.uuid, record: await eventFor(host, choice, index, identity) });
        } catch (error) {
          if (!(error instanceof RouteError || error instanceof ChoiceError)) throw error;
          results.push({ uuid: choice.uuid, ok: false, error: error.message });
        }
      }
      const saved = await salesforce.upsertRecords(
        'Event',
        'Zoom_Meeting_UUID__c',
        records.map((r) => r.record),
      );
      saved.forEach((result, i) => {
        const { uuid } = records[i];
        if (result.success && result.id)
          results.push({ uuid, ok: true, eventId: result.id, created: !!result.created });
        else {
          const codes = [...new Set(result.errors.map((e) => e.statusCode ?? 'UNKNOWN'))].join(', ');
          results.push({ uuid, ok: false, error: `Salesforce refused the Event (${codes})` });
        }
      });
      const order = new Map(body.meetings.map((m, i) => [m.uuid, i]));
      results.sort((a, b) => order.get(a.uuid)! - order.get(b.uuid)!);
      request.log.info(
        {
          action: 'create-events',
          written: results.filter((r) => r.ok).length,
          refused: results.filter((r) => !r.ok).length,
        },
        'external meeting events',
      );
      return reply.send({ results });
    } catch (error) {
      return answerError(request, reply, 'create-events', error);
    }
  });

  /** The Event for one chosen meeting, as the hourly sync would write it but with the user's links. */
  async function eventFor(
    host: ResolvedHost,
    choice: CreateRequest['meetings'][number],
    index: CandidateIndex,
    identity: Awaited<ReturnType<ExternalMeetingReader['hostIdentity']>>,
  ): Promise<Record<string, unknown>> {
    const past = await hostMeeting(host, choice.uuid);
    if ((await reader.managedMeetingIds([String(past.id)])).size > 0) throw new RouteError(409, MESSAGES.managed);
    const meeting: EndedMeetingRef = {
      uuid: past.uuid,
      meetingId: String(past.id),
      topic: past.topic ?? '',
      startTime: past.start_time,
      endTime: past.end_time,
      durationMinutes: past.duration ?? 0,
      hasRecording: true,
    };
    const attendees = await reader.attendeesOf(meeting);
    if (!attendees) throw new RouteError(409, MESSAGES.notReady);
    const matches = applyChoices(matchParticipants(attendees, identity, index), choice.links, index);
    const recording = await reader.recordingOf(meeting.uuid);
    return externalMeetingEvent({
      ownerId: host.sfUserId,
      meeting,
      attendees,
      matches,
      ...(recording ? { recording } : {}),
    });
  }
}

function linkRecord(index: CandidateIndex, id: string): LinkRecord {
  const record = index.record(id);
  const name = record ? [record.firstName, record.lastName].filter(Boolean).join(' ') : id;
  return { id, type: record?.type ?? (id.startsWith(SALESFORCE_KEY_PREFIX.lead) ? 'Lead' : 'Contact'), name };
}

function participantDetails({ participant, outcome }: ParticipantMatch, index: CandidateIndex): ParticipantDetails {
  return {
    key: participantKey(participant),
    name: participant.name,
    ...(participant.email ? { email: participant.email } : {}),
    minutes: participant.minutes ?? 0,
    proposal: outcome.kind,
    ...(outcome.kind === 'linked' || outcome.kind === 'ambiguous' ? { by: outcome.by } : {}),
    ...(outcome.kind === 'linked' ? { linked: linkRecord(index, outcome.recordId) } : {}),
    ...(outcome.kind === 'ambiguous' ? { candidates: outcome.candidateIds.map((id) => linkRecord(index, id)) } : {}),
  };
}
