/**
 * The live part of the meeting workflow on the time-skipping server: Zoom webhooks in every order they can
 * arrive (or not at all), the post-meeting sync, the recording that comes later and the launch e-mail.
 */
import type { MeetingOutcome } from '../../domain/meeting-outcome';
import { meetingStateQuery, syncNowUpdate, zoomEventSignal } from '../../workflows/messages';
import { NOT_STARTED_AFTER_MS, POLL_DELAYS_MS } from '../../workflows/meeting';
import {
  fakeActivities,
  HOUR,
  useMeetingWorkflowHarness,
  MINUTE,
  nextEventId,
  snapshot,
  upsert,
  waitForCalls,
  waitForState,
  waitUntil,
  zoomEvent,
  type Fakes,
  writesOf,
} from '../helpers/meeting-workflow-harness';
import { uniqueTaskQueue } from '../helpers/temporal';

const harness = useMeetingWorkflowHarness();

const UUID = 'aDYlohsHRtCd4ii1uC2+hA==';

function endedOutcome(overrides: Partial<MeetingOutcome> = {}): MeetingOutcome {
  return {
    state: 'ended',
    instanceUuid: UUID,
    actualStart: '2026-11-26T15:02:00.000Z',
    actualEnd: '2026-11-26T15:44:00.000Z',
    durationMinutes: 42,
    attendees: [
      { name: 'Ada Lovelace', email: 'ada@x.example', minutes: 42, segments: 2 },
      { name: 'Marie Curie', email: 'marie@acme.example', minutes: 30, segments: 1 },
      { name: 'Guest', minutes: 5, segments: 1 },
    ],
    participantsComplete: true,
    ...overrides,
  };
}

/** The Event's Ended writes, once `count` have been made: the state shows an end before the write is sent. */
async function endWrites(acts: Fakes, count: number): Promise<Record<string, unknown>[]> {
  const ends = () => writesOf(acts).filter((f) => f.Zoom_Status__c === 'Ended');
  await waitUntil(
    () => ends().length >= count,
    () => `Expected ${count} end write(s), saw ${ends().length}`,
  );
  return ends();
}

async function scheduled(acts: Fakes, taskQueue: string) {
  const now = await harness.env.currentTimeMs();
  const handle = await harness.signalWithStart(taskQueue, upsert(snapshot(nextEventId(), now)));
  const state = await waitForState(handle, (s) => s.phase === 'scheduled');
  return { handle, meetingId: state.zoomMeetingId!, now };
}

test('started, ended and a recording later: the Event follows each step and the workflow finishes', async () => {
  const acts = fakeActivities({ fetchMeetingOutcome: jest.fn(async () => endedOutcome()) });
  await harness.withWorker(acts, async (taskQueue) => {
    const { handle, meetingId } = await scheduled(acts, taskQueue);

    await handle.signal(
      zoomEventSignal,
      zoomEvent('started', meetingId, { meetingUuid: UUID, startTime: '2026-11-26T15:02:00.000Z' }),
    );
    await waitForState(handle, (s) => s.phase === 'started' && s.launchEmail === 'sent');
    expect(writesOf(acts)).toContainEqual({
      Zoom_Status__c: 'Started',
      Zoom_Actual_Start__c: '2026-11-26T15:02:00.000Z',
    });
    expect(acts.sendLaunchEmail).toHaveBeenCalledTimes(1);
    expect(acts.sendLaunchEmail.mock.calls[0][0]).toMatchObject({ topic: 'Quarterly review', passcode: 'x7Y2' });

    await handle.signal(zoomEventSignal, zoomEvent('participant_joined', meetingId, { meetingUuid: UUID }));
    await handle.signal(zoomEventSignal, zoomEvent('ended', meetingId, { meetingUuid: UUID }));
    const ended = await waitForState(handle, (s) => s.phase === 'ended');
    expect(acts.fetchMeetingOutcome).toHaveBeenCalledWith(expect.objectContaining({ meetingId, instanceUuid: UUID }));
    expect(ended).toMatchObject({ status: 'Ended', participantCount: 3, successful: true, durationMinutes: 42 });
    expect(await endWrites(acts, 1)).toEqual([
      expect.objectContaining({
        Zoom_Status__c: 'Ended',
        Zoom_Actual_Start__c: '2026-11-26T15:02:00.000Z',
        Zoom_Actual_End__c: '2026-11-26T15:44:00.000Z',
        Zoom_Duration_Minutes__c: 42,
        Zoom_Participant_Count__c: 3,
        Zoom_Successful__c: true,
        Zoom_Participants__c:
          'Ada Lovelace <ada@x.example>: 42 min\nMarie Curie <marie@acme.example>: 30 min\nGuest: 5 min',
      }),
    ]);

    await handle.signal(
      zoomEventSignal,
      zoomEvent('recording_completed', meetingId, {
        meetingUuid: UUID,
        recording: {
          shareUrl: 'https://zoom.test/rec/share/abc',
          files: [
            {
              fileType: 'MP4',
              fileSize: 1024 * 1024,
              recordingStart: '2026-11-26T15:02:00Z',
              recordingEnd: '2026-11-26T15:44:00Z',
            },
          ],
        },
      }),
    );
    const result = await handle.result();
    expect(result.recordingUrl).toBe('https://zoom.test/rec/share/abc');
    expect(writesOf(acts).at(-1)).toEqual({
      Zoom_Recording_URL__c: 'https://zoom.test/rec/share/abc',
      Zoom_Recording_Summary__c: '1 file (MP4), 42 min, 1.0 MB',
    });
    expect(acts.fetchMeetingOutcome).toHaveBeenCalledTimes(1);
  });
});

test("the webhook's end reaches the Event before Zoom's report, which then completes it", async () => {
  const acts = fakeActivities({ fetchMeetingOutcome: jest.fn(async () => endedOutcome()) });
  await harness.withWorker(acts, async (taskQueue) => {
    const { handle, meetingId } = await scheduled(acts, taskQueue);
    const start = '2026-11-26T15:02:00.000Z';
    await handle.signal(zoomEventSignal, zoomEvent('started', meetingId, { meetingUuid: UUID, startTime: start }));
    await waitForState(handle, (s) => s.phase === 'started');
    const end = '2026-11-26T15:43:30.000Z';
    await handle.signal(zoomEventSignal, zoomEvent('ended', meetingId, { meetingUuid: UUID, endTime: end }));
    await waitForState(handle, (s) => s.phase === 'ended');
    const ends = await endWrites(acts, 2);
    expect(ends).toEqual([
      {
        Zoom_Status__c: 'Ended',
        Zoom_Actual_Start__c: start,
        Zoom_Actual_End__c: end,
        Zoom_Duration_Minutes__c: 42,
        Zoom_Sync_Error__c: null,
      },
      expect.objectContaining({ Zoom_Participant_Count__c: 3, Zoom_Actual_End__c: '2026-11-26T15:44:00.000Z' }),
    ]);
    const firstEndWrite = acts.writeEventFields.mock.invocationCallOrder[writesOf(acts).indexOf(ends[0])];
    expect(firstEndWrite).toBeLessThan(acts.fetchMeetingOutcome.mock.invocationCallOrder[0]);
  });
});

test("an early end write Salesforce refuses is left to the full one after Zoom's report, not retried", async () => {
  const acts = fakeActivities({ fetchMeetingOutcome: jest.fn(async () => endedOutcome()) });
  await harness.withWorker(acts, async (taskQueue) => {
    const { handle, meetingId } = await scheduled(acts, taskQueue);
    await handle.signal(zoomEventSignal, zoomEvent('started', meetingId, { meetingUuid: UUID }));
    await waitForState(handle, (s) => s.phase === 'started');
    acts.writeEventFields.mockRejectedValueOnce(new Error('Salesforce unavailable'));
    const end = '2026-11-26T15:43:30.000Z';
    await handle.signal(zoomEventSignal, zoomEvent('ended', meetingId, { meetingUuid: UUID, endTime: end }));
    const ended = await waitForState(handle, (s) => s.phase === 'ended');
    expect(ended).toMatchObject({ status: 'Ended', participantCount: 3 });
    const ends = await endWrites(acts, 2);
    expect(ends.map((f) => f.Zoom_Participant_Count__c)).toEqual([undefined, 3]);
    expect(acts.fetchMeetingOutcome).toHaveBeenCalledTimes(1);
  });
});

test('ended arriving before started still ends the meeting, and the late started changes nothing', async () => {
  const acts = fakeActivities({ fetchMeetingOutcome: jest.fn(async () => endedOutcome()) });
  await harness.withWorker(acts, async (taskQueue) => {
    const { handle, meetingId } = await scheduled(acts, taskQueue);
    await handle.signal(zoomEventSignal, zoomEvent('ended', meetingId, { meetingUuid: UUID, eventTs: 2000 }));
    await waitForState(handle, (s) => s.phase === 'ended');
    await handle.signal(zoomEventSignal, zoomEvent('started', meetingId, { meetingUuid: UUID, eventTs: 1000 }));
    await handle.signal(
      zoomEventSignal,
      zoomEvent('participant_left', meetingId, { meetingUuid: UUID, eventTs: 3000 }),
    );
    const state = await waitForState(handle, (s) => s.liveParticipants === 0);
    expect(state.phase).toBe('ended');
    await endWrites(acts, 1);
    expect(writesOf(acts).map((f) => f.Zoom_Status__c)).toEqual(['Scheduled', 'Ended']);
  });
});

test('duplicate webhooks are applied once', async () => {
  const acts = fakeActivities({
    fetchMeetingOutcome: jest.fn(async () => endedOutcome({ recording: { summary: 'x' } })),
  });
  await harness.withWorker(acts, async (taskQueue) => {
    const { handle, meetingId } = await scheduled(acts, taskQueue);
    const started = zoomEvent('started', meetingId, { meetingUuid: UUID });
    const ended = zoomEvent('ended', meetingId, { meetingUuid: UUID });
    for (const event of [started, started, started, ended, ended]) await handle.signal(zoomEventSignal, event);
    await handle.result();
    expect(acts.sendLaunchEmail).toHaveBeenCalledTimes(1);
    expect(acts.fetchMeetingOutcome).toHaveBeenCalledTimes(1);
    expect(writesOf(acts).filter((f) => f.Zoom_Status__c === 'Started')).toHaveLength(1);
  });
});

test('with no webhooks at all, the workflow asks Zoom after the scheduled end and reaches the same result', async () => {
  const acts = fakeActivities({
    fetchMeetingOutcome: jest.fn(async () =>
      endedOutcome({ recording: { shareUrl: 'https://zoom.test/rec/1', summary: 's' } }),
    ),
  });
  await harness.withWorker(acts, async (taskQueue) => {
    const { handle, meetingId } = await scheduled(acts, taskQueue);
    // Start in 2 h, 30 min long, then the first poll 15 min after the end.
    const result = await handle.result();
    expect(acts.fetchMeetingOutcome).toHaveBeenCalledTimes(1);
    expect(acts.fetchMeetingOutcome.mock.calls[0][0]).toEqual({
      meetingId,
      instanceUuid: undefined,
      notBefore: undefined,
    });
    expect(result).toMatchObject({ phase: 'ended', participantCount: 3, recordingUrl: 'https://zoom.test/rec/1' });
    expect(POLL_DELAYS_MS[0]).toBe(15 * MINUTE);
  });
});

test('a meeting nobody starts ends as Not Started after polling with backoff', async () => {
  const acts = fakeActivities();
  await harness.withWorker(acts, async (taskQueue) => {
    const { handle } = await scheduled(acts, taskQueue);
    const result = await handle.result();
    expect(result.phase).toBe('not-started');
    expect(writesOf(acts).at(-1)).toEqual({ Zoom_Status__c: 'Not Started' });
    // Polls at end+15m, +30m, +1h, +2h, +4h: growing gaps, not a fixed rate.
    expect(acts.fetchMeetingOutcome.mock.calls.length).toBeGreaterThanOrEqual(4);
    expect(acts.fetchMeetingOutcome.mock.calls.length).toBeLessThanOrEqual(NOT_STARTED_AFTER_MS / POLL_DELAYS_MS[0]);
  });
});

test('participants Zoom has not published yet are fetched again', async () => {
  const fetch = jest
    .fn()
    .mockResolvedValueOnce(endedOutcome({ attendees: [], participantsComplete: false, recording: { summary: 'r' } }))
    .mockResolvedValue(endedOutcome({ recording: { summary: 'r' } }));
  const acts = fakeActivities({ fetchMeetingOutcome: fetch });
  await harness.withWorker(acts, async (taskQueue) => {
    const { handle, meetingId } = await scheduled(acts, taskQueue);
    await handle.signal(zoomEventSignal, zoomEvent('ended', meetingId, { meetingUuid: UUID }));
    const result = await handle.result();
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(result.participantCount).toBe(3);
    const counts = writesOf(acts)
      .filter((f) => f.Zoom_Status__c === 'Ended')
      .map((f) => f.Zoom_Participant_Count__c);
    expect(counts).toEqual([0, 3]);
  });
});

test('"Sync Meeting Details" while the workflow runs answers with what it wrote', async () => {
  const acts = fakeActivities({ fetchMeetingOutcome: jest.fn(async () => endedOutcome()) });
  await harness.withWorker(acts, async (taskQueue) => {
    const { handle } = await scheduled(acts, taskQueue);
    const written = await handle.executeUpdate(syncNowUpdate);
    expect(written).toMatchObject({ Zoom_Status__c: 'Ended', Zoom_Participant_Count__c: 3, Zoom_Successful__c: true });
    expect((await handle.query(meetingStateQuery)).phase).toBe('ended');
  });
});

test('a Zoom-side edit flows back to the Event, and our own PATCH echo is ignored', async () => {
  const acts = fakeActivities();
  await harness.withWorker(acts, async (taskQueue) => {
    const { handle, meetingId, now } = await scheduled(acts, taskQueue);
    const state = await handle.query(meetingStateQuery);
    // The echo of our own create/update (older than our last write) changes nothing.
    await handle.signal(
      zoomEventSignal,
      zoomEvent('updated', meetingId, { eventTs: now - 1000, changes: { topic: 'Echo' } }),
    );
    const newStart = new Date(now + 3 * HOUR).toISOString();
    await handle.signal(
      zoomEventSignal,
      zoomEvent('updated', meetingId, {
        eventTs: now + 60_000,
        changes: { topic: 'Renamed in Zoom', startTime: newStart, duration: 50 },
      }),
    );
    const moved = await waitForState(handle, (s) => s.startTime === newStart);
    await waitForCalls(acts.writeEventSchedule);
    expect(moved.startTime).not.toBe(state.startTime);
    expect(acts.writeEventSchedule).toHaveBeenCalledTimes(1);
    expect(acts.writeEventSchedule.mock.calls[0][0].fields).toEqual({
      Subject: 'Renamed in Zoom',
      StartDateTime: newStart,
      EndDateTime: new Date(now + 3 * HOUR + 50 * MINUTE).toISOString(),
    });
    expect(acts.updateZoomMeeting).not.toHaveBeenCalled();
  });
});

test('a meeting deleted in Zoom cancels the Event and unticks its box', async () => {
  const acts = fakeActivities();
  await harness.withWorker(acts, async (taskQueue) => {
    const { handle, meetingId } = await scheduled(acts, taskQueue);
    await handle.signal(zoomEventSignal, zoomEvent('deleted', meetingId));
    const state = await waitForState(handle, (s) => s.phase === 'cancelled');
    await waitForCalls(acts.writeEventSchedule);
    expect(state.zoomMeetingId).toBeUndefined();
    expect(acts.deleteZoomMeeting).not.toHaveBeenCalled();
    expect(acts.writeEventSchedule).toHaveBeenCalledWith(
      expect.objectContaining({ fields: { Make_Zoom_Meeting__c: false } }),
    );
  });
});

test('the launch e-mail is sent once even when the worker restarts mid-meeting', async () => {
  const taskQueue = uniqueTaskQueue('restart');
  const first = fakeActivities();
  // No workflow cache (no sticky queue): the test server cannot hand a dead worker's sticky tasks over, and every
  // workflow task then replays the whole history, as a restarted worker does.
  const workerA = await harness.newWorker(first, taskQueue, { maxCachedWorkflows: 0 });
  const zoomWritesA = await harness.newZoomWritesWorker(first, taskQueue);
  const { handle, meetingId } = await workerA.runUntil(
    zoomWritesA.runUntil(async () => {
      const s = await scheduled(first, taskQueue);
      await s.handle.signal(zoomEventSignal, zoomEvent('started', s.meetingId, { meetingUuid: UUID }));
      await waitForState(s.handle, (st) => st.launchEmail === 'sent');
      return s;
    }),
  );
  expect(first.sendLaunchEmail).toHaveBeenCalledTimes(1);

  // A new worker process (fresh activities, empty workflow cache) replays the history and carries on.
  const second = fakeActivities({
    fetchMeetingOutcome: jest.fn(async () => endedOutcome({ recording: { summary: 'r' } })),
  });
  const workerB = await harness.newWorker(second, taskQueue, { maxCachedWorkflows: 0 });
  try {
    await workerB.runUntil(async () => {
      await handle.signal(zoomEventSignal, zoomEvent('ended', meetingId, { meetingUuid: UUID }));
      await handle.result();
    });
    expect(second.sendLaunchEmail).not.toHaveBeenCalled();
    expect(second.fetchMeetingOutcome).toHaveBeenCalledTimes(1);
  } finally {
    await harness.terminateStarted(taskQueue);
  }
});

test('a webhook delivered again (a Zoom retry or a replay, same dedupeKey) is applied once', async () => {
  const acts = fakeActivities();
  await harness.withWorker(acts, async (taskQueue) => {
    const { handle, meetingId } = await scheduled(acts, taskQueue);
    const joined = zoomEvent('participant_joined', meetingId, { meetingUuid: UUID, eventTs: 1000 });
    await handle.signal(zoomEventSignal, joined);
    await handle.signal(zoomEventSignal, joined);
    // Signals are applied in order: once started shows, both copies of the join have been seen.
    const started = zoomEvent('started', meetingId, { meetingUuid: UUID, startTime: '2026-11-26T15:02:00.000Z' });
    await handle.signal(zoomEventSignal, started);
    const state = await waitForState(handle, (s) => s.phase === 'started');
    expect(state.liveParticipants).toBe(1);
  });
});
