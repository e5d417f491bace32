/**
 * Which failed create proves that Zoom made no meeting, so that its retry creates at once instead of listing the
 * host's meetings first (issue 12 §1): through the real Zoom client, a refused connection (nothing was sent) proves
 * it; a request Zoom received but never answered does not.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createMeetingActivities, type ScheduledMeeting } from '../../activities/meetings';
import { provesNothingCreated } from '../../activities/create-attempts';
import { planMeeting } from '../../domain/meeting-plan';
import { DEMO_CREDENTIALS, DEMO_USERS } from '../../emulators/demo-org';
import { createZoomEmulator, type ZoomEmulator } from '../../emulators/zoom/server';
import { ZoomClient } from '../../integrations/zoom/client';

const ADA = DEMO_USERS[0];
const EVENT_ID = '00U000000000311AAA';
let emulator: ZoomEmulator;
let zoomUrl: string;

beforeAll(async () => {
  emulator = createZoomEmulator({ credentials: DEMO_CREDENTIALS.zoom, rateLimits: false });
  zoomUrl = await emulator.listen(0, '127.0.0.1');
});
afterAll(() => emulator.close());

/** A port nothing listens on: connections to it are refused before a byte is sent. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Zoom's token from the emulator, its API at `apiBaseUrl`. */
const clientFor = (apiBaseUrl: string, timeoutMs?: number) =>
  new ZoomClient(
    { ...DEMO_CREDENTIALS.zoom, apiBaseUrl, oauthUrl: `${zoomUrl}/oauth/token` },
    timeoutMs ? { timeoutMs } : {},
  );

const plan = planMeeting({
  Id: EVENT_ID,
  Subject: 'Demo',
  StartDateTime: '2030-03-09T15:00:00.000Z',
  EndDateTime: '2030-03-09T15:30:00.000Z',
  OwnerId: ADA.salesforceId,
  SystemModstamp: '2026-11-01T00:00:00.000Z',
  Make_Zoom_Meeting__c: true,
});

test('a refused connection proves nothing was created: the retry creates at once, without listing the host’s meetings', async () => {
  const refused = clientFor(`http://127.0.0.1:${await closedPort()}/v2`);
  const error = await refused.createMeeting(ADA.email, { topic: 'x', type: 2 }).catch((e: unknown) => e);
  expect(error).toMatchObject({ httpStatus: 0 });
  expect(provesNothingCreated(error)).toBe(true);

  const input = { eventId: EVENT_ID, hostEmail: ADA.email, plan };
  const first = new MockActivityEnvironment({ attempt: 1 });
  let details: unknown;
  first.on('heartbeat', (d: unknown) => (details = d));
  const firstActivities = createMeetingActivities({ zoom: refused, salesforce: {} as never });
  await expect(first.run(firstActivities.createZoomMeeting, input)).rejects.toThrow(/ECONNREFUSED/);

  const zoom = clientFor(`${zoomUrl}/v2`);
  const listing = jest.spyOn(zoom, 'listUserMeetings');
  const retry = createMeetingActivities({ zoom, salesforce: {} as never });
  const made: ScheduledMeeting = await new MockActivityEnvironment({ attempt: 2, heartbeatDetails: details }).run(
    retry.createZoomMeeting,
    input,
  );
  expect(made.meetingId).toMatch(/^\d+$/);
  expect(listing).not.toHaveBeenCalled();
});

test('a request Zoom received but never answered proves nothing: the retry must look', async () => {
  // Accepts the connection and reads the request, never answers.
  const sockets: Socket[] = [];
  const silent: Server = createServer((socket) => sockets.push(socket.on('data', () => undefined)));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = silent.address() as { port: number };
    const error = await clientFor(`http://127.0.0.1:${port}/v2`, 300)
      .createMeeting(ADA.email, { topic: 'x', type: 2 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ httpStatus: 0 });
    expect(provesNothingCreated(error)).toBe(false);
  } finally {
    for (const socket of sockets) socket.destroy();
    silent.close();
  }
});
