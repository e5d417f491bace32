/**
 * "Sync Meeting Details" (the `syncNow` update) on a running meeting workflow: it takes its turn in the workflow's
 * loop (never beside a callout), gives up within the button's wait when Zoom is down, is refused up front when
 * there is no meeting, and answers with the fields it really wrote.
 */
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { MeetingOutcome } from '../../domain/meeting-outcome';
import { syncNowUpdate } from '../../workflows/messages';
import {
  fakeActivities,
  useMeetingWorkflowHarness,
  nextEventId,
  snapshot,
  upsert,
  waitForCalls,
  waitForState,
  statusesWritten,
  waitUntil,
} from '../helpers/meeting-workflow-harness';

const harness = useMeetingWorkflowHarness();

/** The API waits 25 s for the update; a sync must answer well inside that. */
const BUTTON_WAIT_MS = 25_000;

const ended: MeetingOutcome = {
  state: 'ended',
  instanceUuid: 'aDYlohsHRtCd4ii1uC2+hA==',
  actualStart: '2026-11-26T15:02:00.000Z',
  actualEnd: '2026-11-26T15:44:00.000Z',
  durationMinutes: 42,
  attendees: [{ name: 'Marie Curie', email: 'marie@acme.example', minutes: 30, segments: 1 }],
  participantsComplete: true,
};

/** Waits (real time) until a workflow task has completed after the workflow's `nth` signal. */
async function signalSeenByWorkflow(handle: WorkflowHandle, nth: number): Promise<void> {
  await waitUntil(
    async () => {
      const events = (await handle.fetchHistory()).events ?? [];
      const signalAt = events.filter((e) => e.workflowExecutionSignaledEventAttributes)[nth - 1]?.eventId;
      return Boolean(signalAt && events.some((e) => e.workflowTaskCompletedEventAttributes && e.eventId! > signalAt));
    },
    () => `Signal ${nth} was never handled`,
  );
}

async function scheduled(taskQueue: string, id = nextEventId()) {
  const now = await harness.env.currentTimeMs();
  const handle = await harness.signalWithStart(taskQueue, upsert(snapshot(id, now)));
  await waitForState(handle, (s) => s.phase === 'scheduled');
  return { handle, id, now };
}

test('before the meeting the sync writes nothing and answers that no field was updated', async () => {
  const acts = fakeActivities();
  await harness.withWorker(acts, async (taskQueue) => {
    const { handle } = await scheduled(taskQueue);
    const writesBefore = acts.writeEventFields.mock.calls.length;

    await expect(handle.executeUpdate(syncNowUpdate)).resolves.toEqual({});
    expect(acts.fetchMeetingOutcome).toHaveBeenCalledTimes(1);
    expect(acts.writeEventFields).toHaveBeenCalledTimes(writesBefore);
  });
});

test('with Zoom down the sync fails within the button wait instead of retrying for a day', async () => {
  const acts = fakeActivities({
    fetchMeetingOutcome: jest.fn(async () => {
      throw ApplicationFailure.retryable('Zoom answered 503');
    }),
  });
  await harness.withWorker(acts, async (taskQueue) => {
    const { handle } = await scheduled(taskQueue);
    const began = Date.now();
    await expect(handle.executeUpdate(syncNowUpdate)).rejects.toThrow(WorkflowUpdateFailedError);
    expect(Date.now() - began).toBeLessThan(BUTTON_WAIT_MS);
  });
}, 60_000);

test('an Event without a meeting is refused before the update is accepted', async () => {
  const acts = fakeActivities();
  await harness.withWorker(acts, async (taskQueue) => {
    const now = await harness.env.currentTimeMs();
    const handle = await harness.signalWithStart(
      taskQueue,
      upsert(snapshot(nextEventId(), now, { Make_Zoom_Meeting__c: false })),
    );
    await waitForState(handle, (s) => s.appliedChanges === 1);

    const refusal = await handle.executeUpdate(syncNowUpdate).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((refusal as WorkflowUpdateFailedError).cause).toMatchObject({ type: 'NoZoomMeeting' });
    // A rejected update leaves no trace in history; an accepted one that fails does.
    const history = await handle.fetchHistory();
    expect(history.events?.some((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toBe(false);
  });
});

test('a sync and an untick arriving together take turns: no Ended write after the Event says Cancelled', async () => {
  let releaseZoom!: () => void;
  const zoomAnswers = new Promise<void>((resolve) => (releaseZoom = resolve));
  const acts = fakeActivities({
    fetchMeetingOutcome: jest.fn(async () => {
      await zoomAnswers;
      return ended;
    }),
  });
  await harness.withWorker(acts, async (taskQueue) => {
    const { handle, id, now } = await scheduled(taskQueue);
    const sync = handle.executeUpdate(syncNowUpdate);
    await waitForCalls(acts.fetchMeetingOutcome);
    await harness.signalWithStart(
      taskQueue,
      upsert(snapshot(id, now, { Make_Zoom_Meeting__c: false, SystemModstamp: new Date(now + 1000).toISOString() })),
    );
    await signalSeenByWorkflow(handle, 2);
    releaseZoom();

    await expect(sync).resolves.toMatchObject({ Zoom_Status__c: 'Ended' });
    await handle.result();
    // The sync had its turn first; the untick then found the meeting over (an edit no longer changes it).
    expect(statusesWritten(acts)).toEqual(['Scheduled', 'Ended']);
    expect(acts.deleteZoomMeeting).not.toHaveBeenCalled();
  });
});
