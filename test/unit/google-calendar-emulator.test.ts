/**
 * The Google Calendar emulator driven by the product's client (google-auth-library's JWT + @googleapis/calendar),
 * and by raw requests where the client cannot send what is tested (a forged assertion, conferenceDataVersion=0).
 */
import { createSign, generateKeyPairSync } from 'node:crypto';
import { createGoogleEmulator, type GoogleEmulator } from '../../emulators/google/server';
import { googleErrorBody } from '../../emulators/google/errors';
import { GoogleCalendarClient, CALENDAR_EVENTS_SCOPE } from '../../integrations/google/calendar-client';
import { GoogleCalendarError } from '../../integrations/google/errors';
import { DEMO_USERS } from '../../emulators/demo-org';

const ada = DEMO_USERS[0].email;
const noGoogleAccount = DEMO_USERS.find((u) => u.zoomId !== null && !u.googleAccount)!.email;

let emulator: GoogleEmulator;
let url: string;
let client: GoogleCalendarClient;

function newClient(): GoogleCalendarClient {
  const key = emulator.serviceAccountKey;
  return new GoogleCalendarClient({
    serviceAccount: { clientEmail: key.client_email, privateKey: key.private_key, privateKeyId: key.private_key_id },
    apiBaseUrl: `${url}/`,
    tokenUrl: `${url}/token`,
  });
}

beforeAll(async () => {
  // Its events carry Zoom's conference: this instance keeps it (the default refuses it, tested below).
  emulator = createGoogleEmulator({ acceptAddOnConferences: true });
  url = await emulator.listen(0);
});
afterAll(() => emulator.close());
beforeEach(async () => {
  await fetch(`${url}/_emulator/reset`, { method: 'POST' });
  client = newClient();
});

function event(id: string) {
  return {
    id,
    summary: 'Quarterly review',
    start: { dateTime: '2026-12-01T09:00:00-05:00', timeZone: 'America/New_York' },
    end: { dateTime: '2026-12-01T09:30:00-05:00', timeZone: 'America/New_York' },
    location: 'https://zoom.test/j/123',
    attendees: [{ email: 'marie.curie@acme.example' }],
    conferenceData: {
      conferenceSolution: { key: { type: 'addOn' }, name: 'Zoom Meeting' },
      conferenceId: '123',
      entryPoints: [{ entryPointType: 'video', uri: 'https://zoom.test/j/123', passcode: 'x7Y2' }],
    },
  };
}

/** The parts of an event or a list page the raw-request tests read. */
interface Listing {
  id: string;
  summary?: string;
  location?: string;
  attendees?: unknown[];
  conferenceData?: unknown;
  items: { id: string }[];
  nextPageToken?: string;
  nextSyncToken?: string;
}

async function failureOf(promise: Promise<unknown>): Promise<GoogleCalendarError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GoogleCalendarError) return error;
    throw error;
  }
  throw new Error('expected Google to refuse');
}

/** A JWT-bearer assertion signed with `privateKey`, claims as google-auth-library sends them unless overridden. */
function assertion(privateKey: string, claims: Record<string, unknown>): string {
  const now = Math.floor(Date.now() / 1000);
  const header = Buffer.from(JSON.stringify({ alg: 'RS256' })).toString('base64url');
  const body = Buffer.from(
    JSON.stringify({
      iss: emulator.serviceAccountKey.client_email,
      scope: CALENDAR_EVENTS_SCOPE,
      aud: 'https://oauth2.googleapis.com/token',
      iat: now,
      exp: now + 3600,
      sub: ada,
      ...claims,
    }),
  ).toString('base64url');
  const signature = createSign('RSA-SHA256').update(`${header}.${body}`).sign(privateKey).toString('base64url');
  return `${header}.${body}.${signature}`;
}

async function token(claims: Record<string, unknown> = {}, privateKey = emulator.serviceAccountKey.private_key) {
  const response = await fetch(`${url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: assertion(privateKey, claims),
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

describe('Google Calendar emulator', () => {
  it('keeps an event through insert, get, patch, list and delete, as Calendar API v3 does', async () => {
    const id = 'c5p6ur35e9ng0';
    const inserted = await client.insertEvent(ada, event(id), 'all');
    expect(inserted).toMatchObject({ id, status: 'confirmed', organizer: { email: ada, self: true } });
    expect(inserted.conferenceData).toMatchObject({ conferenceId: '123' });
    expect(inserted.attendees).toEqual([{ email: 'marie.curie@acme.example', responseStatus: 'needsAction' }]);

    const moved = await client.patchEvent(
      ada,
      id,
      { start: { dateTime: '2026-12-02T09:00:00-05:00' }, end: { dateTime: '2026-12-02T09:30:00-05:00' } },
      'all',
    );
    // Patch merges nested objects: the time zone stays; moving the event raises its SEQUENCE.
    expect(moved.start).toEqual({ dateTime: '2026-12-02T09:00:00-05:00', timeZone: 'America/New_York' });
    expect(moved.sequence).toBe(1);
    await client.patchEvent(ada, id, { description: 'Held, 30 minutes' }, 'none');

    await client.deleteEvent(ada, id, 'all');
    // A deleted event is still returned by get, as cancelled; deleting it again is 410, inserting its id 409.
    expect(await client.getEvent(ada, id)).toMatchObject({ id, status: 'cancelled' });
    expect(await failureOf(client.deleteEvent(ada, id, 'all'))).toMatchObject({ status: 410, reason: 'deleted' });
    expect(await failureOf(client.insertEvent(ada, event(id), 'all'))).toMatchObject({
      status: 409,
      reason: 'duplicate',
    });

    const view = (await (await fetch(`${url}/_emulator/calendars/${ada}/events`)).json()) as {
      items: { id: string; status: string }[];
      notifications: { kind: string; recipients: string[] }[];
    };
    expect(view.items).toEqual([expect.objectContaining({ id, status: 'cancelled' })]);
    // sendUpdates=all mails the guest on insert, move and cancel; the outcome note (none) mails nobody.
    expect(view.notifications.map((n) => n.kind)).toEqual(['invitation', 'update', 'cancellation']);
    expect(view.notifications[0].recipients).toEqual(['marie.curie@acme.example']);
  });

  it('update replaces the event (fields left out are cleared); list pages, orders and hides cancelled events', async () => {
    const { body } = await token();
    const call = async (method: string, path: string, payload?: unknown) => {
      const response = await fetch(`${url}/calendar/v3/calendars/primary/events${path}`, {
        method,
        headers: { authorization: `Bearer ${body.access_token}`, 'content-type': 'application/json' },
        ...(payload ? { body: JSON.stringify(payload) } : {}),
      });
      return { status: response.status, json: (await response.json().catch(() => undefined)) as Listing };
    };
    await client.insertEvent(ada, event('f0000001'), 'none');
    await client.insertEvent(ada, { ...event('f0000002'), start: { dateTime: '2026-11-30T09:00:00Z' } }, 'none');
    await client.insertEvent(ada, event('f0000003'), 'none');
    await client.deleteEvent(ada, 'f0000003', 'none');

    const { start, end } = event('f0000001');
    const updated = await call('PUT', '/f0000001?conferenceDataVersion=0', { summary: 'Replaced', start, end });
    expect(updated.status).toBe(200);
    expect(updated.json).toMatchObject({ summary: 'Replaced', id: 'f0000001' });
    expect(updated.json.location).toBeUndefined();
    expect(updated.json.attendees).toBeUndefined();
    // Without conferenceDataVersion=1 the conference is neither read nor dropped.
    expect(updated.json.conferenceData).toMatchObject({ conferenceId: '123' });

    const page1 = await call('GET', '?maxResults=1&singleEvents=true&orderBy=startTime');
    expect(page1.json.items.map((e) => e.id)).toEqual(['f0000002']);
    expect(page1.json.nextSyncToken).toBeUndefined();
    const page2 = await call(
      'GET',
      `?maxResults=1&singleEvents=true&orderBy=startTime&pageToken=${page1.json.nextPageToken}`,
    );
    expect(page2.json.items.map((e) => e.id)).toEqual(['f0000001']);
    expect(page2.json.nextSyncToken).toEqual(expect.any(String));
    expect((await call('GET', '?showDeleted=true')).json.items).toHaveLength(3);
    expect((await call('GET', '?orderBy=startTime')).status).toBe(400);
  });

  it('refuses ids outside base32hex or 5 to 1024 characters, with the errors[] body', async () => {
    for (const id of ['abc', 'has-dash-1', 'w0000', 'A0000', 'a'.repeat(1025)]) {
      expect(await failureOf(client.insertEvent(ada, event(id), 'none'))).toMatchObject({
        status: 400,
        reason: 'invalid',
        message: 'Invalid resource id value.',
      });
    }
    expect(await client.insertEvent(ada, event('v'.repeat(1024)), 'none')).toMatchObject({ status: 'confirmed' });
  });

  it('refuses an invalid attendee address and an end before the start', async () => {
    const badGuest = { ...event('a0000001'), attendees: [{ email: 'not an address' }] };
    expect(await failureOf(client.insertEvent(ada, badGuest, 'all'))).toMatchObject({ status: 400, reason: 'invalid' });
    const backwards = { ...event('a0000002'), end: { dateTime: '2026-12-01T08:00:00-05:00' } };
    expect(await failureOf(client.insertEvent(ada, backwards, 'all'))).toMatchObject({
      status: 400,
      reason: 'timeRangeEmpty',
    });
  });

  it('refuses a third-party (addOn) conference by default: 400 "Invalid conference data.", nothing stored', async () => {
    const strict = createGoogleEmulator();
    const strictUrl = await strict.listen(0);
    try {
      const key = strict.serviceAccountKey;
      const strictClient = new GoogleCalendarClient({
        serviceAccount: { clientEmail: key.client_email, privateKey: key.private_key },
        apiBaseUrl: `${strictUrl}/`,
        tokenUrl: `${strictUrl}/token`,
      });
      const failure = await failureOf(strictClient.insertEvent(ada, event('c5p6ur35e9ng9'), 'all'));
      expect(failure).toMatchObject({ status: 400, reason: 'invalid', message: 'Invalid conference data.' });
      expect(strict.store.eventsOf(ada)).toEqual([]);
      expect(strict.store.notifications).toEqual([]);
      // The same event with the link alone is kept.
      const { conferenceData: _dropped, ...linkOnly } = event('c5p6ur35e9ng9');
      expect(await strictClient.insertEvent(ada, linkOnly, 'all')).toMatchObject({
        location: 'https://zoom.test/j/123',
      });
    } finally {
      await strict.close();
    }
  });

  it('ignores conferenceData unless conferenceDataVersion=1', async () => {
    const { body } = await token();
    const response = await fetch(`${url}/calendar/v3/calendars/primary/events?sendUpdates=none`, {
      method: 'POST',
      headers: { authorization: `Bearer ${body.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify(event('b0000001')),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as Record<string, unknown>).conferenceData).toBeUndefined();
  });

  it("reaches only the impersonated user's own calendar", async () => {
    const { body } = await token();
    const response = await fetch(`${url}/calendar/v3/calendars/${encodeURIComponent(DEMO_USERS[1].email)}/events`, {
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual(googleErrorBody(404, 'global', 'notFound', 'Not Found'));
    const unauthenticated = await fetch(`${url}/calendar/v3/calendars/primary/events`);
    expect(unauthenticated.status).toBe(401);
  });

  it('verifies the JWT-bearer assertion as Google does', async () => {
    expect((await token()).body).toMatchObject({ token_type: 'Bearer', expires_in: 3599 });
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
    expect(await token({}, otherKey)).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' },
    });
    expect((await token({ aud: `${url}/token` })).body.error).toBe('invalid_grant');
    const now = Math.floor(Date.now() / 1000);
    expect((await token({ iat: now, exp: now + 7200 })).body.error).toBe('invalid_grant');
    expect((await token({ iat: now - 7200, exp: now - 3600 })).body.error).toBe('invalid_grant');
    expect((await token({ scope: '' })).body.error).toBe('invalid_scope');
  });

  it('refuses to impersonate a user without a Google account, as the client sees it', async () => {
    expect(await failureOf(client.insertEvent(noGoogleAccount, event('c0000001'), 'all'))).toMatchObject({
      source: 'token',
      status: 400,
      reason: 'invalid_grant',
      message: 'Invalid email or User ID',
    });
  });

  it('refuses a token when the delegation is revoked (unauthorized_client)', async () => {
    await fetch(`${url}/_emulator/delegation`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scopes: [] }),
    });
    const failure = await failureOf(client.insertEvent(ada, event('d0000001'), 'all'));
    expect(failure).toMatchObject({ source: 'token', status: 401, reason: 'unauthorized_client' });
    expect(failure.isRetryable).toBe(false);
  });

  it("answers injected rate limits in Google's shape, which the client takes as retryable", async () => {
    await fetch(`${url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        method: 'POST',
        path: '/calendar/v3/calendars/primary/events$',
        status: 403,
        body: googleErrorBody(403, 'usageLimits', 'rateLimitExceeded', 'Rate Limit Exceeded'),
      }),
    });
    const failure = await failureOf(client.insertEvent(ada, event('e0000001'), 'all'));
    expect(failure).toMatchObject({ status: 403, reason: 'rateLimitExceeded', source: 'api' });
    expect(failure.isRetryable).toBe(true);
    expect(await client.insertEvent(ada, event('e0000001'), 'all')).toMatchObject({ id: 'e0000001' });
  });
});
