import type { DataConverter, WorkerDeploymentVersion } from '@temporalio/common';
import { bundleWorkflowCode, type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { type Activities } from '../activities';
import { importRate, writesRate, type ZoomPlan } from '../common/zoom-plan';
import { IMPORT_BATCH_SIZE, zoomImportTaskQueue, zoomWritesTaskQueue } from '../workflows/messages';
import { workerTracing } from '../common/temporal-tracing';
import type { Tracing } from '../common/tracing';
import { workflowBundleSources } from './workflow-bundle';
import { bulkTaskQueue } from '../workflows/task-queues';

interface WorkerBase {
  connection: NativeConnection;
  namespace: string;
  /** `TEMPORAL_TASK_QUEUE`, the interactive queue; the bulk and Zoom queues' names derive from it. */
  taskQueue: string;
  activities: Activities;
  /** The payload codec's converter (`common/payload-codec.ts`): the worker reads and writes encrypted payloads. */
  dataConverter: DataConverter;
  /** Production settings from config (`WORKER_*`): shutdown grace and concurrency; tests leave the SDK's. */
  tuning?: WorkerTuning;
  /** OpenTelemetry (`common/tracing.ts`) when it is on: activity spans, and the workflows' spans exported. */
  tracing?: Tracing;
  /** Worker Versioning: this release's deployment version (`WORKER_DEPLOYMENT_NAME`, `WORKER_BUILD_ID`). */
  deployment?: WorkerDeploymentVersion;
}

/**
 * Every worker of a release joins its deployment version, the activity-only ones too: a versioned workflow's
 * activities go to the workers of its own version. Workflows upgrade at their next task unless they say
 * `PINNED` (the short ones, `setWorkflowOptions` in their modules): the weeks-long meeting workflows and routers
 * move to the current version and rely on `patched()` (README, "Upgrading workflows").
 */
function versioning(deployment: WorkerDeploymentVersion | undefined): Pick<WorkerOptions, 'workerDeploymentOptions'> {
  if (!deployment) return {};
  return {
    workerDeploymentOptions: {
      version: deployment,
      useWorkerVersioning: true,
      defaultVersioningBehavior: 'AUTO_UPGRADE',
    },
  };
}

export type WorkerTuning = Pick<
  WorkerOptions,
  | 'shutdownGraceTime'
  | 'maxConcurrentActivityTaskExecutions'
  | 'maxConcurrentWorkflowTaskExecutions'
  | 'maxCachedWorkflows'
>;

/** The meeting worker: the workflows of this project plus the given activities, on one task queue. */
export async function createWorker(
  options: WorkerBase & {
    /**
     * A pre-built bundle: the image's (`WORKFLOW_BUNDLE_PATH`), or the tests' (each test file bundles once). It must
     * hold the tracing interceptors when `tracing` is given, and only then (`workflowBundleSources`).
     */
    workflowBundle?: WorkerOptions['workflowBundle'];
  },
): Promise<Worker> {
  const { connection, namespace, taskQueue, activities, workflowBundle, dataConverter, tuning, tracing } = options;
  const { interceptors, sinks } = workerTracing(tracing);
  const sources = workflowBundleSources(tracing !== undefined);
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    activities,
    dataConverter,
    ...tuning,
    ...versioning(options.deployment),
    // Heartbeats reach the server as they are made, not once per 0.8 heartbeat timeout: the launch e-mail's record
    // of who was sent to must survive a crash, or a retry mails them again (chaos suite: 9 of 10 re-sent).
    maxHeartbeatThrottleInterval: '1 ms',
    sinks,
    ...(workflowBundle
      ? { workflowBundle, interceptors }
      : {
          workflowsPath: sources.workflowsPath,
          interceptors: { ...interceptors, workflowModules: sources.workflowInterceptorModules },
        }),
  });
}

/** Slots of each latency queue's worker (`WORKER_*` and `WORKER_BULK_*`). */
export interface LatencyTuning {
  interactive: WorkerTuning;
  bulk: WorkerTuning;
}

/**
 * The meeting workers of both latency queues (`workflows/task-queues.ts`): the same workflows and activities, each
 * with slots, pollers and a workflow cache of its own, so a bulk's backlog waits on its own queue and never for a
 * slot the interactive queue needs. One workflow bundle serves both (built here when none is given).
 */
export async function createLatencyWorkers(
  options: Omit<WorkerBase, 'tuning'> & {
    workflowBundle?: WorkerOptions['workflowBundle'];
    tuning?: LatencyTuning;
  },
): Promise<Worker[]> {
  const workflowBundle =
    options.workflowBundle ?? (await bundleWorkflowCode(workflowBundleSources(options.tracing !== undefined)));
  return Promise.all([
    createWorker({ ...options, workflowBundle, tuning: options.tuning?.interactive }),
    createWorker({
      ...options,
      taskQueue: bulkTaskQueue(options.taskQueue),
      workflowBundle,
      tuning: options.tuning?.bulk,
    }),
  ]);
}

/**
 * Import batches the server lets all workers together start per second: a full batch reads 200 participant lists
 * (Zoom's Medium label), so the account's Medium rate, less a share for everything else, over the batch size.
 */
export function importBatchesPerSecond(plan: ZoomPlan): number {
  return importRate(plan) / IMPORT_BATCH_SIZE;
}

/**
 * Zoom writes the server lets all workers together start per second: one create (Zoom's Medium label; updates and
 * deletes are Light, so the create rate bounds them too) per activity, the part of the share creates are sure of.
 */
export function zoomWritesPerSecond(plan: ZoomPlan): number {
  return writesRate(plan);
}

/**
 * Server-side dispatch rates of the two rate-limited Zoom queues, tasks per second for all workers together: the
 * import up to the integration's whole Medium share, creates their guaranteed part of it; inside a worker the Zoom
 * client's pacer holds both together to that share, creates first (`common/zoom-plan.ts`, `importRate`).
 */
export interface ZoomQueueRates {
  importBatchesPerSecond: number;
  writesPerSecond: number;
}

export function zoomQueueRates(plan: ZoomPlan): ZoomQueueRates {
  return { importBatchesPerSecond: importBatchesPerSecond(plan), writesPerSecond: zoomWritesPerSecond(plan) };
}

/**
 * The workers of the rate-limited Zoom queues, activities only, whose dispatch rate the Temporal server enforces
 * across every worker (`maxTaskQueueActivitiesPerSecond`), so Zoom's account-wide limits hold however many run:
 * - `<queue>-zoom-import`: the external-meeting import and the hand-off of stale Events, which costs Zoom alike;
 * - `<queue>-zoom-writes`: the meeting workflows' creates, updates and deletes, so a bulk of Events is paced below
 *   Zoom's limit instead of meeting it as a 429 storm.
 */
export async function createZoomQueueWorkers(options: WorkerBase & { rates: ZoomQueueRates }): Promise<Worker[]> {
  const { connection, namespace, taskQueue, activities, rates, dataConverter, tuning, tracing } = options;
  const { interceptors } = workerTracing(tracing);
  const rateLimited = (queue: string, perSecond: number, registered: Partial<Activities>) =>
    Worker.create({
      connection,
      namespace,
      dataConverter,
      interceptors,
      ...versioning(options.deployment),
      // Activities only: no workflow cache to size.
      ...(tuning && { shutdownGraceTime: tuning.shutdownGraceTime }),
      taskQueue: queue,
      activities: registered,
      maxTaskQueueActivitiesPerSecond: perSecond,
    });
  return Promise.all([
    rateLimited(zoomImportTaskQueue(taskQueue), rates.importBatchesPerSecond, {
      importExternalMeetings: activities.importExternalMeetings,
      reconcileStaleEvents: activities.reconcileStaleEvents,
    }),
    rateLimited(zoomWritesTaskQueue(taskQueue), rates.writesPerSecond, {
      createZoomMeeting: activities.createZoomMeeting,
      updateZoomMeeting: activities.updateZoomMeeting,
      deleteZoomMeeting: activities.deleteZoomMeeting,
    }),
  ]);
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
