/**
 * A Zoom credential refused (issue 11 §4): the client takes a new token and replays once; a credential that stays
 * refused (a rotated client secret, a deactivated app) is an operator problem, retried slowly and reported once by
 * the worker, never a permanent failure of each Event's step. The emulator's `/_emulator/credentials` plays the
 * rotation and the revocation.
 */
import axios from 'axios';
import { DEMO_CREDENTIALS, DEMO_USERS } from '../../emulators/demo-org';
import { createZoomEmulator, type ZoomEmulator } from '../../emulators/zoom/server';
import { ZoomClient } from '../../integrations/zoom/client';
import { ZoomApiError } from '../../integrations/zoom/errors';
import { FailureTypes } from '../../activities/failures';
import { CREDENTIALS_RETRY_DELAY_MS, zoomFailure } from '../../activities/zoom-failures';
import { createZoomCredentialWatch } from '../../activities/zoom-credentials';
import { createMeetingActivities } from '../../activities/meetings';
import { planMeeting } from '../../domain/meeting-plan';
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure, type MetricMeter } from '@temporalio/common';

const ADA = DEMO_USERS[0];
const ROTATED = 'a-rotated-client-secret';

let emulator: ZoomEmulator;
let url: string;
const config = () => ({ ...DEMO_CREDENTIALS.zoom, apiBaseUrl: `${url}/v2`, oauthUrl: `${url}/oauth/token` });
const credentials = (body: object) => axios.post(`${url}/_emulator/credentials`, body, { validateStatus: () => true });
const tokenRequests = () => emulator.admin.requests.filter((r) => r.path.startsWith('/oauth/token')).length;

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

beforeAll(async () => {
  emulator = createZoomEmulator({ credentials: DEMO_CREDENTIALS.zoom, rateLimits: false });
  url = await emulator.listen(0);
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(async () => {
  await axios.post(`${url}/_emulator/reset`);
});

describe('the emulator rotates and revokes the app credentials', () => {
  test('a rotated secret: the old one is refused at the token endpoint, tokens issued before are refused', async () => {
    const client = new ZoomClient(config());
    await client.getUser(ADA.email);
    const rotated = await credentials({ clientSecret: ROTATED });
    expect(rotated.status).toBe(200);
    const error = await rejection(client.getUser(ADA.email));
    expect(error).toBeInstanceOf(ZoomApiError);
    expect((error as ZoomApiError).httpStatus).toBe(401);
    expect((error as ZoomApiError).message).toBe('Invalid client_id or client_secret');
    const raw = await axios.get(`${url}/v2/users/me`, { validateStatus: () => true });
    expect(raw.data).toEqual({ code: 124, message: 'Invalid access token.' });

    await expect(new ZoomClient({ ...config(), clientSecret: ROTATED }).getUser(ADA.email)).resolves.toMatchObject({
      email: ADA.email,
    });
    await axios.post(`${url}/_emulator/reset`);
    await expect(new ZoomClient(config()).getUser(ADA.email)).resolves.toMatchObject({ email: ADA.email });
  });

  test('bad input to the control is a 400', async () => {
    expect((await credentials({ clientSecret: '' })).status).toBe(400);
    expect((await credentials({ revokeTokens: 'yes' })).status).toBe(400);
  });

  test('revoked tokens: the client takes a new token and replays the call once', async () => {
    const client = new ZoomClient(config());
    await client.getUser(ADA.email);
    const before = tokenRequests();
    expect((await credentials({ revokeTokens: true })).status).toBe(200);
    await expect(client.getUser(ADA.email)).resolves.toMatchObject({ email: ADA.email });
    expect(tokenRequests()).toBe(before + 1);
  });
});

describe('a credential that stays refused', () => {
  test('is a slow retry of type ZoomCredentialsRefused, not a permanent failure, and names what to do', async () => {
    await credentials({ clientSecret: ROTATED });
    const error = await rejection(new ZoomClient(config()).getUser(ADA.email));
    expect((error as ZoomApiError).isCredentialRefusal).toBe(true);
    const failure = zoomFailure(error, 'create the meeting') as ApplicationFailure;
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.type).toBe(FailureTypes.zoomCredentialsRefused);
    expect(failure.nonRetryable).toBe(false);
    expect(failure.nextRetryDelay).toBe(CREDENTIALS_RETRY_DELAY_MS);
    expect(failure.message).toMatch(/Zoom refused the app's credentials .*ZOOM_CLIENT_SECRET/);
  });

  test('an API 401 after a fresh token (a deactivated app) is a refusal too; a validation 400 is not', () => {
    const refused = new ZoomApiError({ httpStatus: 401, code: 124, message: 'Invalid access token.' });
    const invalid = new ZoomApiError({ httpStatus: 400, code: 300, message: 'Validation Failed.' });
    const notFound = new ZoomApiError({ httpStatus: 404, code: 3001, message: 'Meeting 1 is not found.' });
    expect(refused.isCredentialRefusal).toBe(true);
    expect(invalid.isCredentialRefusal).toBe(false);
    expect(notFound.isCredentialRefusal).toBe(false);
  });

  test('the client reports the refusal once however many calls fail, and the recovery once', async () => {
    const changes: boolean[] = [];
    const client = new ZoomClient(config(), {
      credentialWatch: { refused: () => changes.push(true), accepted: () => changes.push(false) },
    });
    await client.getUser(ADA.email);
    await credentials({ clientSecret: ROTATED });
    for (let i = 0; i < 5; i += 1) await rejection(client.getUser(ADA.email));
    expect(changes).toEqual([true]);
    await credentials({ clientSecret: DEMO_CREDENTIALS.zoom.clientSecret });
    await client.getUser(ADA.email);
    await client.getUser(ADA.email);
    expect(changes).toEqual([true, false]);
  });

  test("the worker's watch logs one line per refusal and one when Zoom accepts again", () => {
    const lines: string[] = [];
    const gauge: number[] = [];
    const meter = { createGauge: () => ({ set: (value: number) => gauge.push(value) }) } as unknown as MetricMeter;
    const watch = createZoomCredentialWatch((line) => lines.push(line), meter);
    watch.refused('Invalid client_id or client_secret');
    watch.refused('Invalid client_id or client_secret');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/Zoom refused the app's credentials \(Invalid client_id or client_secret\)/);
    watch.accepted();
    watch.accepted();
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/accepts the app's credentials again/);
    expect(lines.join('\n')).not.toContain(DEMO_CREDENTIALS.zoom.clientSecret);
    expect(gauge).toEqual([0, 1, 0]);
  });
});

test('the create activity over the real client: a rotated secret is ZoomCredentialsRefused, and the worker logs it once', async () => {
  const lines: string[] = [];
  const client = new ZoomClient(config(), { credentialWatch: createZoomCredentialWatch((line) => lines.push(line)) });
  const activities = createMeetingActivities({
    zoom: client,
    salesforce: { getUser: jest.fn(), getEvent: jest.fn(), updateEvent: jest.fn(), isEventDeleted: jest.fn() },
  });
  const plan = planMeeting({
    Id: '00U000000000001EAA',
    Subject: 'Demo',
    StartDateTime: '2026-12-01T10:00:00.000Z',
    EndDateTime: '2026-12-01T10:30:00.000Z',
    OwnerId: '005000000000001AAA',
    SystemModstamp: '2026-11-01T00:00:00.000Z',
    Make_Zoom_Meeting__c: true,
  });
  await credentials({ clientSecret: ROTATED });
  for (let i = 0; i < 3; i += 1) {
    const failure = await rejection(
      new MockActivityEnvironment().run(activities.createZoomMeeting, {
        eventId: '00U000000000001EAA',
        hostEmail: ADA.email,
        plan,
      }),
    );
    expect(failure).toMatchObject({ type: FailureTypes.zoomCredentialsRefused, nonRetryable: false });
  }
  expect(lines).toHaveLength(1);
  expect(emulator.store.meetings.size).toBe(0);
});
