/**
 * Zoom webhook routing on the time-skipping server: the meeting workflow ignores other instances of its PMI, and
 * the router (with the real registration activities) holds a webhook no Event has claimed until one does, then
 * finishes once its Event lets the meeting go.
 */
import { createZoomRouteActivities } from '../../activities/zoom-routes';
import { createRouterDelivery } from '../../client/zoom-webhooks';
import type { ScheduledMeeting } from '../../activities';
import {
  meetingStateQuery,
  meetingWorkflowId,
  zoomEventSignal,
  zoomMeetingRouterWorkflowId,
} from '../../workflows/messages';
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
  zoomEvent,
  statusesWritten,
} from '../helpers/meeting-workflow-harness';

const harness = useMeetingWorkflowHarness();

const DAY = 24 * HOUR;
const PMI = '3542471135';

test('a PMI Event the day after tomorrow ignores the started webhook of an instance today: not Started, nobody mailed', async () => {
  const acts = fakeActivities({
    createZoomMeeting: jest.fn(async (): Promise<ScheduledMeeting> => ({
      meetingId: PMI,
      joinUrl: `https://zoom.test/j/${PMI}`,
      hostZoomUserId: 'zoom-host',
      usesPmi: true,
    })),
  });
  await harness.withWorker(acts, async (taskQueue) => {
    const now = await harness.env.currentTimeMs();
    const id = nextEventId();
    const event = snapshot(id, now + 2 * DAY - 2 * HOUR, { Zoom_Use_PMI__c: true });
    const handle = await harness.signalWithStart(taskQueue, upsert(event));
    await waitForState(handle, (s) => s.phase === 'scheduled');

    await handle.signal(
      zoomEventSignal,
      zoomEvent('started', PMI, { meetingUuid: 'today==', startTime: new Date(now).toISOString() }),
    );
    // Signals are applied in order: once this later edit is applied, the started webhook has been seen.
    await harness.signalWithStart(
      taskQueue,
      upsert({ ...event, Subject: 'Quarterly review (agenda)', SystemModstamp: stamp(1000) }),
    );
    const state = await waitForState(handle, (s) => s.appliedChanges === 2);

    expect(state.phase).toBe('scheduled');
    expect(state.actualStart).toBeUndefined();
    expect(acts.sendLaunchEmail).not.toHaveBeenCalled();
    expect(statusesWritten(acts)).not.toContain('Started');
  });
});

test('a webhook before the Event has claimed its meeting waits in the router, and is delivered when it does', async () => {
  const acts = fakeActivities();
  let queue = '';
  const routes = () => createZoomRouteActivities({ temporal: harness.env.client, taskQueue: queue });
  acts.registerZoomRoute.mockImplementation((input) => routes().registerZoomRoute(input));
  acts.unregisterZoomRoute.mockImplementation((input) => routes().unregisterZoomRoute(input));
  await harness.withWorker(acts, async (taskQueue) => {
    queue = taskQueue;
    // The first meeting these fakes make; the host starts it before its workflow has registered it.
    const meetingId = '81000000001';
    const now = await harness.env.currentTimeMs();
    await createRouterDelivery(
      harness.env.client,
      taskQueue,
    )(zoomEvent('started', meetingId, { meetingUuid: 'first==', startTime: new Date(now).toISOString() }));
    const router = harness.env.client.workflow.getHandle(zoomMeetingRouterWorkflowId(meetingId));
    expect((await router.describe()).status.name).toBe('RUNNING');

    const id = nextEventId();
    const event = snapshot(id, now);
    const handle = await harness.signalWithStart(taskQueue, upsert(event));
    const started = await waitForState(handle, (s) => s.phase === 'started');
    expect(started.zoomMeetingId).toBe(meetingId);
    await waitForCalls(acts.sendLaunchEmail);
    expect(acts.registerZoomRoute).toHaveBeenCalledWith({
      meetingId,
      route: {
        workflowId: meetingWorkflowId(id),
        startTime: event.StartDateTime,
        endTime: event.EndDateTime,
        usesPmi: false,
      },
    });

    // Unticked: the meeting is gone, the route withdrawn, and the router, holding nothing, finishes.
    await harness.signalWithStart(
      taskQueue,
      upsert({ ...event, Make_Zoom_Meeting__c: false, SystemModstamp: stamp(1000) }),
    );
    await router.result();
    expect(acts.unregisterZoomRoute).toHaveBeenCalledWith({ meetingId, workflowId: meetingWorkflowId(id) });
    expect((await handle.query(meetingStateQuery)).phase).not.toBe('scheduled');
  });
});
