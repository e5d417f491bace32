/**
 * `fetchMeetingOutcome` with the real Zoom client against the emulator on a fake clock: past data that Zoom
 * publishes a while after the end, a host alone, and guests whose e-mail Zoom does not show.
 */
import axios, { type AxiosInstance } from 'axios';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createOutcomeActivities } from '../../activities/meeting-outcome';
import { PAST_DATA_WAIT_MS } from '../../activities/zoom-failures';
import { DEMO_CREDENTIALS, DEMO_USERS } from '../../emulators/demo-org';
import { type MeetingOutcome } from '../../domain/meeting-outcome';
import { createZoomEmulator, type ZoomEmulator } from '../../emulators/zoom/server';
import { ZoomClient } from '../../integrations/zoom/client';

const ADA = DEMO_USERS[0];
const MINUTE = 60_000;
const PAST_DATA_DELAY_MS = 90_000;

let clock = Date.parse('2026-11-30T10:00:00Z');
let emulator: ZoomEmulator;
let admin: AxiosInstance;
let activities: ReturnType<typeof createOutcomeActivities>;
let client: ZoomClient;

beforeAll(async () => {
  emulator = createZoomEmulator({
    credentials: DEMO_CREDENTIALS.zoom,
    rateLimits: false,
    now: () => clock,
    pastDataDelayMs: PAST_DATA_DELAY_MS,
  });
  const url = await emulator.listen(0);
  admin = axios.create({ baseURL: `${url}/_emulator`, validateStatus: () => true });
  client = new ZoomClient({ ...DEMO_CREDENTIALS.zoom, apiBaseUrl: `${url}/v2`, oauthUrl: `${url}/oauth/token` });
  activities = createOutcomeActivities({ zoom: client });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(async () => {
  await admin.post('/reset');
});

const iso = (ms: number) => new Date(ms).toISOString();

/** A meeting of Ada's held from now for 40 minutes; the clock stops at its end. */
async function held(participants: Record<string, unknown>[]): Promise<{ meetingId: string; instanceUuid: string }> {
  const start = clock;
  const meeting = await client.createMeeting(ADA.email, { topic: 'Review', type: 2, start_time: iso(start) });
  expect((await admin.post(`/meetings/${meeting.id}/start`, { at: iso(start) })).status).toBe(201);
  const withTimes = participants.map((p) => ({ joinTime: iso(start), leaveTime: iso(start + 40 * MINUTE), ...p }));
  expect((await admin.post(`/meetings/${meeting.id}/participants`, withTimes)).status).toBe(201);
  clock = start + 40 * MINUTE;
  const ended = await admin.post(`/meetings/${meeting.id}/end`, { recording: false });
  expect(ended.status).toBe(200);
  return { meetingId: String(meeting.id), instanceUuid: ended.data.uuid as string };
}

/** One attempt of the activity, first scheduled `waitedMs` ago. */
function attempt(
  input: { meetingId: string; instanceUuid?: string },
  waitedMs = 0,
  attemptNo = 1,
): Promise<MeetingOutcome> {
  return new MockActivityEnvironment({
    attempt: attemptNo,
    scheduledTimestampMs: Date.now() - waitedMs,
  }).run(activities.fetchMeetingOutcome, input);
}

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

const ADA_IN = { name: 'Ada Lovelace', userId: ADA.zoomId };
const MARIE_GUEST = { name: 'Marie Curie', email: 'marie.curie@acme.example' };

test('right after the end Zoom has not published the meeting: a retryable pause, then the full outcome', async () => {
  const input = await held([ADA_IN, MARIE_GUEST]);

  const early = await failureOf(attempt(input));
  expect(early.nonRetryable).toBe(false);
  expect(early.nextRetryDelay).toBeDefined();
  expect(early.message).toMatch(/not published/i);

  clock += PAST_DATA_DELAY_MS;
  const outcome = await attempt(input, 10_000, 3);
  expect(outcome).toMatchObject({ state: 'ended', durationMinutes: 40, participantsComplete: true });
  expect(outcome.attendees.map((a) => a.name)).toEqual(['Ada Lovelace', 'Marie Curie']);
});

test('still unpublished an hour after the first try: a permanent failure a user can read', async () => {
  const input = await held([ADA_IN, MARIE_GUEST]);
  const late = await failureOf(attempt(input, PAST_DATA_WAIT_MS + MINUTE, 40));
  expect(late.nonRetryable).toBe(true);
  expect(late.type).not.toBe('ZoomMeetingNotFound');
  expect(late.message).toMatch(/Zoom has not published/);
});

test('the poll before publication finds no ended instance yet rather than a deleted meeting', async () => {
  const { meetingId } = await held([ADA_IN, MARIE_GUEST]);
  await expect(attempt({ meetingId })).resolves.toMatchObject({ state: 'not-started' });
  clock += PAST_DATA_DELAY_MS;
  await expect(attempt({ meetingId })).resolves.toMatchObject({ state: 'ended' });
});

test('a host alone is one participant, the host, complete, without asking the Heavy report', async () => {
  const input = await held([ADA_IN]);
  clock += PAST_DATA_DELAY_MS;
  const outcome = await attempt(input);
  expect(outcome).toMatchObject({ state: 'ended', participantsComplete: true });
  expect(outcome.attendees).toEqual([
    { name: `${ADA.firstName} ${ADA.lastName}`, email: ADA.email, minutes: 40, segments: 1 },
  ]);
  expect(emulator.admin.requests.filter((r) => r.path.startsWith('/v2/report/'))).toEqual([]);
});

test('guests without a shown e-mail are counted by name; a shown one is kept', async () => {
  const input = await held([
    ADA_IN,
    MARIE_GUEST,
    { name: 'Niels Bohr', email: 'niels@partner.example', hideEmail: false },
  ]);
  clock += PAST_DATA_DELAY_MS;
  const outcome = await attempt(input);
  expect(outcome.attendees.map((a) => [a.name, a.email])).toEqual([
    ['Ada Lovelace', ADA.email],
    ['Marie Curie', undefined],
    ['Niels Bohr', 'niels@partner.example'],
  ]);
});

test('a read abandoned while Zoom answers slowly stops there and asks Zoom nothing more', async () => {
  // A local read the workflow gave up on (its timeout) hands over to the remote read: left running, it would ask
  // Zoom its remaining calls for nothing, at the moment Zoom's rate is already the bottleneck.
  const { meetingId } = await held([ADA_IN, MARIE_GUEST]);
  clock += PAST_DATA_DELAY_MS;
  expect((await admin.post('/faults', { method: 'GET', path: '^/v2/meetings/\\d+$', delayMs: 1_000 })).status).toBe(
    201,
  );
  const env = new MockActivityEnvironment({ attempt: 1, scheduledTimestampMs: Date.now() });
  const reading = env.run(activities.fetchMeetingOutcome, { meetingId });
  const asked = emulator.admin.requests.length;
  env.cancel();
  // Without the cancellation reaching its requests it would wait out the slow answer and read on: an outcome.
  await expect(reading).rejects.toBeDefined();
  const after = emulator.admin.requests.slice(asked).map((r) => r.path);
  expect(after.filter((path) => path.startsWith('/v2/past_meetings'))).toEqual([]);
});
