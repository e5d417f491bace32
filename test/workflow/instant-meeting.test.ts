/**
 * The instant-meeting workflow on the time-skipping server: answered through update-with-start, idempotent for
 * retried clicks, handing the meeting over to the Event's meeting workflow, and cleaning up when it cannot.
 */
import { agendaMentionsEvent } from '../../domain/meeting-plan';
import { ApplicationFailure } from '@temporalio/common';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { FailureTypes } from '../../activities/failures';
import { instantMeetingWorkflowId, meetingWorkflowId, startInstantMeetingUpdate } from '../../workflows/messages';
import { fakeActivities, useMeetingWorkflowHarness, waitForState } from '../helpers/meeting-workflow-harness';

const harness = useMeetingWorkflowHarness();

function click(taskQueue: string, recordId: string) {
  const request = { recordId, userId: '005000000000001AAA' };
  return harness.env.client.workflow.executeUpdateWithStart(startInstantMeetingUpdate, {
    startWorkflowOperation: new WithStartWorkflowOperation('instantMeetingWorkflow', {
      workflowId: instantMeetingWorkflowId(request.userId, request.recordId),
      taskQueue,
      args: [request],
      workflowIdConflictPolicy: 'USE_EXISTING',
    }),
  });
}

test('a click makes one instant meeting and its Event, hands it to the lifecycle, and a retry gets the same', async () => {
  const acts = fakeActivities();
  await harness.withWorker(acts, async (taskQueue) => {
    const first = await click(taskQueue, '003000000000001AAA');
    const again = await click(taskQueue, '003000000000001AAA');
    expect(again).toEqual(first);
    expect(acts.createZoomMeeting).toHaveBeenCalledTimes(1);
    const create = acts.createZoomMeeting.mock.calls[0][0];
    expect(create).toMatchObject({ plan: { joinBeforeHost: true } });
    // The click's key is in the agenda: a retry after a lost answer finds the meeting instead of making another.
    expect(agendaMentionsEvent(create.plan.agenda, create.eventId)).toBe(true);
    expect(acts.createInstantEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        clickId: expect.stringMatching(/^[0-9a-f-]{36}$/), // the run: unique per click, the same for its retries
        recordId: '003000000000001AAA',
        meeting: expect.objectContaining({ meetingId: first.zoomMeetingId }),
      }),
    );
    const meeting = harness.env.client.workflow.getHandle(meetingWorkflowId(first.eventId));
    const state = await waitForState(meeting, (s) => s.zoomMeetingId === first.zoomMeetingId);
    expect(state).toMatchObject({
      status: 'Scheduled',
      joinUrl: first.joinUrl,
      topic: 'Zoom meeting with Marie Curie',
    });
    expect(['scheduled', 'awaiting-start']).toContain(state.phase);
    // Both stay open (the lifecycle; the retried-click window): end them for the next test's time skipping.
    await meeting.terminate('test finished');
    await harness.env.client.workflow
      .getHandle(instantMeetingWorkflowId('005000000000001AAA', '003000000000001AAA'))
      .terminate('test finished');
  });
});

test('when the Event cannot be created, the Zoom meeting is deleted and the click gets the reason', async () => {
  const acts = fakeActivities({
    createInstantEvent: jest.fn(async () => {
      throw ApplicationFailure.create({
        type: FailureTypes.salesforceValidation,
        message: 'Salesforce refused',
        nonRetryable: true,
      });
    }),
  });
  await harness.withWorker(acts, async (taskQueue) => {
    await expect(click(taskQueue, '003000000000002AAA')).rejects.toMatchObject({
      cause: expect.objectContaining({ type: FailureTypes.salesforceValidation }),
    });
    expect(acts.deleteZoomMeeting).toHaveBeenCalledTimes(1);
    const run = harness.env.client.workflow.getHandle(
      instantMeetingWorkflowId('005000000000001AAA', '003000000000002AAA'),
    );
    expect(await run.result()).toBeUndefined();
  });
});

test('an unknown record is refused before Zoom is called', async () => {
  const acts = fakeActivities({
    prepareInstantMeeting: jest.fn(async () => {
      throw ApplicationFailure.create({
        type: FailureTypes.recordNotFound,
        message: 'no such record',
        nonRetryable: true,
      });
    }),
  });
  await harness.withWorker(acts, async (taskQueue) => {
    await expect(click(taskQueue, '003000000000003AAA')).rejects.toMatchObject({
      cause: expect.objectContaining({ type: FailureTypes.recordNotFound }),
    });
    expect(acts.createZoomMeeting).not.toHaveBeenCalled();
  });
});
