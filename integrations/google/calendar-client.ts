import { auth, calendar, type calendar_v3 } from '@googleapis/calendar';
import { type GoogleConfig } from '../../common/config';
import { googleCalendarError } from './errors';

/**
 * Google Calendar for the meeting hosts: a Workspace service account with domain-wide delegation impersonates the
 * host (the JWT bearer grant with `sub` = the host's e-mail) with the one scope it needs, and writes events on the
 * host's primary calendar. Every failure is a `GoogleCalendarError`; the activities decide what is retried.
 */

/** "View and edit events on all your calendars": what the domain's admin delegates to the service account. */
export const CALENDAR_EVENTS_SCOPE = 'https://www.googleapis.com/auth/calendar.events';
/** Google's token URL: google-auth-library always sends its token request (and the assertion's `aud`) there. */
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
/** Below the shortest startToCloseTimeout of a calendar activity, so an attempt never outlives its activity. */
const REQUEST_TIMEOUT_MS = 10_000;

export type SendUpdates = 'all' | 'externalOnly' | 'none';
export type CalendarEventBody = calendar_v3.Schema$Event;

export class GoogleCalendarClient {
  /** One JWT client per host: each caches its own access token until shortly before it expires. */
  private readonly clients = new Map<string, calendar_v3.Calendar>();

  constructor(private readonly config: GoogleConfig) {}

  private calendarOf(hostEmail: string): calendar_v3.Calendar {
    const key = hostEmail.toLowerCase();
    const cached = this.clients.get(key);
    if (cached) return cached;
    const jwt = new auth.JWT({
      email: this.config.serviceAccount.clientEmail,
      key: this.config.serviceAccount.privateKey,
      ...(this.config.serviceAccount.privateKeyId ? { keyId: this.config.serviceAccount.privateKeyId } : {}),
      // Always name the scope: without one the library signs its own JWT and silently drops `subject`.
      scopes: [CALENDAR_EVENTS_SCOPE],
      subject: hostEmail,
    });
    // Node's own fetch: gaxios would otherwise import node-fetch dynamically (which a VM context cannot, e.g. jest).
    // Token and API requests both go through this transporter.
    jwt.transporter.defaults.fetchImplementation = fetch;
    if (this.config.tokenUrl !== GOOGLE_TOKEN_URL) {
      // The library has no setting for the token URL (gtoken's constant), so its request is pointed elsewhere here.
      const tokenUrl = this.config.tokenUrl;
      jwt.transporter.interceptors.request.add({
        resolved: async (options) => {
          if (String(options.url) === GOOGLE_TOKEN_URL) options.url = new URL(tokenUrl);
          return options;
        },
      });
    }
    const client = calendar({
      version: 'v3',
      auth: jwt,
      rootUrl: this.config.apiBaseUrl,
      // Temporal retries the activity with backoff, visibly; the library's own retries would hide calls.
      retry: false,
      timeout: REQUEST_TIMEOUT_MS,
    });
    this.clients.set(key, client);
    return client;
  }

  private async call<T>(hostEmail: string, request: (api: calendar_v3.Calendar) => Promise<{ data: T }>): Promise<T> {
    try {
      return (await request(this.calendarOf(hostEmail))).data;
    } catch (error) {
      const failure = googleCalendarError(error, this.config.tokenUrl);
      // A refused token is not kept: the next attempt asks Google again (a delegation granted meanwhile works).
      if (failure.source === 'token' || failure.status === 401) this.clients.delete(hostEmail.toLowerCase());
      throw failure;
    }
  }

  async insertEvent(
    hostEmail: string,
    event: CalendarEventBody,
    sendUpdates: SendUpdates,
  ): Promise<calendar_v3.Schema$Event> {
    return this.call(hostEmail, (api) =>
      api.events.insert({ calendarId: 'primary', requestBody: event, sendUpdates, conferenceDataVersion: 1 }),
    );
  }

  async patchEvent(
    hostEmail: string,
    eventId: string,
    patch: CalendarEventBody,
    sendUpdates: SendUpdates,
  ): Promise<calendar_v3.Schema$Event> {
    return this.call(hostEmail, (api) =>
      api.events.patch({ calendarId: 'primary', eventId, requestBody: patch, sendUpdates, conferenceDataVersion: 1 }),
    );
  }

  async getEvent(hostEmail: string, eventId: string): Promise<calendar_v3.Schema$Event> {
    return this.call(hostEmail, (api) => api.events.get({ calendarId: 'primary', eventId }));
  }

  async deleteEvent(hostEmail: string, eventId: string, sendUpdates: SendUpdates): Promise<void> {
    await this.call(hostEmail, (api) => api.events.delete({ calendarId: 'primary', eventId, sendUpdates }));
  }
}
