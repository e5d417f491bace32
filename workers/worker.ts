import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { type Activities } from '../activities';
import { ZOOM_PLAN_RATES, ZOOM_RATE_SHARE, type ZoomPlan } from '../common/zoom-plan';
import { IMPORT_BATCH_SIZE, zoomImportTaskQueue, zoomWritesTaskQueue } from '../workflows/messages';

interface WorkerBase {
  connection: NativeConnection;
  namespace: string;
  /** The meeting workflows' task queue; the import queue's name derives from it. */
  taskQueue: string;
  activities: Activities;
}

/** The meeting worker: the workflows of this project plus the given activities, on one task queue. */
export async function createWorker(
  options: WorkerBase & {
    /** Tests pass a pre-built bundle so that each test file bundles once. */
    workflowBundle?: WorkerOptions['workflowBundle'];
  },
): Promise<Worker> {
  const { connection, namespace, taskQueue, activities, workflowBundle } = options;
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    activities,
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
  });
}

/**
 * Import batches the server lets all workers together start per second: a full batch reads 200 participant lists
 * (Zoom's Medium label), so the account's Medium rate, less a share for everything else, over the batch size.
 */
export function importBatchesPerSecond(plan: ZoomPlan): number {
  return (ZOOM_PLAN_RATES[plan].medium * ZOOM_RATE_SHARE) / IMPORT_BATCH_SIZE;
}

/**
 * The external-meeting import's worker (and the hand-off of stale Events, which costs Zoom alike): activities only,
 * on their own queue, whose dispatch rate the Temporal server enforces across every worker
 * (`maxTaskQueueActivitiesPerSecond`), so Zoom's account-wide limit holds however many workers run.
 */
export async function createZoomImportWorker(options: WorkerBase & { batchesPerSecond: number }): Promise<Worker> {
  const { connection, namespace, taskQueue, activities, batchesPerSecond } = options;
  return Worker.create({
    connection,
    namespace,
    taskQueue: zoomImportTaskQueue(taskQueue),
    activities: {
      importExternalMeetings: activities.importExternalMeetings,
      reconcileStaleEvents: activities.reconcileStaleEvents,
    },
    maxTaskQueueActivitiesPerSecond: batchesPerSecond,
  });
}

/**
 * Zoom writes the server lets all workers together start per second: one create (Zoom's Medium label; updates and
 * deletes are Light, so the create rate bounds them too) per activity, less a share for everything else.
 */
export function zoomWritesPerSecond(plan: ZoomPlan): number {
  return ZOOM_PLAN_RATES[plan].medium * ZOOM_RATE_SHARE;
}

/**
 * The meeting workflows' Zoom writes, on their own queue whose dispatch rate the Temporal server enforces across
 * every worker: a bulk of Events is paced below Zoom's account-wide limit instead of meeting it as a 429 storm.
 */
export async function createZoomWritesWorker(options: WorkerBase & { writesPerSecond: number }): Promise<Worker> {
  const { connection, namespace, taskQueue, activities, writesPerSecond } = options;
  return Worker.create({
    connection,
    namespace,
    taskQueue: zoomWritesTaskQueue(taskQueue),
    activities: {
      createZoomMeeting: activities.createZoomMeeting,
      updateZoomMeeting: activities.updateZoomMeeting,
      deleteZoomMeeting: activities.deleteZoomMeeting,
    },
    maxTaskQueueActivitiesPerSecond: writesPerSecond,
  });
}

/** Runs workers together; when one stops (or fails), the others are shut down too. */
export async function runWorkers(workers: Worker[]): Promise<void> {
  const runs = workers.map((worker) => worker.run());
  try {
    await Promise.race(runs);
  } finally {
    for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
    await Promise.allSettled(runs);
  }
  await Promise.all(runs);
}
