/**
 * The Zoom emulator's meeting lifecycle: signed webhooks to a local receiver (which checks the signature over
 * the raw bytes with its own HMAC), the simulation API (start, participants, end, portal edit), past meetings,
 * participants, report, recordings, double-encoded UUIDs, and the webhook admin routes (pause, redeliver).
 */
import { createHmac } from 'node:crypto';
import axios, { type AxiosInstance } from 'axios';
import Fastify, { type FastifyInstance } from 'fastify';
import { DEMO_CREDENTIALS, DEMO_USERS } from '../../emulators/demo-org';
import { createZoomEmulator, type ZoomEmulator, type ZoomEmulatorOptions } from '../../emulators/zoom/server';
import { ZoomClient } from '../../integrations/zoom/client';

const ADA = DEMO_USERS[0]; // the account owner
const GRACE = DEMO_USERS[1];
const SECRET = 'webhook-secret-token';

interface Received {
  raw: string;
  body: {
    event: string;
    event_ts: number;
    download_token?: string;
    payload: { account_id: string; object: Record<string, unknown>; [key: string]: unknown };
  };
  timestamp: string;
  signatureValid: boolean;
}

/** A webhook receiver that checks signatures itself and can be told to fail the next requests. */
class Receiver {
  readonly received: Received[] = [];
  failNext = 0;
  private app: FastifyInstance = Fastify();
  url = '';

  async start(): Promise<void> {
    this.app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) =>
      done(null, body),
    );
    this.app.post('/zoom/webhooks', async (request, reply) => {
      const raw = request.body as string;
      const timestamp = String(request.headers['x-zm-request-timestamp']);
      const expected = `v0=${createHmac('sha256', SECRET).update(`v0:${timestamp}:${raw}`).digest('hex')}`;
      if (this.failNext > 0) {
        this.failNext -= 1;
        return reply.code(500).send('down');
      }
      this.received.push({
        raw,
        body: JSON.parse(raw),
        timestamp,
        signatureValid: request.headers['x-zm-signature'] === expected,
      });
      return reply.code(200).send();
    });
    const address = await this.app.listen({ port: 0, host: '127.0.0.1' });
    this.url = `${address}/zoom/webhooks`;
  }

  async stop(): Promise<void> {
    await this.app.close();
  }

  of(event: string): Received[] {
    return this.received.filter((r) => r.body.event === event);
  }
}

async function waitFor<T>(probe: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Running {
  emulator: ZoomEmulator;
  client: ZoomClient;
  /** Admin and raw API calls; `api` adds a bearer token. */
  raw: AxiosInstance;
  api: AxiosInstance;
}

async function startEmulator(options: Partial<ZoomEmulatorOptions>): Promise<Running> {
  // Past data at once, except in the tests about its delay.
  const emulator = createZoomEmulator({
    credentials: DEMO_CREDENTIALS.zoom,
    rateLimits: false,
    pastDataDelayMs: 0,
    ...options,
  });
  const url = await emulator.listen(0);
  const raw = axios.create({ baseURL: url, validateStatus: () => true });
  const tokenResponse = await raw.post(
    '/oauth/token',
    new URLSearchParams({ grant_type: 'account_credentials', account_id: DEMO_CREDENTIALS.zoom.accountId }).toString(),
    {
      auth: { username: DEMO_CREDENTIALS.zoom.clientId, password: DEMO_CREDENTIALS.zoom.clientSecret },
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    },
  );
  const api = axios.create({
    baseURL: `${url}/v2`,
    validateStatus: () => true,
    headers: { Authorization: `Bearer ${tokenResponse.data.access_token}` },
  });
  const client = new ZoomClient({ ...DEMO_CREDENTIALS.zoom, apiBaseUrl: `${url}/v2`, oauthUrl: `${url}/oauth/token` });
  return { emulator, client, raw, api };
}

const enc2 = (uuid: string) => encodeURIComponent(encodeURIComponent(uuid));
const T = (hhmmss: string) => `2026-03-02T${hhmmss}Z`;

describe('Zoom emulator meeting lifecycle and webhooks', () => {
  const receiver = new Receiver();
  let env: Running;

  beforeAll(async () => {
    await receiver.start();
    env = await startEmulator({
      webhooks: { url: receiver.url, secretToken: SECRET, retryScale: 0.0001 },
      recordingDelayMs: 150,
    });
  });
  afterAll(async () => {
    await env.emulator.close();
    await receiver.stop();
  });
  beforeEach(async () => {
    await env.raw.post('/_emulator/reset');
    receiver.received.length = 0;
    receiver.failNext = 0;
  });
  afterEach(() => {
    // Every webhook that arrived was signed over its exact bytes, with a timestamp in seconds.
    for (const r of receiver.received) {
      expect(r.signatureValid).toBe(true);
      expect(r.timestamp).toMatch(/^\d{10}$/);
    }
  });

  const createMeeting = (overrides: Record<string, unknown> = {}) =>
    env.client.createMeeting(ADA.email, {
      topic: 'Pilot review',
      type: 2,
      start_time: T('17:00:00'),
      duration: 60,
      ...overrides,
    });
  const sim = (id: number | string, action: string, body?: unknown) =>
    env.raw.post(`/_emulator/meetings/${id}/${action}`, body);

  it('create, start, participants, end: webhooks, past meeting, participants and report', async () => {
    const meeting = await createMeeting();
    const created = await waitFor(() => receiver.of('meeting.created')[0]);
    expect(created.raw).toBe(JSON.stringify(created.body)); // compact JSON
    expect(created.body.payload).toMatchObject({
      account_id: DEMO_CREDENTIALS.zoom.accountId,
      operator: ADA.email,
      operator_id: ADA.zoomId,
      object: { id: meeting.id, uuid: meeting.uuid, topic: 'Pilot review', start_time: T('17:00:00'), duration: 60 },
    });
    expect(typeof created.body.payload.object.id).toBe('number');
    expect(created.body.event_ts).toBeGreaterThan(1_600_000_000_000); // epoch ms

    const started = await sim(meeting.id, 'start', { at: T('17:01:02') });
    expect(started.status).toBe(201);
    const uuid = started.data.uuid as string;
    expect(uuid).not.toBe(meeting.uuid);
    const startedHook = await waitFor(() => receiver.of('meeting.started')[0]);
    expect(startedHook.body.payload.object).toEqual({
      id: String(meeting.id),
      uuid,
      host_id: ADA.zoomId,
      topic: 'Pilot review',
      type: 2,
      start_time: T('17:01:02'),
      timezone: ADA.timeZone,
      duration: 60,
    });
    expect((await env.client.getMeeting(meeting.id)).status).toBe('started');

    const joined = await sim(meeting.id, 'participants', [
      { name: 'Ada Lovelace', userId: ADA.zoomId, joinTime: T('17:01:10') },
      { name: 'Bob Buyer', email: 'bob@customer.example', joinTime: T('17:02:00'), leaveTime: T('17:10:00') },
      { name: 'Bob Buyer', email: 'bob@customer.example', joinTime: T('17:12:00'), leaveTime: T('17:30:30') },
      { name: 'iPhone', joinTime: T('17:05:00') },
    ]);
    expect(joined.status).toBe(201);
    await waitFor(() => receiver.of('meeting.participant_joined').length === 4);
    await waitFor(() => receiver.of('meeting.participant_left').length === 2);
    const joinedHooks = receiver.of('meeting.participant_joined').map((r) => r.body.payload.object);
    expect(joinedHooks.every((o) => o.id === String(meeting.id) && o.uuid === uuid)).toBe(true);
    const participants = joinedHooks.map((o) => o.participant as Record<string, unknown>);
    expect(participants[0]).toMatchObject({ user_name: 'Ada Lovelace', id: ADA.zoomId, email: ADA.email });
    expect(participants[0].join_time).toBe(T('17:01:10'));
    const [bob1, bob2] = [participants[1], participants[2]];
    expect(bob1.participant_uuid).toBe(bob2.participant_uuid);
    expect(bob1.user_id).not.toBe(bob2.user_id);
    expect(participants[3]).toMatchObject({ user_name: 'iPhone', email: '', id: '' });
    const left = receiver.of('meeting.participant_left').map((r) => r.body.payload.object.participant);
    expect(left).toEqual([
      expect.objectContaining({ user_name: 'Bob Buyer', leave_time: T('17:10:00') }),
      expect.objectContaining({ user_name: 'Bob Buyer', leave_time: T('17:30:30') }),
    ]);

    const ended = await sim(meeting.id, 'end', { at: T('17:55:02') });
    expect(ended.status).toBe(200);
    expect(ended.data).toMatchObject({ uuid, end_time: T('17:55:02'), recording: false });
    const endedHook = await waitFor(() => receiver.of('meeting.ended')[0]);
    expect(endedHook.body.payload.object).toMatchObject({
      id: String(meeting.id),
      uuid,
      start_time: T('17:01:02'),
      end_time: T('17:55:02'),
    });
    // Those still in leave when the meeting ends, before meeting.ended.
    const leftAtEnd = receiver.of('meeting.participant_left').slice(2);
    expect(leftAtEnd.map((r) => (r.body.payload.object.participant as { user_name: string }).user_name)).toEqual([
      'Ada Lovelace',
      'iPhone',
    ]);
    expect(receiver.received.indexOf(endedHook)).toBeGreaterThan(receiver.received.indexOf(leftAtEnd[1]));
    expect((await env.client.getMeeting(meeting.id)).status).toBe('waiting');

    // Past meeting: minutes. 17:01:02 → 17:55:02 is 54 min; participants' seconds 3232 + 480 + 1110 + 3002.
    const past = await env.api.get(`/past_meetings/${meeting.id}`);
    expect(past.status).toBe(200);
    expect(past.data).toMatchObject({
      uuid,
      id: meeting.id,
      host_id: ADA.zoomId,
      topic: 'Pilot review',
      user_email: ADA.email,
      start_time: T('17:01:02'),
      end_time: T('17:55:02'),
      duration: 54,
      total_minutes: 131,
      participants_count: 4,
    });
    expect((await env.api.get(`/past_meetings/${encodeURIComponent(uuid)}`)).data.uuid).toBe(uuid);
    const instances = await env.api.get(`/past_meetings/${meeting.id}/instances`);
    expect(instances.data).toEqual({ meetings: [{ start_time: T('17:01:02'), uuid }] });

    // Participants: seconds, one row per segment, paged.
    const first = await env.api.get(`/past_meetings/${encodeURIComponent(uuid)}/participants`, {
      params: { page_size: 2 },
    });
    expect(first.status).toBe(200);
    expect(first.data).toMatchObject({ page_size: 2, total_records: 4 });
    expect(first.data.next_page_token).not.toBe('');
    expect(first.data.participants).toHaveLength(2);
    const second = await env.api.get(`/past_meetings/${encodeURIComponent(uuid)}/participants`, {
      params: { page_size: 2, next_page_token: first.data.next_page_token },
    });
    expect(second.data.next_page_token).toBe('');
    const rows = [...first.data.participants, ...second.data.participants];
    expect(rows).toEqual([
      expect.objectContaining({
        id: ADA.zoomId,
        name: 'Ada Lovelace',
        user_email: ADA.email,
        join_time: T('17:01:10'),
        leave_time: T('17:55:02'),
        duration: 3232,
        status: 'in_meeting',
        internal_user: true,
      }),
      expect.objectContaining({ name: 'Bob Buyer', duration: 480, internal_user: false }),
      expect.objectContaining({ name: 'iPhone', user_email: '', id: '', duration: 3002 }),
      expect.objectContaining({ name: 'Bob Buyer', join_time: T('17:12:00'), duration: 1110 }),
    ]);
    const badToken = await env.api.get(`/past_meetings/${encodeURIComponent(uuid)}/participants`, {
      params: { next_page_token: 'nope' },
    });
    expect(badToken.status).toBe(400);

    const report = await env.api.get(`/report/meetings/${meeting.id}/participants`);
    expect(report.data.total_records).toBe(4);
    for (const row of report.data.participants) {
      expect(row).toHaveProperty('customer_key');
      expect(row).toHaveProperty('participant_user_id');
      expect(row).not.toHaveProperty('internal_user');
    }
    const bobs = report.data.participants.filter((r: { name: string }) => r.name === 'Bob Buyer');
    expect(bobs[0].participant_user_id).toBe(bobs[1].participant_user_id);

    const noRecording = await env.api.get(`/meetings/${meeting.id}/recordings`);
    expect(noRecording.status).toBe(404);
    expect(noRecording.data).toEqual({ code: 3301, message: 'There is no recording for this meeting.' });

    // Deliveries are recorded with time, event, status and duration.
    await env.emulator.webhooks.waitForIdle();
    const admin = await env.raw.get('/_emulator/webhooks');
    expect(admin.data.deliveries.length).toBe(receiver.received.length);
    expect(admin.data.deliveries[0]).toMatchObject({ event: 'meeting.created', status: 200, attempt: 1, ok: true });
    expect(typeof admin.data.deliveries[0].durationMs).toBe('number');
    expect(typeof admin.data.deliveries[0].time).toBe('number');
  });

  it('a meeting with one participant: no past participants, and the report (two or more people) says 3001', async () => {
    const meeting = await createMeeting();
    await sim(meeting.id, 'start', { at: T('17:00:00') });
    await sim(meeting.id, 'participants', [
      { name: 'Ada Lovelace', userId: ADA.zoomId, joinTime: T('17:00:05'), leaveTime: T('17:20:00') },
      { name: 'Ada Lovelace', userId: ADA.zoomId, joinTime: T('17:21:00') },
    ]);
    const ended = await sim(meeting.id, 'end', { at: T('17:30:00') });
    const uuid = ended.data.uuid as string;
    const past = await env.api.get(`/past_meetings/${encodeURIComponent(uuid)}/participants`);
    expect(past.status).toBe(200);
    expect(past.data).toMatchObject({ total_records: 0, next_page_token: '', participants: [] });
    const report = await env.api.get(`/report/meetings/${encodeURIComponent(uuid)}/participants`);
    expect(report.status).toBe(404);
    expect(report.data).toEqual({ code: 3001, message: `Meeting does not exist: ${uuid}.` });
  });

  it("e-mails of people outside the account are blank everywhere unless shown; an account user's can be hidden", async () => {
    const meeting = await createMeeting();
    await sim(meeting.id, 'start', { at: T('17:00:00') });
    const joined = await sim(meeting.id, 'participants', [
      { name: 'Ada Lovelace', userId: ADA.zoomId, joinTime: T('17:00:05') },
      { name: 'Grace Hopper', email: GRACE.email, joinTime: T('17:00:10') }, // an account user by e-mail
      { name: 'Bob Buyer', email: 'bob@customer.example', joinTime: T('17:01:00') },
      { name: 'Rita Registered', email: 'rita@customer.example', hideEmail: false, joinTime: T('17:02:00') },
      { name: 'Ada Lovelace', userId: ADA.zoomId, hideEmail: true, joinTime: T('17:03:00') },
    ]);
    expect(joined.data.participants.map((p: { email_hidden: boolean }) => p.email_hidden)).toEqual([
      false,
      false,
      true,
      false,
      true,
    ]);
    const ended = await sim(meeting.id, 'end', { at: T('17:30:00') });
    const shown = [ADA.email, GRACE.email, '', 'rita@customer.example', ''];

    await waitFor(() => receiver.of('meeting.participant_left').length === 5);
    const hookEmails = (event: string) =>
      receiver.of(event).map((r) => (r.body.payload.object.participant as { email: string }).email);
    expect(hookEmails('meeting.participant_joined')).toEqual(shown);
    expect(hookEmails('meeting.participant_left')).toEqual(shown);
    for (const path of ['past_meetings', 'report/meetings']) {
      const rows = await env.api.get(`/${path}/${encodeURIComponent(ended.data.uuid)}/participants`);
      expect(rows.data.participants.map((p: { user_email: string }) => p.user_email)).toEqual(shown);
    }
    expect(JSON.stringify(receiver.received)).not.toContain('bob@customer.example');
  });

  it('cloud recording: recording.completed after the delay, then the recordings endpoint', async () => {
    const meeting = await createMeeting({ settings: { auto_recording: 'cloud' } });
    await sim(meeting.id, 'start', { at: T('17:00:00') });
    await sim(meeting.id, 'participants', [{ name: 'Ada Lovelace', userId: ADA.zoomId, joinTime: T('17:00:00') }]);
    const ended = await sim(meeting.id, 'end', { at: T('17:53:30') });
    expect(ended.data.recording).toBe(true);
    const uuid = ended.data.uuid as string;
    // Not ready yet.
    expect((await env.api.get(`/meetings/${encodeURIComponent(uuid)}/recordings`)).data.code).toBe(3301);
    const endedAt = Date.now();
    const completed = await waitFor(() => receiver.of('recording.completed')[0]);
    expect(Date.now() - endedAt).toBeGreaterThanOrEqual(100);
    expect(completed.body.download_token).toEqual(expect.any(String));
    expect(Object.keys(completed.body)).toEqual(['event', 'event_ts', 'download_token', 'payload']);
    expect(completed.body.payload.object).toMatchObject({
      id: meeting.id,
      uuid,
      host_id: ADA.zoomId,
      host_email: ADA.email,
      account_id: DEMO_CREDENTIALS.zoom.accountId,
      duration: 54,
      recording_count: 2,
    });

    const recordings = await env.api.get(`/meetings/${meeting.id}/recordings`);
    expect(recordings.status).toBe(200);
    expect(recordings.data).toMatchObject({ uuid, id: meeting.id, recording_count: 2, participant_audio_files: [] });
    expect(recordings.data).not.toHaveProperty('download_access_token');
    expect(recordings.data.recording_files).toEqual([
      expect.objectContaining({
        file_type: 'MP4',
        recording_type: 'shared_screen_with_speaker_view',
        meeting_id: uuid,
      }),
      expect.objectContaining({ file_type: 'M4A', recording_type: 'audio_only', status: 'completed' }),
    ]);
    expect(recordings.data.total_size).toBe(
      recordings.data.recording_files.reduce((s: number, f: { file_size: number }) => s + f.file_size, 0),
    );
    const withToken = await env.api.get(`/meetings/${encodeURIComponent(uuid)}/recordings`, {
      params: { include_fields: 'download_access_token' },
    });
    expect(withToken.data.download_access_token).toEqual(expect.any(String));

    // `recording: true` records a meeting without cloud auto-recording.
    const other = await createMeeting();
    await sim(other.id, 'start');
    const otherEnded = await sim(other.id, 'end', { recording: true });
    expect(otherEnded.data.recording).toBe(true);
    await waitFor(() => receiver.of('recording.completed').length === 2);
  });

  it('portal edit and API update send meeting.updated with only the changes; delete sends meeting.deleted', async () => {
    const meeting = await createMeeting({ agenda: 'Agenda' });
    const edit = await sim(meeting.id, 'portal-edit', { topic: 'Renamed in the portal', agenda: 'ignored' });
    expect(edit.status).toBe(200);
    expect(edit.data.meeting).toMatchObject({ topic: 'Renamed in the portal', agenda: 'Agenda' });
    const portal = await waitFor(() => receiver.of('meeting.updated')[0]);
    expect(portal.body.payload).toMatchObject({
      account_id: DEMO_CREDENTIALS.zoom.accountId,
      operator: ADA.email, // the host
      operator_id: ADA.zoomId,
      object: { id: meeting.id, topic: 'Renamed in the portal' },
      old_object: { id: meeting.id, topic: 'Pilot review' },
    });
    expect(Object.keys(portal.body.payload.object)).toEqual(['id', 'topic']);
    expect(portal.body.payload.time_stamp).toEqual(expect.any(Number));

    const badEdit = await sim(meeting.id, 'portal-edit', { duration: -5 });
    expect(badEdit.status).toBe(400);

    // A Grace-hosted meeting edited in the portal: Grace is the operator.
    const graces = await env.client.createMeeting(GRACE.email, { topic: 'G', type: 2, start_time: T('18:00:00') });
    await sim(graces.id, 'portal-edit', { start_time: '2026-03-02T14:30:00', timezone: 'America/New_York' });
    const graceEdit = await waitFor(() => receiver.of('meeting.updated')[1]);
    expect(graceEdit.body.payload).toMatchObject({
      operator: GRACE.email,
      object: { id: graces.id, start_time: '2026-03-02T19:30:00Z' },
      old_object: { id: graces.id, start_time: T('18:00:00') },
    });

    await env.client.updateMeeting(meeting.id, { duration: 90, topic: 'Renamed in the portal' });
    const apiEdit = await waitFor(() => receiver.of('meeting.updated')[2]);
    expect(apiEdit.body.payload.object).toEqual({ id: meeting.id, duration: 90 });
    expect(apiEdit.body.payload.old_object).toEqual({ id: meeting.id, duration: 60 });

    await env.client.updateMeeting(meeting.id, { settings: { auto_recording: 'cloud' } });
    const settingsEdit = await waitFor(() => receiver.of('meeting.updated')[3]);
    expect(settingsEdit.body.payload.object).toEqual({ id: meeting.id, settings: { auto_recording: 'cloud' } });

    // A meeting in progress cannot be deleted.
    await sim(meeting.id, 'start');
    const inProgress = await env.api.delete(`/meetings/${meeting.id}`);
    expect(inProgress.status).toBe(400);
    expect(inProgress.data.code).toBe(3002);
    await sim(meeting.id, 'end');

    await env.client.deleteMeeting(meeting.id);
    const deleted = await waitFor(() => receiver.of('meeting.deleted')[0]);
    expect(deleted.body.payload).toMatchObject({
      operator: ADA.email,
      object: { id: meeting.id, host_id: ADA.zoomId, topic: 'Renamed in the portal', duration: 90 },
    });
    expect(typeof deleted.body.payload.object.id).toBe('number');
    // Past data outlives the meeting.
    expect((await env.api.get(`/past_meetings/${meeting.id}`)).status).toBe(200);
  });

  it('simulation errors: unknown meeting, not started, already started', async () => {
    expect((await sim(12345678901, 'start')).data.code).toBe(3001);
    const meeting = await createMeeting();
    expect((await sim(meeting.id, 'end')).status).toBe(409);
    expect((await sim(meeting.id, 'participants', { name: 'X' })).status).toBe(409);
    await sim(meeting.id, 'start', { at: T('17:00:00') });
    expect((await sim(meeting.id, 'start')).status).toBe(409);
    expect((await sim(meeting.id, 'participants', { email: 'no-name@x.example' })).status).toBe(400);
    expect((await sim(meeting.id, 'participants', { name: 'Early', joinTime: T('16:00:00') })).status).toBe(400);
    expect((await env.api.get(`/past_meetings/${meeting.id}`)).data).toEqual({
      code: 3001,
      message: `Meeting does not exist: ${meeting.id}.`,
    });
  });

  it('pause queues deliveries; resume sends them; redeliver sends duplicates', async () => {
    expect((await env.raw.post('/_emulator/webhooks/pause')).data.paused).toBe(true);
    const meeting = await createMeeting();
    await sim(meeting.id, 'start');
    await sleep(100);
    expect(receiver.received).toHaveLength(0);
    const paused = await env.raw.get('/_emulator/webhooks');
    expect(paused.data).toMatchObject({ configured: true, paused: true, pending: 2, deliveries: [] });
    expect(paused.data.events.map((e: { event: string }) => e.event)).toEqual(['meeting.created', 'meeting.started']);

    await env.raw.post('/_emulator/webhooks/resume');
    await waitFor(() => receiver.received.length === 2);
    expect(receiver.received.map((r) => r.body.event)).toEqual(['meeting.created', 'meeting.started']);

    const again = await env.raw.post('/_emulator/webhooks/redeliver', { last: 1 });
    expect(again.data).toEqual({ redelivered: 1 });
    await waitFor(() => receiver.received.length === 3);
    expect(receiver.received[2].raw).toBe(receiver.received[1].raw); // the same event, byte for byte

    expect((await env.raw.post('/_emulator/webhooks/redeliver')).data).toEqual({ redelivered: 2 });
    await waitFor(() => receiver.received.length === 5);
    expect((await env.raw.post('/_emulator/webhooks/redeliver', { last: 0 })).status).toBe(400);
    await env.emulator.webhooks.waitForIdle();
    expect(env.emulator.webhooks.deliveries.filter((d) => d.redelivery)).toHaveLength(3);
  });

  it('a failed delivery is retried with the configured backoff', async () => {
    receiver.failNext = 2;
    await createMeeting();
    await waitFor(() => receiver.of('meeting.created')[0]);
    await env.emulator.webhooks.waitForIdle();
    expect(env.emulator.webhooks.deliveries.map((d) => [d.attempt, d.status, d.ok])).toEqual([
      [1, 500, false],
      [2, 500, false],
      [3, 200, true],
    ]);
  });
});

describe('Zoom emulator webhook retries', () => {
  const MINUTE = 60_000;
  const SCALE = 0.0002; // 5, 20 and 60 minutes become 60, 240 and 720 ms
  /** Zoom's clock, which the receiver moves on by 10 minutes at each failed attempt. */
  let zoomNow = Date.UTC(2026, 2, 2, 17);
  const attempts: { event: string; timestamp: string; signature: string; answer: number | 'hang' }[] = [];
  /** Answers for the next attempts: a status, or 'hang' (no answer within the emulator's timeout). */
  let answers: (number | 'hang')[] = [];
  const app = Fastify();
  let env: Running;

  beforeAll(async () => {
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    app.post('/hooks', async (request, reply) => {
      const answer = answers.shift() ?? 200;
      attempts.push({
        event: JSON.parse(request.body as string).event,
        timestamp: String(request.headers['x-zm-request-timestamp']),
        signature: String(request.headers['x-zm-signature']),
        answer,
      });
      if (answer !== 200) zoomNow += 10 * MINUTE;
      if (answer === 'hang') await sleep(400);
      return reply.code(answer === 'hang' ? 200 : answer).send();
    });
    const url = `${await app.listen({ port: 0, host: '127.0.0.1' })}/hooks`;
    env = await startEmulator({
      now: () => zoomNow,
      webhooks: { url, secretToken: SECRET, retryScale: SCALE, timeoutMs: 100 },
    });
  });
  afterAll(async () => {
    await env.emulator.close();
    await app.close();
  });
  beforeEach(async () => {
    await env.raw.post('/_emulator/reset');
    attempts.length = 0;
    answers = [];
  });

  const createMeeting = (topic: string) =>
    env.client.createMeeting(ADA.email, { topic, type: 2, start_time: T('17:00:00'), duration: 60 });
  const spent = (ms: number) => ms / SCALE / MINUTE;

  it('retries a non-2xx or unanswered delivery 5, 20 and 60 minutes later, same timestamp and signature', async () => {
    answers = [500, 'hang', 404, 204];
    await createMeeting('Retried');
    await waitFor(() => attempts.length === 4, 10_000);
    await env.emulator.webhooks.waitForIdle();
    const deliveries = env.emulator.webhooks.deliveries;
    expect(deliveries.map((d) => [d.attempt, d.status, d.ok])).toEqual([
      [1, 500, false],
      [2, 0, false],
      [3, 404, false],
      [4, 204, true],
    ]);
    // Each wait counts from the attempt before: its start plus the answer or the 100 ms timeout.
    const gaps = deliveries.slice(1).map((d, i) => spent(d.time - deliveries[i].time - deliveries[i].durationMs));
    expect(gaps[0]).toBeGreaterThanOrEqual(5 - 0.1);
    expect(gaps[1]).toBeGreaterThanOrEqual(20 - 0.1);
    expect(gaps[2]).toBeGreaterThanOrEqual(60 - 0.1);
    expect(gaps[0]).toBeLessThan(gaps[1]);
    expect(gaps[1]).toBeLessThan(gaps[2]);
    // Whether Zoom re-stamps a retry is not documented: the emulator sends the first attempt's headers again.
    expect(new Set(attempts.map((a) => a.timestamp)).size).toBe(1);
    expect(new Set(attempts.map((a) => a.signature)).size).toBe(1);
    expect(Number(attempts[0].timestamp)).toBe(Math.floor(Date.UTC(2026, 2, 2, 17) / 1000));
  });

  it('after three failed retries stops sending that event until the retry count is reset', async () => {
    answers = [500, 500, 500, 500];
    const first = await createMeeting('Never acknowledged');
    await waitFor(() => attempts.length === 4, 10_000);
    await env.emulator.webhooks.waitForIdle();
    expect(attempts.map((a) => a.answer)).toEqual([500, 500, 500, 500]);
    expect((await env.raw.get('/_emulator/webhooks')).data.stopped).toEqual(['meeting.created']);

    // Later notifications of that event are recorded but not sent; other events still are.
    await createMeeting('Not notified');
    await env.raw.post(`/_emulator/meetings/${first.id}/start`);
    await waitFor(() => attempts.some((a) => a.event === 'meeting.started'));
    await env.emulator.webhooks.waitForIdle();
    expect(attempts.map((a) => a.event)).toEqual([...Array(4).fill('meeting.created'), 'meeting.started']);
    const admin = (await env.raw.get('/_emulator/webhooks')).data;
    expect(admin.events.map((e: { event: string }) => e.event)).toEqual([
      'meeting.created',
      'meeting.created',
      'meeting.started',
    ]);
    expect(admin.suppressed).toEqual([2]);

    // Zoom: "To reset the retry count, please submit a ticket."
    expect((await env.raw.post('/_emulator/webhooks/reinstate')).data).toEqual({ stopped: [] });
    await createMeeting('Notified again');
    await waitFor(() => attempts.filter((a) => a.event === 'meeting.created').length === 5);
  });

  it("with exhausted: 'notification' only the failed notification is given up", async () => {
    const emulator = createZoomEmulator({
      credentials: DEMO_CREDENTIALS.zoom,
      rateLimits: false,
      now: () => zoomNow,
      webhooks: {
        url: `${app.listeningOrigin}/hooks`,
        secretToken: SECRET,
        retryScale: SCALE,
        timeoutMs: 100,
        exhausted: 'notification',
      },
    });
    const url = await emulator.listen(0);
    try {
      const client = new ZoomClient({
        ...DEMO_CREDENTIALS.zoom,
        apiBaseUrl: `${url}/v2`,
        oauthUrl: `${url}/oauth/token`,
      });
      answers = [500, 500, 500, 500];
      await client.createMeeting(ADA.email, { topic: 'Given up', type: 2, start_time: T('17:00:00') });
      await waitFor(() => attempts.length === 4, 10_000);
      await client.createMeeting(ADA.email, { topic: 'Sent', type: 2, start_time: T('17:00:00') });
      await waitFor(() => attempts.length === 5);
      await emulator.webhooks.waitForIdle();
      expect(attempts.map((a) => a.answer)).toEqual([500, 500, 500, 500, 200]);
    } finally {
      await emulator.close();
    }
  });
});

describe('Zoom emulator awkward UUIDs', () => {
  let env: Running;

  beforeAll(async () => {
    env = await startEmulator({ awkwardUuids: true });
  });
  afterAll(async () => {
    await env.emulator.close();
  });

  it('needs double encoding for UUIDs starting with / or containing //; single encoding gives 404', async () => {
    const meeting = await env.client.createMeeting(ADA.email, { topic: 'Awkward', type: 2, start_time: T('17:00:00') });
    const uuids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      await env.raw.post(`/_emulator/meetings/${meeting.id}/start`);
      await env.raw.post(`/_emulator/meetings/${meeting.id}/participants`, [{ name: 'A' }, { name: 'B' }]);
      uuids.push((await env.raw.post(`/_emulator/meetings/${meeting.id}/end`)).data.uuid as string);
    }
    expect(uuids[0].startsWith('/')).toBe(true);
    expect(uuids[1].startsWith('/') || uuids[1].includes('//')).toBe(false);
    expect(uuids[2]).toContain('//');

    for (const uuid of [uuids[0], uuids[2]]) {
      for (const path of ['/past_meetings/%s', '/past_meetings/%s/participants', '/report/meetings/%s/participants']) {
        const double = await env.api.get(path.replace('%s', enc2(uuid)));
        expect(double.status).toBe(200);
        const single = await env.api.get(path.replace('%s', encodeURIComponent(uuid)));
        expect(single.status).toBe(404);
      }
      expect((await env.api.get(`/past_meetings/${enc2(uuid)}`)).data.uuid).toBe(uuid);
      expect((await env.api.get(`/meetings/${encodeURIComponent(uuid)}/recordings`)).status).toBe(404);
      expect((await env.api.get(`/meetings/${enc2(uuid)}/recordings`)).data.code).toBe(3301);
    }
    // An ordinary UUID works single-encoded.
    expect((await env.api.get(`/past_meetings/${encodeURIComponent(uuids[1])}`)).data.uuid).toBe(uuids[1]);
    const instances = await env.api.get(`/past_meetings/${meeting.id}/instances`);
    expect(instances.data.meetings.map((m: { uuid: string }) => m.uuid)).toEqual(uuids);
    expect((await env.api.get(`/past_meetings/${meeting.id}`)).data.uuid).toBe(uuids[2]);
    // Without a webhook endpoint the events are still recorded.
    expect(env.emulator.webhooks.events.map((e) => e.event)).toContain('meeting.ended');
    expect(env.emulator.webhooks.deliveries).toEqual([]);
  });
});
