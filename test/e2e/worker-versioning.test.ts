/**
 * Worker Versioning on the dev server, as `WORKER_DEPLOYMENT_NAME` / `WORKER_BUILD_ID` wire it: the workers of a
 * release join its deployment version; the short workflows are PINNED to the version that started them, the
 * long-lived ones (the router here, the meeting workflow alike) move to the current version at their next task.
 */
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { type Worker } from '@temporalio/worker';
import { type Activities } from '../../activities';
import { createLatencyWorkers, createZoomQueueWorkers, runWorkers } from '../../workers/worker';
import { workflowBundleSources } from '../../workers/workflow-bundle';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { registerRouteSignal } from '../../workflows/messages';
import { bulkTaskQueue } from '../../workflows/task-queues';
import { createDevServerEnv, TEST_DATA_CONVERTER, uniqueTaskQueue } from '../helpers/temporal';
import { eventually } from '../helpers/stack';

const DEPLOYMENT = 'zoom-salesforce-test';
let env: TestWorkflowEnvironment;
let workflowBundle: WorkflowBundleWithSourceMap;
const running: { workers: Worker[]; run: Promise<void> }[] = [];

beforeAll(async () => {
  env = await createDevServerEnv();
  workflowBundle = await bundleWorkflowCode({ ...workflowBundleSources(false), logger: quiet() });
}, 120_000);

afterAll(async () => {
  for (const { workers, run } of running) {
    for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
    await run.catch(() => undefined);
  }
  await env?.teardown();
});

function quiet() {
  const silent = () => undefined;
  return { trace: silent, debug: silent, info: silent, warn: silent, error: silent, log: silent };
}

const notHere = async () => {
  throw new Error('no activity runs in this test');
};

/** A release's workers, as `workers/main.ts` starts them: both latency queues' workers and the two Zoom queues'. */
async function startRelease(taskQueue: string, buildId: string): Promise<void> {
  const base = {
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    // No activity succeeds here: the workflows' versions are what the test reads.
    activities: new Proxy({}, { get: () => notHere }) as Activities,
    dataConverter: TEST_DATA_CONVERTER,
    deployment: { deploymentName: DEPLOYMENT, buildId },
  };
  const workers = [
    ...(await createLatencyWorkers({ ...base, workflowBundle })),
    ...(await createZoomQueueWorkers({ ...base, rates: { importBatchesPerSecond: 50, writesPerSecond: 1000 } })),
  ];
  running.push({ workers, run: runWorkers(workers) });
}

/** What an operator does on a rollout: `temporal worker deployment set-current-version`. */
async function makeCurrent(buildId: string): Promise<void> {
  // The version exists once its workers have polled.
  await eventually(
    () =>
      env.client.workflowService
        .setWorkerDeploymentCurrentVersion({ namespace: 'default', deploymentName: DEPLOYMENT, buildId })
        .then(() => true),
    20_000,
    `version ${buildId} current`,
  );
}

async function versioningOf(workflowId: string) {
  const { raw } = await env.client.workflow.getHandle(workflowId).describe();
  const info = raw.workflowExecutionInfo?.versioningInfo;
  return { behavior: info?.behavior, buildId: info?.deploymentVersion?.buildId ?? undefined };
}

/** The workflow's versioning once a task of it has run on `buildId`. */
async function versioningOn(workflowId: string, buildId: string, what: string) {
  await eventually(
    async () => ((await versioningOf(workflowId)).buildId === buildId ? true : undefined),
    20_000,
    `${what} on ${buildId}`,
  );
  return versioningOf(workflowId);
}

const PINNED = 1; // temporal.api.enums.v1.VersioningBehavior
const AUTO_UPGRADE = 2;

test('short workflows stay on the release that started them; the long-lived move to the current release', async () => {
  const taskQueue = uniqueTaskQueue('versioning');
  await startRelease(taskQueue, 'release-1');
  await makeCurrent('release-1');

  // The "Send Email" workflow (PINNED): its activity never completes here, so it stays open.
  const email = await env.client.workflow.start('meetingEmailWorkflow', {
    taskQueue,
    workflowId: `email-${taskQueue}`,
    args: [{ eventId: '00U000000000001AAA', additionalEmails: [] }],
  });
  // A Zoom meeting's router (AUTO_UPGRADE, the worker's default, as the meeting workflow).
  const route = (startTime: string) => ({
    workflowId: 'meeting-00U000000000001AAA',
    startTime,
    endTime: new Date(Date.parse(startTime) + 30 * 60_000).toISOString(),
    usesPmi: false,
  });
  const startRouter = (queue: string, workflowId: string, meetingId: string, startTime: string) =>
    env.client.workflow.signalWithStart('zoomMeetingRouterWorkflow', {
      taskQueue: queue,
      workflowId,
      args: [{ meetingId }],
      signal: registerRouteSignal,
      signalArgs: [route(startTime)],
    });
  const router = await startRouter(taskQueue, `router-${taskQueue}`, '81234567890', '2030-01-07T15:00:00.000Z');
  expect(await versioningOn(email.workflowId, 'release-1', 'the e-mail workflow')).toEqual({
    behavior: PINNED,
    buildId: 'release-1',
  });
  expect(await versioningOn(router.workflowId, 'release-1', 'the router')).toEqual({
    behavior: AUTO_UPGRADE,
    buildId: 'release-1',
  });

  // Release 2 rolls out beside release 1 and becomes current.
  await startRelease(taskQueue, 'release-2');
  await makeCurrent('release-2');
  // The meeting moves (a signal: the router's next task), until one of its tasks runs after the new routing reached
  // the task queue (the server propagates it within seconds).
  let day = 8;
  await eventually(
    async () => {
      await router.signal(registerRouteSignal, route(`2030-01-${String(day++).padStart(2, '0')}T15:00:00.000Z`));
      await new Promise((resolve) => setTimeout(resolve, 500));
      return (await versioningOf(router.workflowId)).buildId === 'release-2' ? true : undefined;
    },
    20_000,
    'the router upgraded at a task after release-2 became current',
  );
  expect(await versioningOf(router.workflowId)).toEqual({ behavior: AUTO_UPGRADE, buildId: 'release-2' });
  expect(await versioningOf(email.workflowId)).toEqual({ behavior: PINNED, buildId: 'release-1' });
  // The bulk queue is part of each release too: a workflow started there runs on the current one.
  const bulk = await startRouter(
    bulkTaskQueue(taskQueue),
    `router-bulk-${taskQueue}`,
    '81234567891',
    '2030-02-07T15:00:00.000Z',
  );
  expect(await versioningOn(bulk.workflowId, 'release-2', 'a bulk-queue workflow')).toEqual({
    behavior: AUTO_UPGRADE,
    buildId: 'release-2',
  });
  await email.terminate('test over');
  await router.terminate('test over');
  await bulk.terminate('test over');
});
