import { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { CalendarApiError, CalendarErrors, sendCalendarError } from './errors';
import { type CalendarStore, type SendUpdates, type WriteOptions } from './calendars';
import { EVENT_SCOPES, type AccessTokens, type IssuedToken } from './oauth';

/**
 * The events collection of Calendar API v3 at Google's paths (`/calendar/v3/calendars/{calendarId}/events…`):
 * insert, get, patch, update, delete and list, each behind a bearer token carrying an events scope.
 */

type Query = Record<string, string | undefined>;

const SEND_UPDATES: readonly SendUpdates[] = ['all', 'externalOnly', 'none'];
const MAX_RESULTS = 2500;
const DEFAULT_MAX_RESULTS = 250;

function sendUpdatesOf(query: Query): SendUpdates | undefined {
  const value = query.sendUpdates;
  if (value === undefined) return undefined;
  if (!SEND_UPDATES.includes(value as SendUpdates)) throw CalendarErrors.invalid(`Invalid value for: sendUpdates`);
  return value as SendUpdates;
}

function writeOptions(query: Query): WriteOptions {
  const version = query.conferenceDataVersion ?? '0';
  // "Version number of conference data supported by the API client … Acceptable values are 0 to 1, inclusive."
  if (version !== '0' && version !== '1') {
    throw CalendarErrors.invalid('Invalid conferenceDataVersion value. Supported values are 0 and 1.');
  }
  return { conferenceData: version === '1', sendUpdates: sendUpdatesOf(query) };
}

function bodyOf(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw CalendarErrors.required('Required');
  return body as Record<string, unknown>;
}

export function registerEventRoutes(app: FastifyInstance, store: CalendarStore, tokens: AccessTokens): void {
  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply: FastifyReply) => {
    if (error instanceof CalendarApiError) return sendCalendarError(reply, error);
    if (error.statusCode === 400)
      return sendCalendarError(
        reply,
        new CalendarApiError(400, { domain: 'global', reason: 'parseError', message: 'Parse Error' }),
      );
    return sendCalendarError(reply, CalendarErrors.backendError());
  });

  const authorized = (request: FastifyRequest): IssuedToken => {
    const token = tokens.check(request.headers.authorization);
    if (!token) throw CalendarErrors.invalidCredentials();
    if (!EVENT_SCOPES.some((scope) => token.scopes.has(scope))) throw CalendarErrors.insufficientScopes();
    return token;
  };

  type Params = { calendarId: string; eventId?: string };
  const base = '/calendar/v3/calendars/:calendarId/events';
  const calendarOf = (request: FastifyRequest) =>
    store.calendarFor((request.params as Params).calendarId, authorized(request).user);
  const eventIdOf = (request: FastifyRequest) => (request.params as Params).eventId!;

  app.post(base, async (request, reply) => {
    const calendar = calendarOf(request);
    const event = store.insert(calendar, bodyOf(request), writeOptions(request.query as Query));
    return reply.send(event);
  });

  app.get(base, async (request) => {
    const calendar = calendarOf(request);
    const query = request.query as Query;
    const maxResults = query.maxResults === undefined ? DEFAULT_MAX_RESULTS : Number(query.maxResults);
    if (!Number.isInteger(maxResults) || maxResults < 1) throw CalendarErrors.invalid('Invalid value for: maxResults');
    const items = store.list(calendar, {
      showDeleted: query.showDeleted === 'true',
      timeMin: query.timeMin,
      timeMax: query.timeMax,
      orderBy: query.orderBy,
      singleEvents: query.singleEvents === 'true',
    });
    const offset = query.pageToken === undefined ? 0 : Number(Buffer.from(query.pageToken, 'base64url').toString());
    if (!Number.isInteger(offset) || offset < 0) throw CalendarErrors.invalid('Invalid page token value.');
    const page = items.slice(offset, offset + Math.min(maxResults, MAX_RESULTS));
    const next = offset + page.length;
    return {
      kind: 'calendar#events',
      etag: `"${Date.now()}"`,
      summary: calendar.owner,
      updated: new Date().toISOString(),
      timeZone: calendar.timeZone,
      accessRole: 'owner',
      defaultReminders: [{ method: 'popup', minutes: 10 }],
      items: page,
      // The last page carries a sync token, the others a page token, never both (events.list reference).
      ...(next < items.length
        ? { nextPageToken: Buffer.from(String(next)).toString('base64url') }
        : { nextSyncToken: Buffer.from(`sync:${Date.now()}`).toString('base64url') }),
    };
  });

  app.get(`${base}/:eventId`, async (request) => store.get(calendarOf(request), eventIdOf(request)));

  app.patch(`${base}/:eventId`, async (request) =>
    store.patch(calendarOf(request), eventIdOf(request), bodyOf(request), writeOptions(request.query as Query)),
  );

  app.put(`${base}/:eventId`, async (request) =>
    store.update(calendarOf(request), eventIdOf(request), bodyOf(request), writeOptions(request.query as Query)),
  );

  app.delete(`${base}/:eventId`, async (request, reply) => {
    const calendar = calendarOf(request);
    store.delete(calendar, eventIdOf(request), sendUpdatesOf(request.query as Query));
    // "If successful, this method returns an empty response body."
    return reply.code(204).send();
  });
}
