/**
 * Zoom refusing the app's credentials (issue 11 §4): the meeting workflow pauses the step visibly (SyncHealth Paused
 * and the reason in the Web UI) and tries again, instead of writing Error on every Event it touches. A time-skipping
 * server of its own (the waits are minutes long).
 */
import { ApplicationFailure } from '@temporalio/common';
import { FailureTypes } from '../../activities/failures';
import { CREDENTIALS_RETRY_DELAY_MS } from '../../activities/zoom-failures';
import { SyncHealthAttribute } from '../../workflows/messages';
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
  statusesWritten,
} from '../helpers/meeting-workflow-harness';

let harness: MeetingWorkflowHarness;

beforeEach(async () => {
  harness = await MeetingWorkflowHarness.create();
});

afterEach(async () => {
  await harness?.teardown();
});

const reason =
  "Zoom refused the app's credentials (Invalid client_id or client_secret) while trying to create the meeting";

function refused(): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureTypes.zoomCredentialsRefused,
    message: reason,
    nonRetryable: false,
    nextRetryDelay: CREDENTIALS_RETRY_DELAY_MS,
  });
}

test('refused credentials pause the create (SyncHealth Paused), write no Error, and the meeting comes once Zoom accepts', async () => {
  let accepted = false;
  const healthy = fakeActivities().createZoomMeeting;
  const acts = fakeActivities({
    createZoomMeeting: jest.fn(async (input) => {
      if (!accepted) throw refused();
      return healthy(input);
    }),
  });
  await harness.withWorker(acts, async (taskQueue) => {
    const now = await harness.env.currentTimeMs();
    const handle = await harness.signalWithStart(
      taskQueue,
      upsert(
        snapshot(nextEventId(), now, {
          StartDateTime: new Date(now + 48 * HOUR).toISOString(),
          EndDateTime: new Date(now + 48 * HOUR + 30 * MINUTE).toISOString(),
        }),
      ),
    );
    const paused = await waitForState(handle, (s) => s.waiting?.health === 'Paused');
    expect(paused.waiting?.reason).toBe(reason);
    expect(paused.phase).not.toBe('failed');
    expect((await handle.describe()).typedSearchAttributes.get(SyncHealthAttribute)).toBe('Paused');

    // Still refused at the next try: still paused, still no Error on the Event.
    await harness.env.sleep(CREDENTIALS_RETRY_DELAY_MS + MINUTE);
    await waitForCalls(acts.createZoomMeeting, 2);
    expect((await waitForState(handle, (s) => s.waiting !== undefined)).phase).not.toBe('failed');
    expect(statusesWritten(acts)).not.toContain('Error');

    accepted = true;
    await harness.env.sleep(CREDENTIALS_RETRY_DELAY_MS + MINUTE);
    const scheduled = await waitForState(handle, (s) => s.phase === 'scheduled');
    await waitForStatusWrite(acts, 'Scheduled');
    expect(scheduled.waiting).toBeUndefined();
    expect(acts.writeEventFields).toHaveBeenLastCalledWith({
      eventId: expect.any(String),
      fields: expect.objectContaining({ Zoom_Status__c: 'Scheduled' }),
    });
    expect((await handle.describe()).typedSearchAttributes.get(SyncHealthAttribute)).toBeUndefined();
  });
});

test('refused credentials at a poll after the end pause the poll instead of failing the meeting', async () => {
  let accepted = false;
  const healthy = fakeActivities().fetchMeetingOutcome;
  const acts = fakeActivities({
    fetchMeetingOutcome: jest.fn(async (input) => {
      if (!accepted) throw refused();
      return healthy(input);
    }),
  });
  await harness.withWorker(acts, async (taskQueue) => {
    const now = await harness.env.currentTimeMs();
    const handle = await harness.signalWithStart(
      taskQueue,
      upsert(
        snapshot(nextEventId(), now, {
          StartDateTime: new Date(now + HOUR).toISOString(),
          EndDateTime: new Date(now + HOUR + 30 * MINUTE).toISOString(),
        }),
      ),
    );
    await waitForState(handle, (s) => s.phase === 'scheduled');
    await harness.env.sleep(2 * HOUR);
    const paused = await waitForState(handle, (s) => s.waiting?.health === 'Paused');
    expect(paused.phase).toBe('awaiting-start');
    accepted = true;
    await harness.env.sleep(CREDENTIALS_RETRY_DELAY_MS + MINUTE);
    const after = await waitForState(handle, (s) => s.waiting === undefined);
    expect(after.phase).not.toBe('failed');
    expect(statusesWritten(acts)).not.toContain('Error');
  });
});
