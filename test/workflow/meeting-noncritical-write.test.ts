/**
 * A write the lifecycle does not depend on (the recording's link and summary) that Salesforce refuses is reported,
 * on the Event and in the workflow's state, and the lifecycle goes on: the Event is not marked Error for it.
 */
import { ApplicationFailure } from '@temporalio/common';
import { FailureTypes } from '../../activities/failures';
import type { MeetingOutcome } from '../../domain/meeting-outcome';
import { zoomEventSignal } from '../../workflows/messages';
import {
  fakeActivities,
  useMeetingWorkflowHarness,
  nextEventId,
  snapshot,
  upsert,
  waitForState,
  zoomEvent,
  statusesWritten,
} from '../helpers/meeting-workflow-harness';

const harness = useMeetingWorkflowHarness();

const UUID = 'aDYlohsHRtCd4ii1uC2+hA==';

test('a refused recording write is reported and the meeting stays Ended, not Error', async () => {
  const ended: MeetingOutcome = {
    state: 'ended',
    instanceUuid: UUID,
    actualStart: '2026-11-26T15:02:00.000Z',
    actualEnd: '2026-11-26T15:44:00.000Z',
    durationMinutes: 42,
    attendees: [],
    participantsComplete: true,
  };
  const acts = fakeActivities({
    fetchMeetingOutcome: jest.fn(async () => ended),
    writeEventFields: jest.fn(async (input: { fields: Record<string, unknown> }) => {
      if ('Zoom_Recording_Summary__c' in input.fields) {
        throw ApplicationFailure.create({
          type: FailureTypes.salesforceValidation,
          message: 'Zoom Recording Summary: data value too large',
          nonRetryable: true,
        });
      }
    }),
  });
  await harness.withWorker(acts, async (taskQueue) => {
    const now = await harness.env.currentTimeMs();
    const handle = await harness.signalWithStart(taskQueue, upsert(snapshot(nextEventId(), now)));
    const { zoomMeetingId } = await waitForState(handle, (s) => s.phase === 'scheduled');
    await handle.signal(zoomEventSignal, zoomEvent('ended', zoomMeetingId!, { meetingUuid: UUID }));
    await waitForState(handle, (s) => s.phase === 'ended');
    await handle.signal(
      zoomEventSignal,
      zoomEvent('recording_completed', zoomMeetingId!, {
        meetingUuid: UUID,
        recording: { shareUrl: 'https://zoom.test/rec/share/abc', files: [{ fileType: 'MP4', fileSize: 1024 }] },
      }),
    );
    const result = await handle.result();

    expect(result).toMatchObject({ phase: 'ended', status: 'Ended' });
    expect(result.lastError).toMatch(/recording.*data value too large/);
    expect(statusesWritten(acts)).not.toContain('Error');
    expect(acts.writeEventFields.mock.calls.at(-1)![0].fields).toEqual({
      Zoom_Sync_Error__c: expect.stringMatching(/recording.*data value too large/),
    });
  });
});
