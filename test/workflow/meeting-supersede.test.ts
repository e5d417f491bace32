/**
 * A newer callout supersedes a Zoom step that is still retrying (issue 11 §4): the step is cancelled and the newer
 * desired state applied next, instead of waiting behind retries for up to a day. An interrupted create leaves no
 * orphan: an attempt running when the callout arrives finishes and its meeting is kept, and after one cancelled
 * between attempts the next create (or the delete) first looks for a meeting an earlier attempt may have made.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { ScheduledMeeting } from '../../activities';
import type { MeetingPlan } from '../../domain/meeting-plan';
import {
  fakeActivities,
  HOUR,
  useMeetingWorkflowHarness,
  nextEventId,
  snapshot,
  stamp,
  upsert,
  waitForCalls,
  waitForState,
  statusesWritten,
} from '../helpers/meeting-workflow-harness';

// A real server: the time-skipping one refuses to cancel a running activity (ACTIVITY_UNKNOWN); no test here skips time.
const harness = useMeetingWorkflowHarness({ devServer: true });

/** Zoom down: retryable, and the next attempt an hour away (the step would retry for a day). */
function zoomDown(): ApplicationFailure {
  return ApplicationFailure.create({ message: 'Zoom answered 503', nonRetryable: false, nextRetryDelay: HOUR });
}

test('a delete supersedes a create that is retrying: no Error, no second create, and the meeting an attempt may have made is looked for and deleted', async () => {
  const acts = fakeActivities({ createZoomMeeting: jest.fn(async () => Promise.reject(zoomDown())) });
  await harness.withWorker(acts, async (taskQueue) => {
    const now = await harness.env.currentTimeMs();
    const id = nextEventId();
    const handle = await harness.signalWithStart(taskQueue, upsert(snapshot(id, now, { SystemModstamp: stamp(0) })));
    await waitForCalls(acts.createZoomMeeting);
    await harness.signalWithStart(taskQueue, {
      operation: 'delete',
      event: snapshot(id, now, { SystemModstamp: stamp(1000) }),
    });
    const state = await waitForState(handle, (s) => s.appliedChanges === 2);
    expect(['cancelled', 'closed']).toContain(state.phase);
    expect(acts.createZoomMeeting).toHaveBeenCalledTimes(1);
    expect(acts.deleteZoomMeetingCreatedEarlier).toHaveBeenCalledWith({
      eventId: id,
      hostEmail: 'ada.lovelace@demo-sales.example',
    });
    expect(statusesWritten(acts)).not.toContain('Error');
  });
});

test('an edit supersedes a retrying create: the next create has the new values and looks for an earlier attempt first', async () => {
  let calls = 0;
  const healthy = fakeActivities().createZoomMeeting;
  const acts = fakeActivities({
    createZoomMeeting: jest.fn(async (input: { eventId: string; hostEmail: string; plan: MeetingPlan }) => {
      calls += 1;
      if (calls === 1) throw zoomDown();
      return healthy(input);
    }),
  });
  await harness.withWorker(acts, async (taskQueue) => {
    const now = await harness.env.currentTimeMs();
    const id = nextEventId();
    const handle = await harness.signalWithStart(taskQueue, upsert(snapshot(id, now, { SystemModstamp: stamp(0) })));
    await waitForCalls(acts.createZoomMeeting);
    await harness.signalWithStart(
      taskQueue,
      upsert(snapshot(id, now, { Subject: 'Renamed', SystemModstamp: stamp(1000) })),
    );
    const state = await waitForState(handle, (s) => s.phase === 'scheduled');
    expect(state.topic).toBe('Renamed');
    expect(acts.createZoomMeeting).toHaveBeenCalledTimes(2);
    expect(acts.createZoomMeeting.mock.calls[1][0]).toMatchObject({
      plan: expect.objectContaining({ topic: 'Renamed' }),
      findEarlierFirst: true,
    });
  });
});

test('a create attempt running when a delete arrives finishes, and its meeting is the one deleted (no orphan)', async () => {
  let answer!: () => void;
  const answered = new Promise<void>((resolve) => (answer = resolve));
  const healthy = fakeActivities().createZoomMeeting;
  const acts = fakeActivities({
    createZoomMeeting: jest.fn(async (input: { eventId: string; hostEmail: string; plan: MeetingPlan }) => {
      await answered;
      return (await healthy(input)) as ScheduledMeeting;
    }),
  });
  await harness.withWorker(acts, async (taskQueue) => {
    const now = await harness.env.currentTimeMs();
    const id = nextEventId();
    const handle = await harness.signalWithStart(taskQueue, upsert(snapshot(id, now, { SystemModstamp: stamp(0) })));
    await waitForCalls(acts.createZoomMeeting);
    await harness.signalWithStart(taskQueue, {
      operation: 'delete',
      event: snapshot(id, now, { SystemModstamp: stamp(1000) }),
    });
    answer();
    const state = await waitForState(handle, (s) => s.appliedChanges === 2);
    expect(state.phase).toBe('cancelled');
    expect(acts.deleteZoomMeeting).toHaveBeenCalledWith({ meetingId: '81000000001', usesPmi: false });
    expect(acts.deleteZoomMeetingCreatedEarlier).not.toHaveBeenCalled();
  });
});

/** Salesforce down: retryable, and the next attempt an hour away (the write would retry for a day). */
function salesforceDown(): ApplicationFailure {
  return ApplicationFailure.create({ message: 'Salesforce answered 503', nonRetryable: false, nextRetryDelay: HOUR });
}

/** Activities whose first write to the Event meets Salesforce down; the later ones succeed. */
function firstWriteBackFails() {
  let writes = 0;
  const healthy = fakeActivities().writeEventFields;
  return fakeActivities({
    writeEventFields: jest.fn(async (input: Parameters<typeof healthy>[0]) => {
      writes += 1;
      if (writes === 1) throw salesforceDown();
      return healthy(input);
    }),
  });
}

/** An Event's first callout, once its meeting is made and the write-back is retrying. */
async function scheduledWithWriteBackRetrying(taskQueue: string, acts: ReturnType<typeof firstWriteBackFails>) {
  const now = await harness.env.currentTimeMs();
  const id = nextEventId();
  const handle = await harness.signalWithStart(taskQueue, upsert(snapshot(id, now, { SystemModstamp: stamp(0) })));
  await waitForCalls(acts.writeEventFields);
  return { id, now, handle };
}

test('a delete supersedes a write-back to the Event that is retrying: the meeting is deleted without waiting for Salesforce', async () => {
  const acts = firstWriteBackFails();
  await harness.withWorker(acts, async (taskQueue) => {
    const { id, now, handle } = await scheduledWithWriteBackRetrying(taskQueue, acts);
    await harness.signalWithStart(taskQueue, {
      operation: 'delete',
      event: snapshot(id, now, { SystemModstamp: stamp(1000) }),
    });
    const state = await waitForState(handle, (s) => s.appliedChanges === 2);
    expect(state.phase).toBe('cancelled');
    expect(acts.deleteZoomMeeting).toHaveBeenCalledWith({ meetingId: '81000000001', usesPmi: false });
    expect(statusesWritten(acts)).not.toContain('Error');
  });
});

test('a write-back superseded by a save that changes nothing in Zoom is still made: the Event gets its meeting', async () => {
  const acts = firstWriteBackFails();
  await harness.withWorker(acts, async (taskQueue) => {
    const { id, now, handle } = await scheduledWithWriteBackRetrying(taskQueue, acts);
    // The rep saves again without touching what Zoom holds (the Event's own description, say).
    await harness.signalWithStart(taskQueue, upsert(snapshot(id, now, { SystemModstamp: stamp(1000) })));
    await waitForState(handle, (s) => s.appliedChanges === 2);
    await waitForCalls(acts.writeEventFields, 2);
    expect(acts.writeEventFields).toHaveBeenLastCalledWith({
      eventId: id,
      fields: expect.objectContaining({
        Zoom_Meeting_Id__c: '81000000001',
        Zoom_Join_URL__c: 'https://zoom.test/j/81000000001',
        Zoom_Status__c: 'Scheduled',
      }),
    });
    expect(acts.createZoomMeeting).toHaveBeenCalledTimes(1);
    expect(acts.updateZoomMeeting).not.toHaveBeenCalled();
  });
});
