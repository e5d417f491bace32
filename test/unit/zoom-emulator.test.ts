/**
 * The Zoom emulator driven through the production ZoomClient (and raw HTTP where the wire format itself is the
 * point): OAuth, users, meetings, validation, rate limits and the admin API.
 */
import axios, { type AxiosInstance } from 'axios';
import { DEMO_CREDENTIALS, DEMO_USERS } from '../../emulators/demo-org';
import { createZoomEmulator, type ZoomEmulator, type ZoomEmulatorOptions } from '../../emulators/zoom/server';
import { encodeMeetingIdOrUuid, ZoomClient, type ZoomClientConfig } from '../../integrations/zoom/client';
import { ZoomApiError } from '../../integrations/zoom/errors';

const ADA = DEMO_USERS[0]; // Europe/London, the account owner
const GRACE = DEMO_USERS[1]; // America/New_York
const ALAN = DEMO_USERS[2];
const BABBAGE = DEMO_USERS[3]; // no Zoom account
const PUBLIC_BASE = 'https://zoom.emulator.local';
const HOUR = 3_600_000;

/** A clock the tests move forward; it starts at the real time so "upcoming" means what it says. */
class TestClock {
  offsetMs = 0;
  readonly now = (): number => Date.now() + this.offsetMs;
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

/** A clock that stands still unless moved, for rate-limit windows. */
class FrozenClock {
  constructor(public ms: number) {}
  readonly now = (): number => this.ms;
}

interface Running {
  emulator: ZoomEmulator;
  url: string;
  config: ZoomClientConfig;
  raw: AxiosInstance;
}

async function start(options: Partial<ZoomEmulatorOptions> = {}): Promise<Running> {
  const emulator = createZoomEmulator({ credentials: DEMO_CREDENTIALS.zoom, ...options });
  const url = await emulator.listen(0);
  return {
    emulator,
    url,
    config: { ...DEMO_CREDENTIALS.zoom, apiBaseUrl: `${url}/v2`, oauthUrl: `${url}/oauth/token` },
    raw: axios.create({ baseURL: url, validateStatus: () => true }),
  };
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const GOOD_BASIC = basic(DEMO_CREDENTIALS.zoom.clientId, DEMO_CREDENTIALS.zoom.clientSecret);
const form = (params: Record<string, string>) => new URLSearchParams(params).toString();
const FORM_HEADERS = { Authorization: GOOD_BASIC, 'Content-Type': 'application/x-www-form-urlencoded' };

async function rawToken(raw: AxiosInstance): Promise<string> {
  const response = await raw.post(
    '/oauth/token',
    form({ grant_type: 'account_credentials', account_id: DEMO_CREDENTIALS.zoom.accountId }),
    { headers: FORM_HEADERS },
  );
  expect(response.status).toBe(200);
  return response.data.access_token as string;
}

async function zoomError(promise: Promise<unknown>): Promise<ZoomApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ZoomApiError);
  return error as ZoomApiError;
}

const scheduled = (overrides: Record<string, unknown> = {}) => ({
  topic: 'Pilot review',
  type: 2 as const,
  start_time: '2030-01-15T15:00:00Z',
  duration: 45,
  agenda: 'Walk through the pilot.\n\n[Salesforce Event 00U000000000001AAA]',
  ...overrides,
});

describe('Zoom emulator through ZoomClient', () => {
  const clock = new TestClock();
  let env: Running;
  let client: ZoomClient;

  beforeAll(async () => {
    env = await start({ now: clock.now, rateLimits: false });
  });
  afterAll(async () => {
    await env.emulator.close();
  });
  beforeEach(async () => {
    clock.offsetMs = 0;
    await env.raw.post('/_emulator/reset');
    client = new ZoomClient(env.config, { now: clock.now });
  });

  const tokenRequests = () => env.emulator.admin.requests.filter((r) => r.path === '/oauth/token');

  describe('OAuth', () => {
    test('issues a bearer token for a form body, with the documented fields', async () => {
      const response = await env.raw.post(
        '/oauth/token',
        form({ grant_type: 'account_credentials', account_id: DEMO_CREDENTIALS.zoom.accountId }),
        { headers: FORM_HEADERS },
      );
      expect(response.status).toBe(200);
      expect(response.headers['x-zm-trackingid']).toEqual(expect.any(String));
      expect(response.data).toEqual({
        access_token: expect.any(String),
        token_type: 'bearer',
        expires_in: 3600,
        scope: expect.stringContaining('meeting:write:meeting:admin'),
        api_url: env.url,
      });
      expect(response.data.scope.split(' ').length).toBeGreaterThan(1);
    });

    test('accepts the parameters in the query string too', async () => {
      const response = await env.raw.post(
        `/oauth/token?grant_type=account_credentials&account_id=${DEMO_CREDENTIALS.zoom.accountId}`,
        undefined,
        { headers: { Authorization: GOOD_BASIC } },
      );
      expect(response.status).toBe(200);
      const users = await env.raw.get('/v2/users/me', {
        headers: { Authorization: `Bearer ${response.data.access_token}` },
      });
      expect(users.status).toBe(200);
    });

    test('refuses bad client credentials, a wrong account and another grant type, OAuth style', async () => {
      const params = form({ grant_type: 'account_credentials', account_id: DEMO_CREDENTIALS.zoom.accountId });
      const badSecret = await env.raw.post('/oauth/token', params, {
        headers: { ...FORM_HEADERS, Authorization: basic(DEMO_CREDENTIALS.zoom.clientId, 'wrong') },
      });
      expect(badSecret.status).toBe(401);
      expect(badSecret.data).toEqual({ reason: 'Invalid client_id or client_secret', error: 'invalid_client' });

      const noAuth = await env.raw.post('/oauth/token', params, {
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      expect(noAuth.status).toBe(401);

      const wrongAccount = await env.raw.post(
        '/oauth/token',
        form({ grant_type: 'account_credentials', account_id: 'someone-else' }),
        { headers: FORM_HEADERS },
      );
      expect(wrongAccount.status).toBe(400);
      expect(wrongAccount.data.error).toBe('invalid_request');

      const wrongGrant = await env.raw.post(
        '/oauth/token',
        form({ grant_type: 'client_credentials', account_id: DEMO_CREDENTIALS.zoom.accountId }),
        { headers: FORM_HEADERS },
      );
      expect(wrongGrant.status).toBe(400);
      expect(wrongGrant.data.error).toBe('unsupported_grant_type');
    });

    test('the client reports bad credentials as a non-retryable error without leaking the secret', async () => {
      const secret = 'super-secret-value';
      const bad = new ZoomClient({ ...env.config, clientSecret: secret });
      const error = await zoomError(bad.getUser(ADA.email));
      expect(error.httpStatus).toBe(401);
      expect(error.isRetryable).toBe(false);
      expect(error.message).toBe('Invalid client_id or client_secret');
      expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain(secret);
    });

    test('/v2 without a valid bearer token is 401 with code 124', async () => {
      for (const headers of [{}, { Authorization: 'Bearer not-a-token' }, { Authorization: GOOD_BASIC }]) {
        const response = await env.raw.get('/v2/users/me', { headers });
        expect(response.status).toBe(401);
        expect(response.data).toEqual({ code: 124, message: 'Invalid access token.' });
        expect(response.headers['x-zm-trackingid']).toEqual(expect.any(String));
      }
    });

    test('several tokens are valid at once, for one hour', async () => {
      const first = await rawToken(env.raw);
      const second = await rawToken(env.raw);
      expect(first).not.toBe(second);
      for (const token of [first, second]) {
        const response = await env.raw.get('/v2/users/me', { headers: { Authorization: `Bearer ${token}` } });
        expect(response.status).toBe(200);
      }
      clock.advance(HOUR);
      const expired = await env.raw.get('/v2/users/me', { headers: { Authorization: `Bearer ${first}` } });
      expect(expired.status).toBe(401);
      expect(expired.data).toEqual({ code: 124, message: 'Access token is expired.' });
    });

    test('an expired token is replaced transparently: one 401, one new token, the call succeeds', async () => {
      await client.getUser(ADA.email);
      expect(tokenRequests()).toHaveLength(1);
      const expire = await env.raw.post('/_emulator/tokens/expire');
      expect(expire.data.expired).toBeGreaterThanOrEqual(1);

      const user = await client.getUser(ADA.email);
      expect(user.id).toBe(ADA.zoomId);
      expect(tokenRequests()).toHaveLength(2);
      const userCalls = env.emulator.admin.requests.filter(
        (r) => r.path === `/v2/users/${encodeURIComponent(ADA.email)}`,
      );
      expect(userCalls.map((r) => r.status)).toEqual([200, 401, 200]);
    });

    test('the client renews its token 60 s before expiry, without a 401', async () => {
      await client.getUser('me');
      clock.advance(HOUR - 61_000);
      await client.getUser('me');
      expect(tokenRequests()).toHaveLength(1);
      clock.advance(2_000); // now 59 s before expiry
      await client.getUser('me');
      expect(tokenRequests()).toHaveLength(2);
      expect(env.emulator.admin.requests.filter((r) => r.status === 401)).toHaveLength(0);
    });

    test('concurrent calls share a single token request', async () => {
      await Promise.all([ADA, GRACE, ALAN, ADA, GRACE].map((u) => client.getUser(u.email)));
      expect(tokenRequests()).toHaveLength(1);
    });

    test('a token request that fails is not cached: the next call asks again', async () => {
      await env.raw.post('/_emulator/faults', { method: 'POST', path: '^/oauth/token$', status: 503, body: '' });
      const error = await zoomError(client.getUser('me'));
      expect(error.httpStatus).toBe(503);
      expect(error.isRetryable).toBe(true);
      await expect(client.getUser('me')).resolves.toMatchObject({ id: ADA.zoomId });
      expect(tokenRequests().map((r) => r.status)).toEqual([503, 200]);
    });
  });

  describe('scopes', () => {
    const RECORDINGS = 'cloud_recording:read:list_recording_files:admin';

    test('the token carries the granted scopes; a call outside them is 400/4711 naming the scope', async () => {
      const allButRecordings = (await env.raw.get('/_emulator/scopes')).data.granted.filter(
        (s: string) => s !== RECORDINGS,
      );
      await env.raw.post('/_emulator/scopes', { granted: allButRecordings });
      const token = await rawToken(env.raw);
      const meeting = await client.createMeeting(ADA.email, scheduled());
      const refused = await env.raw.get(`/v2/meetings/${meeting.id}/recordings`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      expect([refused.status, refused.data]).toEqual([
        400,
        { code: 4711, message: `Invalid access token, does not contain scopes:[${RECORDINGS}].` },
      ]);
      const tokenResponse = await env.raw.post(
        '/oauth/token',
        form({ grant_type: 'account_credentials', account_id: DEMO_CREDENTIALS.zoom.accountId }),
        { headers: FORM_HEADERS },
      );
      expect(tokenResponse.data.scope.split(' ')).toEqual(allButRecordings);
      // Other routes still work with the same token.
      const read = await env.raw.get(`/v2/meetings/${meeting.id}`, { headers: { Authorization: `Bearer ${token}` } });
      expect(read.status).toBe(200);
    });

    test('a classic scope covers its routes; a token keeps the scopes it was issued with', async () => {
      await env.raw.post('/_emulator/scopes', { granted: ['meeting:read:admin', 'user:read:admin'] });
      const classic = await rawToken(env.raw);
      const get = (path: string, token: string) => env.raw.get(path, { headers: { Authorization: `Bearer ${token}` } });
      expect((await get(`/v2/users/${ADA.zoomId}`, classic)).status).toBe(200);
      expect((await get(`/v2/users/${ADA.zoomId}/meetings`, classic)).status).toBe(200);
      expect(
        (await get(`/v2/report/users/${ADA.zoomId}/meetings?from=2030-01-01&to=2030-01-02`, classic)).data,
      ).toEqual({
        code: 4711,
        message: 'Invalid access token, does not contain scopes:[report:read:user:admin].',
      });
      await env.raw.post('/_emulator/scopes', { granted: ['report:read:admin'] });
      expect((await get(`/v2/users/${ADA.zoomId}`, classic)).status).toBe(200); // issued before the change
      expect((await get(`/v2/users/${ADA.zoomId}`, await rawToken(env.raw))).data.code).toBe(4711);
    });
  });

  describe('users', () => {
    test('a user by id, by e-mail in any case, and me', async () => {
      const byId = await client.getUser(GRACE.zoomId!);
      expect(byId).toMatchObject({
        id: GRACE.zoomId,
        email: GRACE.email,
        first_name: 'Grace',
        last_name: 'Hopper',
        type: 2,
        pmi: GRACE.pmi,
        use_pmi: false,
        timezone: 'America/New_York',
        status: 'active',
        account_id: DEMO_CREDENTIALS.zoom.accountId,
      });
      expect(typeof byId.pmi).toBe('number');
      expect(await client.getUser(GRACE.email.toUpperCase())).toMatchObject({ id: GRACE.zoomId });
      expect(await client.getUser('me')).toMatchObject({ id: ADA.zoomId });
    });

    test('an unknown user is 404 with code 1001', async () => {
      const error = await zoomError(client.getUser(BABBAGE.email));
      expect(error).toMatchObject({ httpStatus: 404, code: 1001, message: `User does not exist: ${BABBAGE.email}.` });
      expect(error.isRetryable).toBe(false);
    });

    test('the user list pages with next_page_token, which expires after 15 minutes', async () => {
      const token = await rawToken(env.raw);
      const auth = { Authorization: `Bearer ${token}` };
      const first = await env.raw.get('/v2/users?page_size=2', { headers: auth });
      expect(first.data).toMatchObject({ page_size: 2, total_records: 3 });
      expect(first.data.users.map((u: { id: string }) => u.id)).toEqual([ADA.zoomId, GRACE.zoomId]);
      expect(first.data.next_page_token).not.toBe('');

      const second = await env.raw.get(`/v2/users?page_size=2&next_page_token=${first.data.next_page_token}`, {
        headers: auth,
      });
      expect(second.data.users.map((u: { id: string }) => u.id)).toEqual([ALAN.zoomId]);
      expect(second.data.next_page_token).toBe('');

      const unknown = await env.raw.get('/v2/users?next_page_token=nope', { headers: auth });
      expect(unknown.status).toBe(400);
      expect(unknown.data.code).toBe(300);

      clock.advance(15 * 60_000);
      const expired = await env.raw.get(`/v2/users?next_page_token=${first.data.next_page_token}`, { headers: auth });
      expect(expired.status).toBe(400);
      expect(expired.data).toEqual({ code: 300, message: 'The next page token is invalid or expired.' });

      const inactive = await env.raw.get('/v2/users?status=inactive', { headers: auth });
      expect(inactive.data).toMatchObject({ total_records: 0, users: [], next_page_token: '' });
    });
  });

  describe('meetings', () => {
    test('creating a scheduled meeting with a UTC start answers 201 with the full meeting', async () => {
      const meeting = await client.createMeeting(ADA.email, {
        ...scheduled({ timezone: 'America/Chicago' }),
        settings: {
          join_before_host: true,
          jbh_time: 5,
          waiting_room: false,
          meeting_invitees: [{ email: 'marie.curie@acme.example' }],
        },
      });
      const create = env.emulator.admin.requests.find((r) => r.method === 'POST' && r.path.endsWith('/meetings'));
      expect(create?.status).toBe(201);
      expect(String(meeting.id)).toMatch(/^\d{11}$/);
      expect(typeof meeting.id).toBe('number');
      expect(meeting).toMatchObject({
        uuid: expect.stringMatching(/==$/),
        host_id: ADA.zoomId,
        host_email: ADA.email,
        topic: 'Pilot review',
        type: 2,
        status: 'waiting',
        start_time: '2030-01-15T15:00:00Z',
        duration: 45,
        timezone: 'America/Chicago',
        agenda: expect.stringContaining('[Salesforce Event 00U000000000001AAA]'),
        pmi: String(ADA.pmi),
        creation_source: 'open_api',
        settings: {
          join_before_host: true,
          jbh_time: 5,
          use_pmi: false,
          waiting_room: false,
          auto_recording: 'none',
          meeting_invitees: [{ email: 'marie.curie@acme.example' }],
        },
      });
      expect(meeting.join_url).toMatch(new RegExp(`^${PUBLIC_BASE}/j/${meeting.id}\\?pwd=.+`));
      expect(meeting.start_url).toMatch(new RegExp(`^${PUBLIC_BASE}/s/${meeting.id}\\?zak=.+`));
      expect(meeting.password).toMatch(/^[A-Za-z0-9]{6}$/);
      expect(meeting.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    });

    test('join_before_host has no effect while the waiting room is on, the account default', async () => {
      const asked = { ...scheduled(), settings: { join_before_host: true } };
      const withWaitingRoom = await client.createMeeting(ADA.email, asked);
      expect(withWaitingRoom.settings).toMatchObject({ join_before_host: false, waiting_room: true });
      expect((await client.getMeeting(withWaitingRoom.id)).settings).toMatchObject({ join_before_host: false });

      // Turning the waiting room off lets the stored join_before_host take effect.
      await client.updateMeeting(withWaitingRoom.id, { settings: { waiting_room: false } });
      expect((await client.getMeeting(withWaitingRoom.id)).settings).toMatchObject({
        join_before_host: true,
        waiting_room: false,
      });
      const without = await client.createMeeting(ADA.email, {
        ...scheduled(),
        settings: { join_before_host: true, waiting_room: false },
      });
      expect(without.settings).toMatchObject({ join_before_host: true, waiting_room: false });
    });

    test('a local start_time is read in the given zone, else in the host zone', async () => {
      const berlin = await client.createMeeting(ADA.zoomId!, {
        ...scheduled({ start_time: '2030-07-01T09:00:00', timezone: 'Europe/Berlin' }),
      });
      expect(berlin).toMatchObject({ start_time: '2030-07-01T07:00:00Z', timezone: 'Europe/Berlin' });

      const hostZone = await client.createMeeting(GRACE.email, scheduled({ start_time: '2030-01-10T09:00:00' }));
      expect(hostZone).toMatchObject({ start_time: '2030-01-10T14:00:00Z', timezone: 'America/New_York' });

      const utcZone = await client.createMeeting(
        GRACE.email,
        scheduled({ start_time: '2030-01-10T09:00:00', timezone: 'UTC' }),
      );
      expect(utcZone.start_time).toBe('2030-01-10T09:00:00Z');
    });

    test('a local time in a DST gap moves forward; one in a fold takes the earlier instant', async () => {
      // New York springs forward on 2030-03-10 at 02:00 and falls back on 2030-11-03 at 02:00.
      const gap = await client.createMeeting(GRACE.email, scheduled({ start_time: '2030-03-10T02:30:00' }));
      expect(gap.start_time).toBe('2030-03-10T07:30:00Z'); // 03:30 EDT
      const fold = await client.createMeeting(GRACE.email, scheduled({ start_time: '2030-11-03T01:30:00' }));
      expect(fold.start_time).toBe('2030-11-03T05:30:00Z'); // 01:30 EDT, not 01:30 EST
    });

    test('an instant meeting starts now, ignoring start_time and duration, and is never listed', async () => {
      const before = clock.now();
      const instant = await client.createMeeting(ALAN.email, {
        type: 1,
        topic: 'Quick call',
        start_time: '2031-01-01T00:00:00Z',
        duration: 5,
      });
      expect(instant.type).toBe(1);
      expect(instant.duration).toBe(60);
      expect(Math.abs(Date.parse(instant.start_time!) - before)).toBeLessThan(5_000);
      const list = await client.listUserMeetings(ALAN.email, { type: 'scheduled' });
      expect(list.meetings).toEqual([]);
    });

    test('use_pmi puts the meeting on the host PMI, which cannot be deleted (3018)', async () => {
      const meeting = await client.createMeeting(ADA.email, { ...scheduled(), settings: { use_pmi: true } });
      expect(meeting.id).toBe(ADA.pmi);
      expect(meeting.join_url).toContain(`/j/${ADA.pmi}?pwd=`);
      expect(meeting.settings?.use_pmi).toBe(true);
      expect((await client.getMeeting(String(ADA.pmi))).topic).toBe('Pilot review');

      const error = await zoomError(client.deleteMeeting(String(ADA.pmi)));
      expect(error).toMatchObject({ httpStatus: 400, code: 3018, message: 'Not allowed to delete PMI.' });
      expect(error.isRetryable).toBe(false);
      expect((await client.getMeeting(ADA.pmi!)).id).toBe(ADA.pmi);
    });

    test('get, partial update with settings merge, delete, and 3001 afterwards', async () => {
      const created = await client.createMeeting(ADA.email, {
        ...scheduled({ timezone: 'Europe/London' }),
        settings: { join_before_host: true, waiting_room: true },
      });
      const id = String(created.id);

      await client.updateMeeting(id, {
        topic: 'Moved review',
        start_time: '2030-06-01T10:00:00',
        settings: { waiting_room: false },
      });
      const patch = env.emulator.admin.requests.find((r) => r.method === 'PATCH');
      expect(patch?.status).toBe(204);

      const updated = await client.getMeeting(id);
      expect(updated).toMatchObject({
        id: created.id,
        uuid: created.uuid,
        topic: 'Moved review',
        start_time: '2030-06-01T09:00:00Z', // 10:00 BST in the meeting's own zone
        duration: 45,
        agenda: created.agenda,
        join_url: created.join_url,
        status: 'waiting',
        settings: { join_before_host: true, waiting_room: false },
      });

      await client.deleteMeeting(id);
      expect(env.emulator.admin.requests.find((r) => r.method === 'DELETE')?.status).toBe(204);
      const gone = await zoomError(client.getMeeting(id));
      expect(gone).toMatchObject({
        httpStatus: 404,
        code: 3001,
        message: `Meeting ${id} is not found or has expired.`,
      });
      expect(gone.isRetryable).toBe(false);
      await expect(client.deleteMeeting(id)).rejects.toMatchObject({ code: 3001 });
      await expect(client.updateMeeting(id, { topic: 'x' })).rejects.toMatchObject({ code: 3001 });
    });

    test('creating for a user outside the account is 1001', async () => {
      await expect(client.createMeeting(BABBAGE.email, scheduled())).rejects.toMatchObject({
        httpStatus: 404,
        code: 1001,
      });
    });

    test('invalid fields are 400 with code 300 naming the field, and change nothing', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ topic: 'x'.repeat(201) }, 'topic'],
        [{ timezone: 'Mars/Olympus_Mons' }, 'timezone'],
        [{ timezone: 'US/Central' }, 'timezone'], // an IANA alias, not on Zoom's list
        [{ timezone: 'America/Boise' }, 'timezone'], // a real IANA zone Zoom does not list
        [{ duration: 0 }, 'duration'],
        [{ duration: 1.5 }, 'duration'],
        [{ start_time: 'tomorrow at nine' }, 'start_time'],
        [{ start_time: '2030-02-30T10:00:00Z' }, 'start_time'],
        [{ agenda: 'a'.repeat(2001) }, 'agenda'],
        [{ type: 5 }, 'type'],
        [{ type: 8 }, 'recurrence'],
        [{ settings: { jbh_time: 7 } }, 'settings.jbh_time'],
        [{ settings: { auto_recording: 'disk' } }, 'settings.auto_recording'],
        [{ settings: { meeting_invitees: ['a@x.com'] } }, 'settings.meeting_invitees'],
      ];
      for (const [fields, field] of cases) {
        const error = await zoomError(client.createMeeting(ADA.email, scheduled(fields) as never));
        expect({ field, httpStatus: error.httpStatus, code: error.code }).toEqual({
          field,
          httpStatus: 400,
          code: 300,
        });
        expect(error.message).toContain(field);
      }
      expect(env.emulator.store.meetings.size).toBe(0);

      const meeting = await client.createMeeting(ADA.email, scheduled());
      await expect(client.updateMeeting(meeting.id, { topic: 'ok', duration: -5 })).rejects.toMatchObject({
        code: 300,
      });
      expect(await client.getMeeting(meeting.id)).toMatchObject({ topic: 'Pilot review', duration: 45 });

      // Zoom's wire shape: the field is in `errors`, `message` is the same for every field.
      const token = await rawToken(env.raw);
      const wire = await env.raw.post(`/v2/users/${ADA.zoomId}/meetings`, scheduled({ topic: 'x'.repeat(201) }), {
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(wire.status).toBe(400);
      expect(wire.data).toEqual({
        code: 300,
        message: 'Validation Failed.',
        errors: [{ field: 'topic', message: 'at most 200 characters' }],
      });

      const notJson = await env.raw.post(`/v2/users/${ADA.zoomId}/meetings`, '{"topic":', {
        headers: { Authorization: `Bearer ${await rawToken(env.raw)}`, 'Content-Type': 'application/json' },
      });
      expect(notJson.status).toBe(400);
      expect(notJson.data.code).toBe(300);
    });

    test('a recurring meeting lists occurrences that keep their wall-clock time across DST', async () => {
      const meeting = await client.createMeeting(GRACE.email, {
        ...scheduled({ type: 8, start_time: '2030-03-04T09:00:00' }),
        recurrence: { type: 2, repeat_interval: 1, weekly_days: '2', end_times: 3 },
      });
      expect((await client.getMeeting(meeting.id)).occurrences?.map((o) => o.start_time)).toEqual([
        '2030-03-04T14:00:00Z', // Monday 09:00 EST
        '2030-03-11T13:00:00Z', // Monday 09:00 EDT
        '2030-03-18T13:00:00Z',
      ]);
    });

    test('the host list pages scheduled meetings and carries the agenda used to find one after a crash', async () => {
      for (let i = 0; i < 3; i += 1) {
        await client.createMeeting(
          ALAN.email,
          scheduled({ topic: `Meeting ${i}`, start_time: `2030-01-1${i}T10:00:00Z`, agenda: `Agenda ${i}` }),
        );
      }
      await client.createMeeting(ADA.email, scheduled({ topic: 'Someone else' }));

      const first = await client.listUserMeetings(ALAN.email, { type: 'scheduled', pageSize: 2 });
      expect(first).toMatchObject({ page_size: 2, total_records: 3 });
      expect(first.meetings.map((m) => m.topic)).toEqual(['Meeting 0', 'Meeting 1']);
      expect(Object.keys(first.meetings[0]).sort()).toEqual(
        [
          'agenda',
          'created_at',
          'duration',
          'host_id',
          'id',
          'join_url',
          'pmi',
          'start_time',
          'timezone',
          'topic',
          'type',
          'uuid',
        ].sort(),
      );
      expect(first.meetings[0].agenda).toBe('Agenda 0');
      const second = await client.listUserMeetings(ALAN.zoomId!, {
        type: 'scheduled',
        pageSize: 2,
        nextPageToken: first.next_page_token,
      });
      expect(second.meetings.map((m) => m.topic)).toEqual(['Meeting 2']);
      expect(second.next_page_token).toBe('');

      await client.createMeeting(ALAN.email, scheduled({ topic: 'Long past', start_time: '2020-01-01T10:00:00Z' }));
      const upcoming = await client.listUserMeetings(ALAN.email, { type: 'upcoming' });
      expect(upcoming.meetings.map((m) => m.topic)).not.toContain('Long past');
      const previous = await client.listUserMeetings(ALAN.email, { type: 'previous_meetings' });
      expect(previous.meetings.map((m) => m.topic)).toEqual(['Long past']);
    });

    test('a UUID starting with / or holding // reaches the meeting when double encoded', async () => {
      const meeting = await client.createMeeting(ADA.email, scheduled());
      const stored = env.emulator.store.meetings.get(meeting.id)!;
      for (const uuid of ['/ajXp112QmuoKj4854875==', 'ab//cd+ef/gh==', 'plain+uuid/x==']) {
        stored.uuid = uuid;
        expect((await client.getMeeting(uuid)).id).toBe(meeting.id);
      }
      expect(encodeMeetingIdOrUuid('/ajX==')).toBe('%252FajX%253D%253D');
      expect(encodeMeetingIdOrUuid('a/b+c==')).toBe('a%2Fb%2Bc%3D%3D');
      expect(encodeMeetingIdOrUuid(97763643886)).toBe('97763643886');
    });
  });

  describe('admin API', () => {
    test('injected faults fail calls, before or after the work is done', async () => {
      await env.raw.post('/_emulator/faults', {
        faults: [
          {
            method: 'GET',
            path: '^/v2/users/[^/]+$',
            status: 503,
            body: { code: 503, message: 'Service unavailable' },
          },
          {
            method: 'GET',
            path: '^/v2/users/[^/]+$',
            status: 429,
            retryAfter: '2',
            body: {
              code: 429,
              message: 'You have reached the maximum per-second rate limit for this API. Try again later.',
            },
          },
          {
            method: 'POST',
            path: '^/v2/users/[^/]+/meetings$',
            status: 500,
            when: 'after',
            body: { code: 500, message: 'Internal error' },
          },
        ],
      });
      const unavailable = await zoomError(client.getUser('me'));
      expect(unavailable).toMatchObject({ httpStatus: 503, code: 503, isRetryable: true });
      const limited = await zoomError(client.getUser('me'));
      expect(limited).toMatchObject({ httpStatus: 429, retryAfterMs: 2000, rateLimitType: 'QPS', isRetryable: true });
      expect(limited.trackingId).toEqual(expect.any(String));
      await expect(client.getUser('me')).resolves.toMatchObject({ id: ADA.zoomId });

      const lost = await zoomError(client.createMeeting(ADA.email, scheduled({ topic: 'Lost answer' })));
      expect(lost.httpStatus).toBe(500);
      const listed = await client.listUserMeetings(ADA.email, { type: 'scheduled' });
      expect(listed.meetings.map((m) => m.topic)).toEqual(['Lost answer']);
    });

    test('a network failure is a retryable error with status 0', async () => {
      const dead = new ZoomClient({ ...env.config, oauthUrl: 'http://127.0.0.1:1/oauth/token' });
      const error = await zoomError(dead.getUser('me'));
      expect(error).toMatchObject({ httpStatus: 0, isRetryable: true });
    });

    test('a slow answer times out as a retryable error', async () => {
      const impatient = new ZoomClient(env.config, { timeoutMs: 200 });
      await impatient.getUser('me');
      await env.raw.post('/_emulator/faults', { path: '^/v2/users/me$', delayMs: 1000 });
      const error = await zoomError(impatient.getUser('me'));
      expect(error).toMatchObject({ httpStatus: 0, isRetryable: true, message: 'Zoom did not answer in time' });
    });

    test('the request log lists API calls with their status, and not admin calls', async () => {
      await client.getUser('me');
      await client.getMeeting(12345678901).catch(() => undefined);
      const { data } = await env.raw.get('/_emulator/requests');
      expect(
        data.requests.map((r: { method: string; path: string; status: number }) => [r.method, r.path, r.status]),
      ).toEqual([
        ['POST', '/oauth/token', 200],
        ['GET', '/v2/users/me', 200],
        ['GET', '/v2/meetings/12345678901', 404],
      ]);
    });

    test('reset restores the seed and keeps issued tokens working', async () => {
      const meeting = await client.createMeeting(ADA.email, scheduled());
      env.emulator.store.users.delete(GRACE.zoomId!);
      expect((await env.raw.post('/_emulator/reset')).status).toBe(204);
      await expect(client.getMeeting(meeting.id)).rejects.toMatchObject({ code: 3001 });
      await expect(client.getUser(GRACE.email)).resolves.toMatchObject({ id: GRACE.zoomId });
      expect(tokenRequests()).toHaveLength(0); // the log was cleared too, and no new token was needed
    });

    test('unknown API paths are 404 in Zoom shape, with a tracking id', async () => {
      const response = await env.raw.get('/v2/nothing-here', {
        headers: { Authorization: `Bearer ${await rawToken(env.raw)}` },
      });
      expect(response.status).toBe(404);
      expect(response.data).toEqual({ code: 404, message: expect.any(String) });
      expect(response.headers['x-zm-trackingid']).toEqual(expect.any(String));
    });
  });
});

describe('Zoom emulator rate limits', () => {
  const START = Date.parse('2030-01-15T12:00:00.000Z');
  const clock = new FrozenClock(START);
  let env: Running;
  let client: ZoomClient;

  beforeAll(async () => {
    env = await start({
      now: clock.now,
      rateLimitOverrides: { labels: { Medium: { perWindow: 2 } }, meetingWritesPerUserPerDay: 3 },
    });
  });
  afterAll(async () => {
    await env.emulator.close();
  });
  beforeEach(async () => {
    clock.ms = START;
    await env.raw.post('/_emulator/reset');
    client = new ZoomClient(env.config, { now: clock.now });
  });

  test('the per-second limit of a label answers 429 with QPS headers and Retry-After in seconds', async () => {
    await client.createMeeting(ADA.email, scheduled());
    await client.listUserMeetings(GRACE.email); // Medium too: limits count per label across endpoints
    const token = await rawToken(env.raw);
    const refused = await env.raw.post(`/v2/users/${ALAN.zoomId}/meetings`, scheduled(), {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(refused.status).toBe(429);
    expect(refused.data).toEqual({
      code: 429,
      message: 'You have reached the maximum per-second rate limit for this API. Try again later.',
    });
    expect(refused.headers).toMatchObject({
      'x-ratelimit-category': 'Medium',
      'x-ratelimit-type': 'QPS',
      'x-ratelimit-limit': '2',
      'x-ratelimit-remaining': '0',
      'retry-after': '1',
    });

    const error = await zoomError(client.createMeeting(ALAN.email, scheduled()));
    expect(error).toMatchObject({
      httpStatus: 429,
      code: 429,
      rateLimitType: 'QPS',
      rateLimitScope: 'account',
      retryAfterMs: 1000,
    });
    expect(error.isRetryable).toBe(true);

    await expect(client.getMeeting(1)).rejects.toMatchObject({ code: 3001 }); // Light is a separate budget
    clock.ms += 1000; // the window slides past the first two calls
    await expect(client.createMeeting(ALAN.email, scheduled())).resolves.toMatchObject({ host_id: ALAN.zoomId });
  });

  test('each host may create or update only so many meetings per UTC day', async () => {
    const first = await client.createMeeting(ADA.email, scheduled());
    clock.ms += 1000;
    await client.updateMeeting(first.id, { topic: 'Renamed' });
    await client.createMeeting(ADA.email, scheduled());
    clock.ms += 1000;

    const error = await zoomError(client.createMeeting(ADA.email, scheduled()));
    expect(error).toMatchObject({
      httpStatus: 429,
      message:
        'You have exceeded the daily rate limit (3) of Meeting Create/Update API requests permitted for this particular user. You may resume these requests at GMT 00:00:00.',
      rateLimitType: 'Daily-limit',
      rateLimitScope: 'user',
      retryAfterMs: Date.parse('2030-01-16T00:00:00Z') - clock.ms,
    });
    const raw = await env.raw.patch(
      `/v2/meetings/${first.id}`,
      { topic: 'Again' },
      {
        headers: { Authorization: `Bearer ${await rawToken(env.raw)}` },
      },
    );
    expect(raw.status).toBe(429);
    expect(raw.headers).toMatchObject({
      'x-ratelimit-type': 'Daily-limit',
      'x-ratelimit-limit': '3',
      'x-ratelimit-remaining': '0',
      'retry-after': '2030-01-16T00:00:00Z',
    });
    expect((await client.getMeeting(first.id)).topic).toBe('Renamed'); // the refused update changed nothing

    await expect(client.createMeeting(GRACE.email, scheduled())).resolves.toBeDefined(); // another host is fine
    clock.ms = Date.parse('2030-01-16T00:00:00Z');
    await expect(client.createMeeting(ADA.email, scheduled())).resolves.toBeDefined();
  });

  test('a daily label quota (free plan) answers 429 with Daily-limit and an ISO Retry-After', async () => {
    const free = await start({ now: clock.now, plan: 'free', rateLimitOverrides: { dailyQuotas: { Light: 2 } } });
    try {
      const freeClient = new ZoomClient(free.config, { now: clock.now });
      await freeClient.getUser('me');
      clock.ms += 1000;
      await freeClient.getUser('me');
      clock.ms += 1000;
      const error = await zoomError(freeClient.getUser('me'));
      expect(error).toMatchObject({ httpStatus: 429, rateLimitType: 'Daily-limit', rateLimitScope: 'account' });
      expect(error.retryAfterMs).toBe(Date.parse('2030-01-16T00:00:00Z') - clock.ms);
      // Medium has its own quota and the free plan's 2/s.
      await expect(freeClient.listUserMeetings('me')).resolves.toMatchObject({ meetings: [] });
    } finally {
      await free.emulator.close();
    }
  });

  test('rateLimits: false turns every limit off', async () => {
    const open = await start({
      now: clock.now,
      rateLimits: false,
      rateLimitOverrides: { meetingWritesPerUserPerDay: 1 },
    });
    try {
      const openClient = new ZoomClient(open.config, { now: clock.now });
      for (let i = 0; i < 5; i += 1) await openClient.createMeeting(ADA.email, scheduled());
      expect(open.emulator.store.meetings.size).toBe(5);
    } finally {
      await open.emulator.close();
    }
  });
});
