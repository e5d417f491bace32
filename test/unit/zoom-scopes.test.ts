/**
 * The scopes the worker needs from the Zoom app: the start-up check names any that are missing, the client takes a
 * new token after a 4711 (a scope added meanwhile applies at once), and a 4711 in an activity is an operator problem
 * that retries slowly instead of an Error on the Event.
 */
import axios from 'axios';
import { DEMO_CREDENTIALS, DEMO_USERS } from '../../emulators/demo-org';
import { createZoomEmulator, type ZoomEmulator } from '../../emulators/zoom/server';
import { ZoomClient } from '../../integrations/zoom/client';
import { ZoomApiError } from '../../integrations/zoom/errors';
import { REQUIRED_ZOOM_SCOPES } from '../../integrations/zoom/scopes';
import { zoomFailure, ZOOM_SCOPE_MISSING } from '../../activities/zoom-failures';
import { checkZoomScopes } from '../../workers/zoom-scope-check';

const ADA = DEMO_USERS[0];
const RECORDINGS = 'cloud_recording:read:list_recording_files:admin';
const REPORT = 'report:read:list_meeting_participants:admin';

let emulator: ZoomEmulator;
let url: string;
const config = () => ({ ...DEMO_CREDENTIALS.zoom, apiBaseUrl: `${url}/v2`, oauthUrl: `${url}/oauth/token` });
const grant = (granted: string[]) => axios.post(`${url}/_emulator/scopes`, { granted });
const everyScope = () => REQUIRED_ZOOM_SCOPES.map((s) => s.scope);

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

describe('start-up scope check', () => {
  test('a fully scoped app passes, with no log line', async () => {
    const lines: string[] = [];
    const result = await checkZoomScopes(new ZoomClient(config()), (line) => lines.push(line));
    expect(result).toEqual({ ok: true, missing: [] });
    expect(lines).toEqual([]);
  });

  test('missing scopes are named in one log line, with what they are for', async () => {
    await grant(everyScope().filter((s) => s !== RECORDINGS && s !== REPORT));
    const lines: string[] = [];
    const result = await checkZoomScopes(new ZoomClient(config()), (line) => lines.push(line));
    expect(result).toEqual({ ok: false, missing: [REPORT, RECORDINGS] });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^The Zoom app lacks 2 scopes the worker needs: /);
    expect(lines[0]).toContain(`${REPORT} (`);
    expect(lines[0]).toContain(`${RECORDINGS} (`);
  });

  test('a classic scope stands in for the granular ones it covers (apps made before May 2024)', async () => {
    await grant([
      'meeting:read:admin',
      'meeting:write:admin',
      'user:read:admin',
      'report:read:admin',
      'recording:read:admin',
    ]);
    expect(await checkZoomScopes(new ZoomClient(config()), () => undefined)).toEqual({ ok: true, missing: [] });
  });

  test('Zoom out of reach: the check says so and does not stop the worker', async () => {
    const lines: string[] = [];
    const unreachable = new ZoomClient({ ...config(), oauthUrl: 'http://127.0.0.1:9/oauth/token' }, { timeoutMs: 500 });
    const result = await checkZoomScopes(unreachable, (line) => lines.push(line));
    expect(result).toEqual({
      ok: false,
      missing: [],
      error: expect.stringMatching(/Could not reach Zoom|did not answer/),
    });
    expect(lines).toHaveLength(1);
  });
});

describe('4711 in the client and the activities', () => {
  test('after a 4711 the client takes a new token once, so a scope added meanwhile works at once', async () => {
    await grant(everyScope().filter((s) => s !== 'meeting:read:meeting:admin'));
    const client = new ZoomClient(config());
    const meeting = await client.createMeeting(ADA.email, {
      topic: 'x',
      type: 2,
      start_time: '2030-01-01T10:00:00Z',
      duration: 30,
    });
    const refused = await client.getMeeting(meeting.id).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ZoomApiError);
    expect(refused).toMatchObject({ httpStatus: 400, code: 4711, missingScopes: ['meeting:read:meeting:admin'] });

    await grant(everyScope());
    const tokensBefore = emulator.admin.requests.filter((r) => r.path === '/oauth/token').length;
    expect((await client.getMeeting(meeting.id)).id).toBe(meeting.id);
    expect(emulator.admin.requests.filter((r) => r.path === '/oauth/token').length - tokensBefore).toBe(1);
  });

  test('an activity turns 4711 into a slow, retryable operator failure naming the scope', () => {
    const failure = zoomFailure(
      new ZoomApiError({
        httpStatus: 400,
        code: 4711,
        message: `Invalid access token, does not contain scopes:[${RECORDINGS}].`,
        missingScopes: [RECORDINGS],
      }),
      'read the recording',
    );
    expect(failure).toMatchObject({
      type: ZOOM_SCOPE_MISSING,
      nonRetryable: false,
      nextRetryDelay: 10 * 60_000,
      message: `The Zoom app lacks the scope ${RECORDINGS}; a Zoom admin must add it to the app (see README, Configuration). Retrying every 10 minutes.`,
    });
  });
});
