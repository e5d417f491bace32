/**
 * The meeting workflow's long waits, each test on a time-skipping server of its own: the server skips time only
 * while no workflow task waits for a worker, and a workflow another test left behind (its timer firing on a queue
 * whose worker is gone) stalled these hour-long skips now and then when they shared one.
 * - The grace period of an Event that never wanted a meeting.
 * - Zoom's per-host daily cap and Salesforce's API request limit hold an Event visibly (Pending, SyncHealth Delayed
 *   or Stalled) until the reset.
 */
import { ApplicationFailure } from '@temporalio/common';
import { FailureTypes } from '../../activities/failures';
import { MeetingStatusAttribute, SyncHealthAttribute } from '../../workflows/messages';
import { RETIRE_GRACE_MS } from '../../workflows/meeting';
import {
  fakeActivities,
  HOUR,
  MeetingWorkflowHarness,
  MINUTE,
  nextEventId,
  snapshot,
  upsert,
  waitForCalls,
  waitForState,
  waitForStatusWrite,
  type Fakes,
} from '../helpers/meeting-workflow-harness';

let harness: MeetingWorkflowHarness;

beforeEach(async () => {
  harness = await MeetingWorkflowHarness.create();
});

afterEach(async () => {
  await harness?.teardown();
});

const withWorker = <T>(acts: Fakes, fn: (taskQueue: string) => Promise<T>) => harness.withWorker(acts, fn);
const signalWithStart = (taskQueue: string, item: Parameters<MeetingWorkflowHarness['signalWithStart']>[1]) =>
  harness.signalWithStart(taskQueue, item);
const env = { currentTimeMs: () => harness.env.currentTimeMs(), sleep: (ms: number) => harness.env.sleep(ms) };

test('an Event that never wanted a meeting writes nothing and the workflow ends after the grace period', async () => {
  const acts = fakeActivities();
  await withWorker(acts, async (taskQueue) => {
    const handle = await signalWithStart(
      taskQueue,
      upsert(snapshot(nextEventId(), await env.currentTimeMs(), { Make_Zoom_Meeting__c: false })),
    );
    const result = await handle.result();
    expect(result.phase).toBe('closed');
    expect(acts.writeEventFields).not.toHaveBeenCalled();
    expect(acts.deleteZoomMeeting).not.toHaveBeenCalled();
    expect(RETIRE_GRACE_MS).toBeGreaterThan(0);
  });
});

test("a host over Zoom's daily cap: the Event says Pending and why, the Web UI says Delayed, the meeting comes after the reset", async () => {
  const reason = "Zoom's daily limit for this host; retrying after 00:00 UTC";
  let retryAt = '';
  let creates = 0;
  const healthy = fakeActivities().createZoomMeeting;
  const acts = fakeActivities({
    createZoomMeeting: jest.fn(async (input) => {
      creates += 1;
      if (creates === 1)
        throw ApplicationFailure.create({
          type: FailureTypes.zoomDailyLimit,
          message: reason,
          nonRetryable: false,
          details: [{ retryAt }],
        });
      return healthy(input);
    }),
  });
  await withWorker(acts, async (taskQueue) => {
    const now = await env.currentTimeMs();
    retryAt = new Date(now + 3 * HOUR).toISOString();
    const handle = await signalWithStart(
      taskQueue,
      upsert(
        snapshot(nextEventId(), now, {
          StartDateTime: new Date(now + 48 * HOUR).toISOString(),
          EndDateTime: new Date(now + 48 * HOUR + 30 * MINUTE).toISOString(),
        }),
      ),
    );
    // Pending is published before the Event is written, and the wait begins after: wait for both.
    const waiting = await waitForState(handle, (s) => s.status === 'Pending' && s.waiting !== undefined);
    expect(waiting.waiting).toEqual({ health: 'Delayed', reason, until: retryAt });
    await waitForCalls(acts.writeEventFields);
    expect(acts.writeEventFields).toHaveBeenLastCalledWith({
      eventId: expect.any(String),
      fields: { Zoom_Status__c: 'Pending', Zoom_Sync_Error__c: reason },
    });
    let attributes = (await handle.describe()).typedSearchAttributes;
    expect(attributes.get(SyncHealthAttribute)).toBe('Delayed');
    expect(attributes.get(MeetingStatusAttribute)).toBe('Pending');
    // Waited durably: no activity retries against Zoom while the cap holds.
    expect(acts.createZoomMeeting).toHaveBeenCalledTimes(1);

    await env.sleep(3 * HOUR + MINUTE);
    const scheduled = await waitForState(handle, (s) => s.phase === 'scheduled');
    await waitForStatusWrite(acts, 'Scheduled');
    expect(scheduled.waiting).toBeUndefined();
    expect(acts.createZoomMeeting).toHaveBeenCalledTimes(2);
    expect(acts.writeEventFields).toHaveBeenLastCalledWith({
      eventId: expect.any(String),
      fields: expect.objectContaining({ Zoom_Status__c: 'Scheduled', Zoom_Sync_Error__c: null }),
    });
    attributes = (await handle.describe()).typedSearchAttributes;
    expect(attributes.get(SyncHealthAttribute)).toBeUndefined();
    expect(attributes.get(MeetingStatusAttribute)).toBe('Scheduled');
  });
});

test('Salesforce out of API requests: the Web UI says Stalled and why, and the Event is written once it has calls again', async () => {
  const reason = "Salesforce's API request limit for the org is used up; trying again after 12:15 UTC";
  let retryAt = '';
  let writes = 0;
  const acts = fakeActivities({
    writeEventFields: jest.fn(async () => {
      writes += 1;
      if (writes === 1)
        throw ApplicationFailure.create({
          type: FailureTypes.salesforceRequestLimit,
          message: reason,
          nonRetryable: false,
          details: [{ retryAt }],
        });
    }),
  });
  await withWorker(acts, async (taskQueue) => {
    const now = await env.currentTimeMs();
    retryAt = new Date(now + 15 * MINUTE).toISOString();
    const handle = await signalWithStart(taskQueue, upsert(snapshot(nextEventId(), now)));
    const stalled = await waitForState(handle, (s) => s.waiting !== undefined);
    expect(stalled.waiting).toEqual({ health: 'Stalled', reason, until: retryAt });
    expect((await handle.describe()).typedSearchAttributes.get(SyncHealthAttribute)).toBe('Stalled');
    expect(acts.writeEventFields).toHaveBeenCalledTimes(1);

    await env.sleep(15 * MINUTE + MINUTE);
    await waitForCalls(acts.writeEventFields, 2);
    const written = await waitForState(handle, (s) => s.waiting === undefined);
    expect(written.phase).toBe('scheduled');
    expect(acts.writeEventFields).toHaveBeenLastCalledWith({
      eventId: expect.any(String),
      fields: expect.objectContaining({ Zoom_Status__c: 'Scheduled' }),
    });
    expect((await handle.describe()).typedSearchAttributes.get(SyncHealthAttribute)).toBeUndefined();
  });
});
