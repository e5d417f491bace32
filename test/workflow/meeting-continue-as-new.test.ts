/**
 * The meeting workflow across continue-as-new: a test-only threshold on history length makes it continue after
 * almost every step, so a whole lifecycle runs through several runs and everything the next run needs must be
 * carried (the passcode for the launch e-mail, the Event-deleted flag).
 */
import { ApplicationFailure } from '@temporalio/common';
import { FailureTypes } from '../../activities/failures';
import type { MeetingOutcome } from '../../domain/meeting-outcome';
import { meetingWorkflowId, zoomEventSignal } from '../../workflows/messages';
import {
  fakeActivities,
  useMeetingWorkflowHarness,
  nextEventId,
  snapshot,
  upsert,
  waitForState,
  zoomEvent,
} from '../helpers/meeting-workflow-harness';

const harness = useMeetingWorkflowHarness();

const UUID = 'aDYlohsHRtCd4ii1uC2+hA==';
/** Low enough that every step of the lifecycle ends its run. */
const CONTINUE_AT = 12;

function endedOutcome(): MeetingOutcome {
  return {
    state: 'ended',
    instanceUuid: UUID,
    actualStart: '2026-11-26T15:02:00.000Z',
    actualEnd: '2026-11-26T15:44:00.000Z',
    durationMinutes: 42,
    attendees: [{ name: 'Marie Curie', email: 'marie@acme.example', minutes: 30, segments: 1 }],
    participantsComplete: true,
  };
}

test('a whole lifecycle across several continues: scheduled, started (e-mail with the passcode), ended, recording', async () => {
  const acts = fakeActivities({ fetchMeetingOutcome: jest.fn(async () => endedOutcome()) });
  await harness.withWorker(acts, async (taskQueue) => {
    const now = await harness.env.currentTimeMs();
    const eventId = nextEventId();
    const handle = await harness.signalWithStart(taskQueue, upsert(snapshot(eventId, now)), {
      continueAsNewAtHistoryLength: CONTINUE_AT,
    });
    const { zoomMeetingId } = await waitForState(handle, (s) => s.phase === 'scheduled');
    const meetingId = zoomMeetingId!;

    await handle.signal(zoomEventSignal, zoomEvent('started', meetingId, { meetingUuid: UUID }));
    await waitForState(handle, (s) => s.launchEmail === 'sent');
    expect(acts.sendLaunchEmail.mock.calls[0][0]).toMatchObject({ passcode: 'x7Y2' });

    await handle.signal(zoomEventSignal, zoomEvent('ended', meetingId, { meetingUuid: UUID }));
    await waitForState(handle, (s) => s.phase === 'ended');
    await handle.signal(
      zoomEventSignal,
      zoomEvent('recording_completed', meetingId, {
        meetingUuid: UUID,
        recording: { shareUrl: 'https://zoom.test/rec/share/abc', files: [{ fileType: 'MP4', fileSize: 1024 }] },
      }),
    );
    const result = await harness.resultOfLatestRun(meetingWorkflowId(eventId));

    expect(result).toMatchObject({ phase: 'ended', status: 'Ended', recordingUrl: 'https://zoom.test/rec/share/abc' });
    expect(acts.createZoomMeeting).toHaveBeenCalledTimes(1);
    expect(acts.sendLaunchEmail).toHaveBeenCalledTimes(1);
    expect(await harness.runCount(meetingWorkflowId(eventId))).toBeGreaterThanOrEqual(4);
  });
});

test('an Event found deleted in Salesforce is not written again by a later run', async () => {
  const acts = fakeActivities({
    fetchMeetingOutcome: jest.fn(async () => endedOutcome()),
    writeEventFields: jest.fn(async () => {
      throw ApplicationFailure.create({
        type: FailureTypes.salesforceEventGone,
        message: 'The Event was deleted',
        nonRetryable: true,
      });
    }),
  });
  await harness.withWorker(acts, async (taskQueue) => {
    const now = await harness.env.currentTimeMs();
    const eventId = nextEventId();
    // No webhooks: the runs that follow reach the start, then ask Zoom after the end and find the meeting over.
    await harness.signalWithStart(taskQueue, upsert(snapshot(eventId, now)), {
      continueAsNewAtHistoryLength: CONTINUE_AT,
    });
    const result = await harness.resultOfLatestRun(meetingWorkflowId(eventId));

    expect(result.phase).toBe('ended');
    expect(acts.fetchMeetingOutcome).toHaveBeenCalled();
    expect(acts.writeEventFields).toHaveBeenCalledTimes(1);
    expect(await harness.runCount(meetingWorkflowId(eventId))).toBeGreaterThanOrEqual(3);
  });
});
