/**
 * The Zoom emulator's past data on a fake clock: published `pastDataDelayMs` after the end, the user meetings
 * report (`GET /report/users/{userId}/meetings`) and its client method, and seeding ended meetings through
 * `POST /_emulator/past-meetings`.
 */
import axios, { type AxiosInstance } from 'axios';
import { DEMO_CREDENTIALS, DEMO_USERS } from '../../emulators/demo-org';
import { createZoomEmulator, type ZoomEmulator } from '../../emulators/zoom/server';
import { ZoomClient } from '../../integrations/zoom/client';
import { ZoomApiError } from '../../integrations/zoom/errors';

const ADA = DEMO_USERS[0];
const GRACE = DEMO_USERS[1];
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const DELAY = 20_000;
const TODAY = Date.parse('2026-11-30T12:00:00Z');

let clock = TODAY;
let emulator: ZoomEmulator;
let admin: AxiosInstance;
let api: AxiosInstance;
let client: ZoomClient;

beforeAll(async () => {
  emulator = createZoomEmulator({
    credentials: DEMO_CREDENTIALS.zoom,
    now: () => clock,
    pastDataDelayMs: DELAY,
    rateLimits: false,
  });
  const url = await emulator.listen(0);
  admin = axios.create({ baseURL: `${url}/_emulator`, validateStatus: () => true });
  client = new ZoomClient({ ...DEMO_CREDENTIALS.zoom, apiBaseUrl: `${url}/v2`, oauthUrl: `${url}/oauth/token` });
  const token = await axios.post(
    `${url}/oauth/token`,
    new URLSearchParams({ grant_type: 'account_credentials', account_id: DEMO_CREDENTIALS.zoom.accountId }).toString(),
    { auth: { username: DEMO_CREDENTIALS.zoom.clientId, password: DEMO_CREDENTIALS.zoom.clientSecret } },
  );
  api = axios.create({
    baseURL: `${url}/v2`,
    validateStatus: () => true,
    headers: { Authorization: `Bearer ${token.data.access_token}` },
  });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(async () => {
  clock = TODAY;
  await admin.post('/reset');
});

const iso = (ms: number) => new Date(ms).toISOString();
const two = [{ name: 'Ada Lovelace', userId: ADA.zoomId }, { name: 'Marie Curie' }];

/** Seeds meetings of `host` that start at the given instants and last 30 minutes. */
async function seed(host: string, starts: number[], participants: unknown[] = two) {
  const response = await admin.post(
    '/past-meetings',
    starts.map((start, i) => ({
      host,
      topic: `Call ${i}`,
      startTime: iso(start),
      endTime: iso(start + 30 * MINUTE),
      participants,
    })),
  );
  expect(response.status).toBe(201);
  return response.data as { id: number; uuid: string }[];
}

const report = (userId: string, params: Record<string, unknown>) =>
  api.get(`/report/users/${encodeURIComponent(userId)}/meetings`, { params: { type: 'past', ...params } });

describe('past data is published pastDataDelayMs after the end', () => {
  test('before: 3001 on every past route and nothing in lists; after: all of it', async () => {
    const meeting = await client.createMeeting(ADA.email, { topic: 'Lag', type: 2, start_time: iso(clock) });
    await admin.post(`/meetings/${meeting.id}/start`, { at: iso(clock) });
    await admin.post(`/meetings/${meeting.id}/participants`, two);
    clock += 30 * MINUTE;
    const { uuid } = (await admin.post(`/meetings/${meeting.id}/end`, {})).data as { uuid: string };
    const enc = encodeURIComponent(uuid);
    const routes = [
      `/past_meetings/${enc}`,
      `/past_meetings/${meeting.id}`,
      `/past_meetings/${enc}/participants`,
      `/report/meetings/${enc}/participants`,
    ];
    const day = iso(clock).slice(0, 10);

    clock += DELAY - 1;
    for (const route of routes) {
      const early = await api.get(route);
      expect([route, early.status, early.data.code]).toEqual([route, 404, 3001]);
    }
    expect((await api.get(`/past_meetings/${meeting.id}/instances`)).data).toEqual({ meetings: [] });
    expect((await report(ADA.email, { from: day, to: day })).data.meetings).toEqual([]);

    clock += 1;
    for (const route of routes) expect((await api.get(route)).status).toBe(200);
    expect((await api.get(`/past_meetings/${meeting.id}/instances`)).data.meetings).toHaveLength(1);
    expect((await report(ADA.email, { from: day, to: day })).data.meetings).toHaveLength(1);
  });

  test('a simulated end that claims a later end time is published the delay after it happened', async () => {
    const meeting = await client.createMeeting(ADA.email, { topic: 'Later', type: 2, start_time: iso(clock) });
    await admin.post(`/meetings/${meeting.id}/start`, { at: iso(clock) });
    const { uuid } = (await admin.post(`/meetings/${meeting.id}/end`, { at: iso(clock + 40 * MINUTE) })).data as {
      uuid: string;
    };
    expect((await api.get(`/past_meetings/${encodeURIComponent(uuid)}`)).status).toBe(404);
    clock += DELAY;
    const past = await api.get(`/past_meetings/${encodeURIComponent(uuid)}`);
    expect([past.status, past.data.duration]).toEqual([200, 40]);
  });
});

describe('GET /report/users/{userId}/meetings', () => {
  test('validation: dates required and well-formed, one month at most, within six months, known type', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ to: '2026-11-30' }, /from/],
      [{ from: '2026-11-01' }, /to/],
      [{ from: '2026-11-1', to: '2026-11-30' }, /from/],
      [{ from: '2026-02-30', to: '2026-03-01' }, /from/],
      [{ from: '2026-11-10', to: '2026-11-01' }, /to must not be before from/],
      [{ from: '2026-10-01', to: '2026-11-01' }, /one month/],
      [{ from: '2026-05-29', to: '2026-06-10' }, /six months/],
      [{ from: '2026-11-01', to: '2026-11-30', type: 'future' }, /type/],
    ];
    for (const [params, message] of cases) {
      const response = await report(ADA.email, params);
      expect([params, response.status, response.data.code]).toEqual([params, 400, 300]);
      expect(response.data.message).toBe('Validation Failed.');
      const [error] = response.data.errors as { field: string; message: string }[];
      expect(`${error.field}: ${error.message}`).toMatch(message);
    }
    expect((await report(ADA.email, { from: '2026-10-01', to: '2026-10-31' })).status).toBe(200);
    expect((await report(ADA.email, { from: '2026-05-30', to: '2026-06-10' })).status).toBe(200);
    expect((await report('nobody@x.example', { from: '2026-11-01', to: '2026-11-02' })).data.code).toBe(1001);
  });

  test("start dates inclusive, two or more people only, the host's meetings, fields as Zoom's", async () => {
    const nov = (day: number, hh = 10) => Date.UTC(2026, 10, day, hh);
    const [first] = await seed(ADA.email, [nov(1, 0), nov(15), nov(16, 23)]);
    await seed(ADA.email, [nov(2)], [{ name: 'Ada Lovelace', userId: ADA.zoomId }]); // alone
    await seed(
      ADA.email,
      [nov(3)],
      [
        { name: 'Ada', userId: ADA.zoomId },
        { name: 'Ada', userId: ADA.zoomId },
      ],
    );
    await seed(ADA.email, [nov(17)]); // after `to`
    await seed(GRACE.email, [nov(5)]); // someone else's

    const page = await report(ADA.zoomId!, { from: '2026-11-01', to: '2026-11-16' });
    expect(page.status).toBe(200);
    expect(page.data).toMatchObject({ from: '2026-11-01', to: '2026-11-16', total_records: 3, next_page_token: '' });
    expect(page.data.meetings.map((m: { topic: string }) => m.topic)).toEqual(['Call 0', 'Call 1', 'Call 2']);
    expect(page.data.meetings[0]).toEqual({
      uuid: first.uuid,
      id: first.id,
      host_id: ADA.zoomId,
      type: 2,
      topic: 'Call 0',
      user_name: `${ADA.firstName} ${ADA.lastName}`,
      user_email: ADA.email,
      start_time: '2026-11-01T00:00:00Z',
      end_time: '2026-11-01T00:30:00Z',
      duration: 30,
      total_minutes: 60,
      participants_count: 2,
      dept: '',
      source: 'Zoom',
      session_key: '',
      custom_keys: [],
      has_recording: false,
      has_screen_share: false,
      has_chat: false,
    });
    expect((await report('me', { from: '2026-11-01', to: '2026-11-16' })).data.total_records).toBe(3);
    const joined = await report(GRACE.email, { from: '2026-11-01', to: '2026-11-30', type: 'pastJoined' });
    expect(joined.data.total_records).toBe(1);
  });

  test('pages with next_page_token (same query only, expiring after 15 minutes); the client reads one page', async () => {
    await seed(
      ADA.email,
      Array.from({ length: 7 }, (_, i) => Date.UTC(2026, 10, 1 + i, 9)),
    );
    const options = { from: '2026-11-01', to: '2026-11-29', pageSize: 3 };
    const first = await client.listReportUserMeetings(ADA.email, options);
    expect(first).toMatchObject({ page_size: 3, total_records: 7 });
    expect(first.meetings.map((m) => m.topic)).toEqual(['Call 0', 'Call 1', 'Call 2']);
    const second = await client.listReportUserMeetings(ADA.email, { ...options, nextPageToken: first.next_page_token });
    expect(second.meetings.map((m) => m.topic)).toEqual(['Call 3', 'Call 4', 'Call 5']);
    const wrongQuery = client.listReportUserMeetings(ADA.email, {
      ...options,
      to: '2026-11-28',
      nextPageToken: second.next_page_token,
    });
    await expect(wrongQuery).rejects.toMatchObject({ httpStatus: 400, code: 300 });
    clock += 15 * MINUTE;
    const expired = client.listReportUserMeetings(ADA.email, { ...options, nextPageToken: second.next_page_token });
    await expect(expired).rejects.toBeInstanceOf(ZoomApiError);
  });
});

describe('POST /_emulator/past-meetings', () => {
  test('seeds ended meetings without webhooks, on new numbers or a PMI, each readable after its delay', async () => {
    const pmi = ADA.pmi!;
    const response = await admin.post('/past-meetings', [
      {
        host: ADA.zoomId,
        topic: 'On the PMI',
        meetingId: pmi,
        type: 1,
        startTime: iso(clock - 2 * DAY),
        endTime: iso(clock - 2 * DAY + 20 * MINUTE),
        participants: [
          { name: 'Ada Lovelace', email: ADA.email, joinTime: iso(clock - 2 * DAY + MINUTE) },
          { name: 'Rita', email: 'rita@customer.example', hideEmail: false },
          { name: 'Bob', email: 'bob@customer.example' },
        ],
      },
      {
        host: GRACE.email,
        topic: 'Just ended',
        startTime: iso(clock - 30 * MINUTE),
        endTime: iso(clock),
        participants: two,
      },
    ]);
    expect(response.status).toBe(201);
    const [onPmi, justEnded] = response.data as { id: number; uuid: string }[];
    expect(onPmi.id).toBe(pmi);
    expect(String(justEnded.id)).toMatch(/^\d{11}$/);
    expect(emulator.webhooks.events).toEqual([]);

    const past = await api.get(`/past_meetings/${encodeURIComponent(onPmi.uuid)}`);
    expect(past.data).toMatchObject({ id: pmi, type: 1, duration: 20, participants_count: 3 });
    const rows = (await api.get(`/past_meetings/${encodeURIComponent(onPmi.uuid)}/participants`)).data.participants;
    expect(rows.map((r: { user_email: string; duration: number }) => [r.user_email, r.duration])).toEqual([
      ['rita@customer.example', 20 * 60],
      ['', 20 * 60],
      [ADA.email, 19 * 60], // by join time
    ]);
    expect((await api.get(`/past_meetings/${pmi}/instances`)).data.meetings).toHaveLength(1);

    expect((await api.get(`/past_meetings/${encodeURIComponent(justEnded.uuid)}`)).status).toBe(404);
    clock += DELAY;
    expect((await api.get(`/past_meetings/${encodeURIComponent(justEnded.uuid)}`)).status).toBe(200);
  });

  test('one bad entry stores nothing, and the answer says which and why', async () => {
    const good = {
      host: ADA.email,
      topic: 'Fine',
      startTime: iso(clock - DAY),
      endTime: iso(clock - DAY + MINUTE),
      participants: [],
    };
    const cases: [unknown, RegExp][] = [
      [{ ...good, host: 'nobody@x.example' }, /past-meetings\[1\]: host nobody@x.example/],
      [{ ...good, topic: undefined }, /topic/],
      [{ ...good, endTime: iso(clock - 2 * DAY) }, /endTime is before startTime/],
      [{ ...good, endTime: iso(clock + MINUTE) }, /future/],
      [{ ...good, type: 8 }, /type/],
      [{ ...good, meetingId: GRACE.pmi }, /hosted by someone else/],
      [{ ...good, meetingId: 12345678901 }, /not a meeting of the account/],
      [{ ...good, participants: [{ email: 'x@y.example' }] }, /participants\[0\]: name is required/],
      [{ ...good, participants: [{ name: 'Early', joinTime: iso(clock - 2 * DAY) }] }, /within the meeting/],
      [{ ...good, participants: [{ name: 'X', hideEmail: 'yes' }] }, /hideEmail/],
    ];
    for (const [bad, message] of cases) {
      const response = await admin.post('/past-meetings', [good, bad]);
      expect([response.status, response.data.code]).toEqual([400, 300]);
      expect(response.data.message).toMatch(message);
    }
    expect((await admin.post('/past-meetings', good)).status).toBe(400);
    expect(
      (await report(ADA.email, { from: iso(clock - DAY).slice(0, 10), to: iso(clock).slice(0, 10) })).data
        .total_records,
    ).toBe(0);
    expect(emulator.store.instances.size).toBe(0);
  });

  test('20,000 meetings in four requests, and lookups stay fast', async () => {
    const hosts = [ADA.email, GRACE.email];
    const startedAt = Date.now();
    for (let batch = 0; batch < 4; batch += 1) {
      const entries = Array.from({ length: 5000 }, (_, i) => {
        const n = batch * 5000 + i;
        const start = clock - DAY - (n % (150 * 24)) * 60 * MINUTE;
        return {
          host: hosts[n % 2],
          topic: `Bulk ${n}`,
          startTime: start,
          endTime: start + 30 * MINUTE,
          participants: [
            { name: 'Host', userId: n % 2 ? GRACE.zoomId : ADA.zoomId },
            { name: `Guest ${n}`, email: `guest${n}@customer.example` },
          ],
        };
      });
      const response = await admin.post('/past-meetings', entries);
      expect(response.status).toBe(201);
      expect(response.data).toHaveLength(5000);
    }
    expect(emulator.store.instances.size).toBe(20_000);

    const meeting = await client.createMeeting(ADA.email, { topic: 'Live one', type: 2, start_time: iso(clock) });
    const lookupsFrom = Date.now();
    for (let i = 0; i < 20; i += 1) {
      expect((await admin.post(`/meetings/${meeting.id}/start`, {})).status).toBe(201);
      expect((await admin.post(`/meetings/${meeting.id}/end`, {})).status).toBe(200);
      expect((await api.get(`/past_meetings/${meeting.id}/instances`)).status).toBe(200);
    }
    const lookupsMs = Date.now() - lookupsFrom;
    const page = await report(ADA.email, {
      from: iso(clock - 20 * DAY).slice(0, 10),
      to: iso(clock).slice(0, 10),
      page_size: 300,
    });
    expect(page.data.total_records).toBeGreaterThan(1000);
    // Generous bounds for a shared machine: seeding is linear, single lookups do not scan every instance.
    expect(Date.now() - startedAt).toBeLessThan(30_000);
    expect(lookupsMs).toBeLessThan(3000);
  });
});
