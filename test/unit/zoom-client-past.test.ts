/**
 * ZoomClient's past-meeting methods against the emulator: past meeting, instances, participants (all pages),
 * report participants, recordings; UUIDs that need double encoding.
 */
import axios, { type AxiosInstance } from 'axios';
import { DEMO_CREDENTIALS, DEMO_USERS } from '../../emulators/demo-org';
import { createZoomEmulator, type ZoomEmulator } from '../../emulators/zoom/server';
import { ZoomClient } from '../../integrations/zoom/client';
import { ZoomApiError } from '../../integrations/zoom/errors';

const ADA = DEMO_USERS[0];
const T = (hhmmss: string) => `2026-03-02T${hhmmss}Z`;

async function rejection(promise: Promise<unknown>): Promise<ZoomApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ZoomApiError);
  return error as ZoomApiError;
}

describe('ZoomClient past meetings, participants and recordings', () => {
  let emulator: ZoomEmulator;
  let admin: AxiosInstance;
  let client: ZoomClient;

  beforeAll(async () => {
    // Awkward UUIDs: the 1st, 3rd, 5th… instance need double encoding, so the client's encoding is exercised.
    emulator = createZoomEmulator({ credentials: DEMO_CREDENTIALS.zoom, awkwardUuids: true, recordingDelayMs: 50 });
    const url = await emulator.listen(0);
    admin = axios.create({ baseURL: `${url}/_emulator`, validateStatus: () => true });
    client = new ZoomClient({ ...DEMO_CREDENTIALS.zoom, apiBaseUrl: `${url}/v2`, oauthUrl: `${url}/oauth/token` });
  });
  afterAll(async () => {
    await emulator.close();
  });
  beforeEach(async () => {
    await admin.post('/reset');
  });

  /** Runs one instance of a new (or given) meeting with the given participants; returns its id and UUID. */
  async function runMeeting(
    participants: Record<string, unknown>[],
    options: { meetingId?: number; recording?: boolean; start?: string; end?: string } = {},
  ): Promise<{ id: number; uuid: string }> {
    const id =
      options.meetingId ??
      (await client.createMeeting(ADA.email, { topic: 'Review', type: 2, start_time: T('17:00:00') })).id;
    expect((await admin.post(`/meetings/${id}/start`, { at: options.start ?? T('17:00:00') })).status).toBe(201);
    if (participants.length > 0) {
      expect((await admin.post(`/meetings/${id}/participants`, participants)).status).toBe(201);
    }
    const ended = await admin.post(`/meetings/${id}/end`, {
      at: options.end ?? T('17:45:00'),
      recording: options.recording ?? false,
    });
    expect(ended.status).toBe(200);
    return { id, uuid: ended.data.uuid as string };
  }

  it('getPastMeeting by number (latest instance) and by UUID, durations in minutes', async () => {
    const first = await runMeeting([{ name: 'A' }, { name: 'B' }], { end: T('17:30:00') });
    expect(first.uuid.startsWith('/')).toBe(true);
    const second = await runMeeting([{ name: 'A' }], {
      meetingId: first.id,
      start: T('18:00:00'),
      end: T('18:10:30'),
    });

    const latest = await client.getPastMeeting(first.id);
    expect(latest).toMatchObject({
      uuid: second.uuid,
      id: first.id,
      start_time: T('18:00:00'),
      end_time: T('18:10:30'),
      duration: 11,
      participants_count: 1,
      user_email: ADA.email,
    });
    const byUuid = await client.getPastMeeting(first.uuid);
    expect(byUuid).toMatchObject({ uuid: first.uuid, duration: 30, participants_count: 2 });

    expect(await client.listPastMeetingInstances(first.id)).toEqual([
      { start_time: T('17:00:00'), uuid: first.uuid },
      { start_time: T('18:00:00'), uuid: second.uuid },
    ]);
    expect(await client.listPastMeetingInstances(String(first.id))).toHaveLength(2);
  });

  it('listPastMeetingParticipants and listReportParticipants follow next_page_token with page_size 300', async () => {
    // Even guests show their e-mail (Zoom's exceptions, e.g. registration), odd ones have none.
    const people = Array.from({ length: 350 }, (_, i) => ({
      name: `Guest ${i}`,
      email: i % 2 === 0 ? `guest${i}@x.example` : undefined,
      hideEmail: false,
      joinTime: T('17:00:00'),
      leaveTime: T('17:00:30'),
    }));
    const { id, uuid } = await runMeeting(people);
    expect(uuid.startsWith('/')).toBe(true);

    const before = emulator.admin.requests.length;
    const rows = await client.listPastMeetingParticipants(uuid);
    expect(rows).toHaveLength(350);
    expect(rows[0]).toMatchObject({ name: 'Guest 0', user_email: 'guest0@x.example', duration: 30 });
    expect(rows[1].user_email).toBe('');
    const calls = emulator.admin.requests.slice(before).filter((r) => r.path.endsWith('/participants'));
    expect(calls).toHaveLength(2); // 300 + 50

    const report = await client.listReportParticipants(id);
    expect(report).toHaveLength(350);
    expect(report[349]).toMatchObject({ name: 'Guest 349', duration: 30 });
    expect(report[0]).toHaveProperty('participant_user_id');
  });

  it('a one-person meeting: past participants empty, and the report (two or more people only) does not know it', async () => {
    const { uuid } = await runMeeting([
      { name: 'Ada Lovelace', userId: ADA.zoomId, joinTime: T('17:00:00'), leaveTime: T('17:40:00') },
    ]);
    expect(await client.listPastMeetingParticipants(uuid)).toEqual([]);
    expect(await rejection(client.listReportParticipants(uuid))).toMatchObject({ httpStatus: 404, code: 3001 });
  });

  it('getMeetingRecordings: undefined without a recording, the recording once complete', async () => {
    const plain = await runMeeting([{ name: 'A' }, { name: 'B' }]);
    expect(await client.getMeetingRecordings(plain.uuid)).toBeUndefined();

    const recorded = await runMeeting([{ name: 'A' }, { name: 'B' }], { recording: true });
    expect(await client.getMeetingRecordings(recorded.id)).toBeUndefined(); // still processing
    await new Promise((resolve) => setTimeout(resolve, 150));
    const recording = await client.getMeetingRecordings(recorded.id);
    expect(recording).toMatchObject({ uuid: recorded.uuid, id: recorded.id, duration: 45, recording_count: 2 });
    expect(recording?.download_access_token).toBeUndefined();
    expect(recording?.recording_files.map((f) => f.file_type)).toEqual(['MP4', 'M4A']);
    const withToken = await client.getMeetingRecordings(recorded.uuid, { includeDownloadAccessToken: true });
    expect(withToken?.download_access_token).toEqual(expect.any(String));
  });

  it('unknown meetings are ZoomApiErrors with code 3001', async () => {
    for (const call of [
      client.getPastMeeting(98765432109),
      client.getPastMeeting('/unknown//uuid=='),
      client.listPastMeetingInstances(98765432109),
      client.listPastMeetingParticipants('unknown+uuid=='),
      client.listReportParticipants(98765432109),
      client.getMeetingRecordings(98765432109),
    ]) {
      const error = await rejection(call);
      expect(error).toMatchObject({ httpStatus: 404, code: 3001 });
      expect(error.isRetryable).toBe(false);
    }
  });
});
