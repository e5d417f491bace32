import { type FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import { queryValue, type ZoomApiContext } from './api';
import { ZoomErrors } from './errors';
import { pageBody, pageSizeOf } from './pagination';
import { renderPastMeeting, uniqueParticipants } from './past-meetings';
import { type EndedInstance } from './store';
import { requireUser } from './users';

/**
 * `GET /v2/report/users/{userId}/meetings?from&to&type&page_size&next_page_token` (Heavy): a user's past
 * meetings, for the importer. From the reference §2 and Zoom's spec text ("The time range for the report is
 * limited to a month and the month must fall within the past six months. Meetings … are returned only if they
 * have two or more unique participants."):
 * - `from` and `to` are required UTC dates (`yyyy-mm-dd`); an instance counts by its start date, both ends
 *   inclusive. Stricter reading of "a month": `to` before `from` plus one calendar month (01-01…01-31);
 * - `from` not earlier than six calendar months before today (UTC); otherwise 400/300;
 * - `type`: `past` (default: meetings the user hosted) or `pastJoined` (also those the user joined signed in);
 *   `pastOne` is not emulated (400/300);
 * - only instances whose past data is published (`pastDataDelayMs`), oldest first [I], paged as usual.
 */

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TYPES = ['past', 'pastJoined'] as const;
type ReportType = (typeof TYPES)[number];

function reportDate(query: unknown, name: 'from' | 'to'): DateTime {
  const raw = queryValue(query, name);
  if (!raw) throw ZoomErrors.invalidField(name, 'required, a date yyyy-mm-dd');
  const date = DateTime.fromISO(raw, { zone: 'utc' });
  if (!DATE.test(raw) || !date.isValid) throw ZoomErrors.invalidField(name, `${raw} is not a date yyyy-mm-dd`);
  return date;
}

function reportType(query: unknown): ReportType {
  const type = queryValue(query, 'type') ?? 'past';
  if (type === 'pastOne') throw ZoomErrors.invalidField('type', 'pastOne is not emulated');
  if (!(TYPES as readonly string[]).includes(type)) throw ZoomErrors.invalidField('type', `unknown type ${type}`);
  return type as ReportType;
}

/** The report's window, validated as Zoom's limits say. */
function reportRange(query: unknown, now: number): { from: DateTime; to: DateTime } {
  const from = reportDate(query, 'from');
  const to = reportDate(query, 'to');
  if (to < from) throw ZoomErrors.invalidField('to', 'to must not be before from');
  if (to >= from.plus({ months: 1 })) {
    throw ZoomErrors.invalidField('to', 'the time range of the report is limited to one month');
  }
  const earliest = DateTime.fromMillis(now, { zone: 'utc' }).startOf('day').minus({ months: 6 });
  if (from < earliest) {
    throw ZoomErrors.invalidField('from', `the report covers the past six months only (from ${earliest.toISODate()})`);
  }
  return { from, to };
}

export function registerReportMeetingRoutes(app: FastifyInstance, context: ZoomApiContext): void {
  app.get<{ Params: { userId: string } }>(
    '/v2/report/users/:userId/meetings',
    { config: { rateLabel: 'Heavy' } },
    async (request) => {
      const user = requireUser(context, request.params.userId);
      const { from, to } = reportRange(request.query, context.now());
      const type = reportType(request.query);
      const start = from.toMillis();
      const end = to.plus({ days: 1 }).toMillis();
      const { store } = context;
      const candidates: EndedInstance[] =
        type === 'past'
          ? store.readyPastInstancesOfHost(user.id)
          : [...store.instances.values()]
              .filter((i): i is EndedInstance => store.isPastDataReady(i))
              .filter((i) => i.hostId === user.id || i.participants.some((s) => s.zoomUserId === user.id))
              .sort((a, b) => a.startTime - b.startTime);
      const rows = candidates
        .filter((i) => i.startTime >= start && i.startTime < end && uniqueParticipants(i) >= 2)
        .map((i) => ({
          ...renderPastMeeting(context, i),
          session_key: '',
          custom_keys: [],
          has_recording: i.recording !== undefined,
          has_screen_share: false,
          has_chat: false,
        }));
      const page = context.pageTokens.page(
        rows,
        `report-meetings:${user.id}:${from.toISODate()}:${to.toISODate()}:${type}`,
        pageSizeOf(queryValue(request.query, 'page_size')),
        queryValue(request.query, 'next_page_token'),
      );
      return { from: from.toISODate(), to: to.toISODate(), ...pageBody(page, 'meetings') };
    },
  );
}
