/**
 * ZoomClient given the account's plan paces every call under its label's rate, shared by everything in the process
 * (the meeting workflows' outcome reads, the import, the upcoming-meeting checks), so a burst of work waits its
 * turn instead of meeting Zoom's per-second limits as 429s. Against the emulator with the Pro plan's limits on.
 */
import { DEMO_CREDENTIALS, DEMO_USERS } from '../../emulators/demo-org';
import { createZoomEmulator, type ZoomEmulator } from '../../emulators/zoom/server';
import { ZoomClient } from '../../integrations/zoom/client';
import { ZoomApiError } from '../../integrations/zoom/errors';

const ADA = DEMO_USERS[0];

describe('ZoomClient pacing by plan', () => {
  let emulator: ZoomEmulator;
  let url: string;
  let meetingId: number;

  // A fresh emulator per test: each starts with Zoom's per-second windows empty.
  beforeEach(async () => {
    emulator = createZoomEmulator({ credentials: DEMO_CREDENTIALS.zoom, plan: 'pro' });
    url = await emulator.listen(0);
    const setup = clientFor();
    meetingId = (await setup.createMeeting(ADA.email, { topic: 'Review', type: 2, start_time: '2026-12-24T10:00:00Z' }))
      .id;
  });
  afterEach(async () => {
    await emulator.close();
  });

  function clientFor(options: ConstructorParameters<typeof ZoomClient>[1] = {}) {
    return new ZoomClient(
      { ...DEMO_CREDENTIALS.zoom, apiBaseUrl: `${url}/v2`, oauthUrl: `${url}/oauth/token` },
      options,
    );
  }

  /** 45 Medium reads at once (Pro allows 20 a second) and 100 Light ones (30 a second): which were refused. */
  async function burst(client: ZoomClient) {
    const refused = (error: unknown) => error instanceof ZoomApiError && error.httpStatus === 429;
    const outcomes = await Promise.all([
      ...Array.from({ length: 45 }, () =>
        client.listPastMeetingInstances(meetingId).then(
          () => 'ok',
          (error: unknown) => (refused(error) ? '429' : Promise.reject(error)),
        ),
      ),
      ...Array.from({ length: 100 }, () =>
        client.getMeeting(meetingId).then(
          () => 'ok',
          (error: unknown) => (refused(error) ? '429' : Promise.reject(error)),
        ),
      ),
    ]);
    return outcomes.filter((o) => o === '429').length;
  }

  it('without a plan a burst meets the limits (the emulator enforces them)', async () => {
    expect(await burst(clientFor())).toBeGreaterThan(0);
  });

  it('with the plan the same burst is spread under every label and nothing is refused', async () => {
    expect(await burst(clientFor({ plan: 'pro' }))).toBe(0);
  });

  it('a meeting create waits behind none of the Medium reads already queued', async () => {
    const client = clientFor({ plan: 'pro' });
    const from = emulator.admin.requests.length;
    const reads = Array.from({ length: 30 }, () => client.listPastMeetingInstances(meetingId));
    // The reads queue up first (the pacer grants Pro's Medium 18 a second); the create comes after them.
    await new Promise((resolve) => setImmediate(resolve));
    const create = client.createMeeting(ADA.email, { topic: 'Urgent', type: 2, start_time: '2026-12-24T11:00:00Z' });
    await Promise.all([...reads, create]);
    const mediumCalls = emulator.admin.requests.slice(from).filter((r) => r.path.startsWith('/v2/'));
    const createdAt = mediumCalls.findIndex((r) => r.method === 'POST');
    // Without the writes' priority it would be the 31st; with it, at most a read or two already granted go first.
    expect(createdAt).toBeGreaterThanOrEqual(0);
    expect(createdAt).toBeLessThan(3);
  });
});
