/**
 * The calendar activities' answers to Google's refusals, against the Google emulator through the real client: what
 * is retried, what becomes a readable warning (with no address in it), what counts as already done.
 */
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import {
  createCalendarSyncActivities,
  GOOGLE_CALENDAR_REFUSED,
  type CalendarEventInput,
} from '../../activities/google-calendar';
import { DEMO_USERS } from '../../emulators/demo-org';
import { googleErrorBody } from '../../emulators/google/errors';
import { createGoogleEmulator, type GoogleEmulator } from '../../emulators/google/server';
import { calendarEventId } from '../../domain/google-calendar-event';
import { GoogleCalendarClient } from '../../integrations/google/calendar-client';
import type { SalesforceUser } from '../../integrations/salesforce/client';

const ada = DEMO_USERS[0];
let google: GoogleEmulator;
let url: string;

beforeAll(async () => {
  google = createGoogleEmulator();
  url = await google.listen(0);
});
afterAll(() => google.close());
beforeEach(() => google.admin.reset());

function activities(options: { eventOwnerId?: string; getUser?: jest.Mock } = {}) {
  const key = google.serviceAccountKey;
  return createCalendarSyncActivities({
    salesforce: {
      getZoomSettings: async () => ({
        sendEmailOnLaunch: false,
        usePmiByDefault: false,
        joinBeforeHostByDefault: false,
        googleCalendarNotifications: true,
      }),
      getMeetingPeople: async () => ({
        who: { name: 'Marie Curie', email: 'marie.curie@acme.example' },
        owner: { id: options.eventOwnerId ?? ada.salesforceId, name: 'Ada', email: ada.email, timeZone: ada.timeZone },
        invitees: [],
      }),
      getUser: options.getUser ?? (async (id: string) => ({ Id: id, Email: ada.email }) as SalesforceUser),
    },
    googleCalendar: new GoogleCalendarClient({
      serviceAccount: { clientEmail: key.client_email, privateKey: key.private_key },
      apiBaseUrl: `${url}/`,
      tokenUrl: `${url}/token`,
    }),
    settingsTtlMs: 0,
  });
}

const input: CalendarEventInput = {
  eventId: '00U000000000042AAA',
  ownerId: ada.salesforceId,
  topic: 'Pricing call',
  startTime: '2026-12-02T15:00:00.000Z',
  endTime: '2026-12-02T15:30:00.000Z',
  meetingId: '81234567890',
  joinUrl: 'https://zoom.test/j/81234567890',
  passcode: 'x7Y2',
  known: false,
};

async function failureOf(run: () => Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await new MockActivityEnvironment().run(run);
  } catch (error) {
    if (error instanceof ApplicationFailure) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('Google Calendar activities', () => {
  it('a revoked delegation is a readable, non-retryable warning naming the scope to grant', async () => {
    google.tokens.delegate([]);
    const failure = await failureOf(() => activities().syncCalendarEvent(input));
    expect(failure).toMatchObject({ type: GOOGLE_CALENDAR_REFUSED, nonRetryable: true });
    expect(failure.message).toMatch(/domain-wide delegation .*calendar\.events.* missing or was revoked/);
  });

  it('an attendee address Google refuses is a warning that names no address', async () => {
    google.admin.addFault({
      method: 'POST',
      path: '/events$',
      status: 400,
      body: googleErrorBody(400, 'global', 'invalid', 'Invalid attendee email.'),
    });
    const failure = await failureOf(() => activities().syncCalendarEvent(input));
    expect(failure).toMatchObject({ type: GOOGLE_CALENDAR_REFUSED, nonRetryable: true });
    expect(failure.message).toMatch(/refused an attendee's e-mail address/);
    expect(failure.message).not.toContain('@');
  });

  it('429 and 5xx are retried (Retry-After honoured), not reported', async () => {
    google.admin.addFault({
      method: 'POST',
      path: '/events$',
      status: 429,
      retryAfter: '7',
      body: googleErrorBody(429, 'usageLimits', 'rateLimitExceeded', 'Rate Limit Exceeded'),
    });
    const limited = await failureOf(() => activities().syncCalendarEvent(input));
    expect(limited).toMatchObject({ type: 'RateLimited', nonRetryable: false, nextRetryDelay: 7000 });
    google.admin.addFault({
      method: 'POST',
      path: '/events$',
      status: 500,
      body: googleErrorBody(500, 'global', 'backendError', 'Backend Error'),
    });
    expect(await failureOf(() => activities().syncCalendarEvent(input))).toMatchObject({ nonRetryable: false });
  });

  it('cancelling an event already deleted (410) or never made (404) is done, not an error', async () => {
    const acts = activities();
    const env = new MockActivityEnvironment();
    await env.run(() => acts.syncCalendarEvent(input));
    expect(
      await env.run(() => acts.cancelCalendarEvent({ eventId: input.eventId, ownerId: ada.salesforceId })),
    ).toEqual({ cancelled: true });
    expect(
      await env.run(() => acts.cancelCalendarEvent({ eventId: input.eventId, ownerId: ada.salesforceId })),
    ).toEqual({ cancelled: false });
    expect(
      await env.run(() => acts.cancelCalendarEvent({ eventId: '00U000000000043AAA', ownerId: ada.salesforceId })),
    ).toEqual({ cancelled: false });
    // Ticked again later: the cancelled event (its id still taken) comes back, the same one.
    expect(await env.run(() => acts.syncCalendarEvent(input))).toEqual({ outcome: 'updated' });
    expect(google.store.eventsOf(ada.email)).toEqual([
      expect.objectContaining({ id: calendarEventId(input.eventId), status: 'confirmed' }),
    ]);
  });

  it("the host's e-mail comes from the Event's people: no second read of the host", async () => {
    const getUser = jest.fn(async (id: string) => ({ Id: id, Email: ada.email }) as SalesforceUser);
    const env = new MockActivityEnvironment();
    await env.run(() => activities({ getUser }).syncCalendarEvent(input));
    await env.run(() =>
      activities({ getUser }).noteCalendarOutcome({ ...input, known: true, outcome: { held: false } }),
    );
    expect(getUser).not.toHaveBeenCalled();
    expect(google.store.eventsOf(ada.email)).toHaveLength(1);
  });

  it('an Event whose owner changed since the workflow applied it: the host the workflow names is read', async () => {
    const getUser = jest.fn(async (id: string) => ({ Id: id, Email: ada.email }) as SalesforceUser);
    await new MockActivityEnvironment().run(() =>
      activities({ getUser, eventOwnerId: DEMO_USERS[1].salesforceId }).syncCalendarEvent(input),
    );
    expect(getUser).toHaveBeenCalledWith(ada.salesforceId);
    expect(google.store.eventsOf(ada.email)).toHaveLength(1);
  });

  it("Google refuses Zoom's conference (not its add-on): the link stays in location and description, and later writes leave the conference out", async () => {
    const acts = activities();
    const env = new MockActivityEnvironment();
    expect(await env.run(() => acts.syncCalendarEvent(input))).toEqual({ outcome: 'created' });
    const [made] = google.store.eventsOf(ada.email)!;
    expect(made.conferenceData).toBeUndefined();
    expect(made.location).toBe(input.joinUrl);
    expect(made.description).toContain(`Join the Zoom meeting: ${input.joinUrl}`);
    expect(made.description).toContain('Passcode: x7Y2');

    await env.run(() => acts.syncCalendarEvent({ ...input, topic: 'Pricing call, moved', known: true }));
    expect(google.store.eventsOf(ada.email)![0].summary).toBe('Pricing call, moved');
    const calls = google.admin.requests.filter((r) => r.path.startsWith('/calendar/'));
    expect(calls.map((r) => `${r.method} ${r.status}`)).toEqual(['POST 400', 'POST 200', 'PATCH 200']);
    expect(google.store.notifications.map((n) => n.kind)).toEqual(['invitation', 'update']);
  });
});
