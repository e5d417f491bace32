/**
 * A local activity that outlasts a workflow task (the SDK heartbeats the task at 80% of its timeout and goes on in
 * a new one) can have its result recorded by one task and seen by the workflow only in the next: sdk-core (SDK 1.24)
 * can report a task while the result is still on its way to the workflow, e.g. with a query's answer. Seen under
 * load on the dev server: the marker followed by the next task's scheduling, what the workflow did with the result
 * in that next task. A replay hands the result over one task earlier, so a `patched()` first called right after the
 * local activity finds no marker yet and returns false, and the marker that follows is a TMPRL1100 nondeterminism
 * error. The race cannot be timed from a test; this captures a real history with a slow `findHostEmail` and gives
 * it the shape such a history has (the next task's boundary between the result and what followed it).
 */
import { Worker } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';
import { eventChangedSignal, meetingWorkflowId } from '../../workflows/messages';
import type { meetingWorkflow } from '../../workflows/meeting';
import type { EventCalloutItem } from '../../domain/event-fields';
import {
  fakeActivities,
  useMeetingWorkflowHarness,
  nextEventId,
  snapshot,
  upsert,
  waitForState,
} from '../helpers/meeting-workflow-harness';
import { historyFromJson, historyToJson } from '../helpers/history-json';
import { TEST_DATA_CONVERTER } from '../helpers/temporal';

jest.setTimeout(60_000);

/** The shortest the server allows keeps the test fast: the heartbeat comes after 0.8 s. */
const WORKFLOW_TASK_TIMEOUT_MS = 1_000;
/** Long enough for two heartbeats: the lookup spans three workflow tasks. */
const SLOW_LOOKUP_MS = 2_000;
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

type History = temporal.api.history.v1.IHistory;
interface EventJson {
  eventId: string;
  eventType: string;
  markerRecordedEventAttributes?: { markerName?: string; workflowTaskCompletedEventId?: string };
  [attributes: string]: unknown;
}

const harness = useMeetingWorkflowHarness({ devServer: true });

/** Runs a meeting workflow whose host lookup outlasts its workflow task until the meeting is Scheduled. */
async function historyOfSlowHostLookup(): Promise<{ history: History; workflowId: string }> {
  const slowLookup = jest.fn(async () => {
    await new Promise((resolve) => setTimeout(resolve, SLOW_LOOKUP_MS));
    return 'ada.lovelace@demo-sales.example';
  });
  const activities = fakeActivities({ findHostEmail: slowLookup });
  const eventId = nextEventId();
  const workflowId = meetingWorkflowId(eventId);
  const history = await harness.withWorker(activities, async (taskQueue) => {
    const handle = await harness.env.client.workflow.signalWithStart<typeof meetingWorkflow, [EventCalloutItem]>(
      'meetingWorkflow',
      {
        workflowId,
        taskQueue,
        args: [{ eventId }],
        signal: eventChangedSignal,
        signalArgs: [upsert(snapshot(eventId, Date.now()))],
        workflowTaskTimeout: WORKFLOW_TASK_TIMEOUT_MS,
      },
    );
    await waitForState(handle, (s) => s.status === 'Scheduled');
    const fetched = await handle.fetchHistory();
    await handle.terminate('test finished');
    return fetched;
  });
  expect(slowLookup).toHaveBeenCalledTimes(1);
  expect(activities.createZoomMeeting).toHaveBeenCalledTimes(1);
  return { history, workflowId };
}

function eventsOf(history: History): EventJson[] {
  return (historyToJson(history) as { events: EventJson[] }).events;
}

/** Workflow tasks completed before the local activity's result: more than one means it outlasted a task. */
function tasksCompletedBeforeLookupResult(events: EventJson[]): number {
  const marker = events.findIndex((e) => e.markerRecordedEventAttributes?.markerName === LOCAL_ACTIVITY_MARKER);
  return events.slice(0, marker).filter((e) => e.eventType === 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED').length;
}

/** Shifts every event id (and reference to one) after `after` by `by`, in any attributes. */
function shiftEventIds(node: unknown, after: number, by: number): unknown {
  if (Array.isArray(node)) return node.map((item) => shiftEventIds(item, after, by));
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => {
      const isEventId = /EventId$|^eventId$/.test(key) && typeof value === 'string' && Number(value) > after;
      return [key, isEventId ? String(Number(value) + by) : shiftEventIds(value, after, by)];
    }),
  );
}

/**
 * The history as sdk-core records it when the local activity's result reaches the workflow one task late: the task
 * that records the result asks for another at once, and what the workflow did with the result is that next task's.
 */
function withLookupResultSeenOneTaskLater(history: History): History {
  const events = eventsOf(history);
  const markerIndex = events.findIndex((e) => e.markerRecordedEventAttributes?.markerName === LOCAL_ACTIVITY_MARKER);
  const marker = events[markerIndex];
  const markerId = Number(marker.eventId);
  const recordedBy = marker.markerRecordedEventAttributes!.workflowTaskCompletedEventId!;
  const later = (shiftEventIds(events.slice(markerIndex + 1), markerId, 3) as EventJson[]).map((e) => {
    // The commands that followed the result in its task now belong to the next one.
    const attributes = Object.values(e).find(
      (v): v is { workflowTaskCompletedEventId?: string } =>
        typeof v === 'object' && v !== null && 'workflowTaskCompletedEventId' in v,
    );
    if (attributes?.workflowTaskCompletedEventId === recordedBy)
      attributes.workflowTaskCompletedEventId = `${markerId + 3}`;
    return e;
  });
  const at = { eventTime: marker.eventTime, taskId: marker.taskId };
  const scheduled = events.find((e) => e.eventType === 'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED')!;
  const started = events.find((e) => e.eventType === 'EVENT_TYPE_WORKFLOW_TASK_STARTED')!;
  const completed = events.find((e) => e.eventId === recordedBy)!;
  const nextTask: EventJson[] = [
    { ...scheduled, ...at, eventId: `${markerId + 1}` },
    {
      ...started,
      ...at,
      eventId: `${markerId + 2}`,
      workflowTaskStartedEventAttributes: {
        ...(started.workflowTaskStartedEventAttributes as object),
        scheduledEventId: `${markerId + 1}`,
      },
    },
    {
      ...completed,
      ...at,
      eventId: `${markerId + 3}`,
      workflowTaskCompletedEventAttributes: {
        ...(completed.workflowTaskCompletedEventAttributes as object),
        scheduledEventId: `${markerId + 1}`,
        startedEventId: `${markerId + 2}`,
      },
    },
  ];
  return historyFromJson({ events: [...events.slice(0, markerIndex + 1), ...nextTask, ...later] });
}

test('a history whose host lookup result reached the workflow one task late replays against the workflow code', async () => {
  const { history, workflowId } = await historyOfSlowHostLookup();
  expect(tasksCompletedBeforeLookupResult(eventsOf(history))).toBeGreaterThan(1);
  const replay = (h: History) =>
    Worker.runReplayHistory(
      { workflowsPath: require.resolve('../../workflows'), dataConverter: TEST_DATA_CONVERTER },
      h,
      workflowId,
    );

  await expect(replay(history)).resolves.toBeUndefined();
  await expect(replay(withLookupResultSeenOneTaskLater(history))).resolves.toBeUndefined();
});
