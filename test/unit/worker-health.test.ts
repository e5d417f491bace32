/**
 * The worker's operations port on a real Temporal dev server with real Workers: `/healthz` while the process is up,
 * `/readyz` 200 only while every Worker is RUNNING and Temporal answers, otherwise 503 with the reason; `/metrics`
 * passes the SDK's endpoint through.
 */
import type { Server } from 'node:http';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createWorkerHealthServer, listen, type WorkerHealthDeps } from '../../workers/health-server';
import { createDevServerEnv, uniqueTaskQueue } from '../helpers/temporal';
import { eventually } from '../helpers/stack';

let env: TestWorkflowEnvironment;
const servers: Server[] = [];

beforeAll(async () => {
  env = await createDevServerEnv();
}, 60_000);

afterAll(async () => {
  for (const server of servers) server.close();
  await env?.teardown();
});

async function serve(deps: WorkerHealthDeps): Promise<string> {
  const server = createWorkerHealthServer(deps);
  servers.push(server);
  return `http://127.0.0.1:${await listen(server, '127.0.0.1', 0)}`;
}

async function get(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function activityWorker(taskQueue: string): Promise<Worker> {
  return Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    activities: { noop: async () => undefined },
    shutdownGraceTime: '200 ms',
  });
}

test('ready while every worker runs; 503 naming the worker once one shuts down; alive throughout', async () => {
  const meetings = uniqueTaskQueue('health-meetings');
  const workers: Worker[] = [];
  const url = await serve({ workers: () => workers, temporal: env.nativeConnection });
  expect(await get(`${url}/readyz`)).toEqual({
    status: 503,
    body: { status: 'not ready', reason: 'the workers are starting' },
  });

  workers.push(await activityWorker(meetings), await activityWorker(uniqueTaskQueue('health-zoom')));
  const runs = workers.map((worker) => worker.run());
  await eventually(async () => (workers.every((w) => w.getState() === 'RUNNING') ? true : undefined));
  expect(await get(`${url}/readyz`)).toEqual({ status: 200, body: { status: 'ready' } });
  expect(await get(`${url}/healthz`)).toEqual({ status: 200, body: { status: 'ok' } });

  workers[0].shutdown();
  const during = await get(`${url}/readyz`);
  expect(during.status).toBe(503);
  expect(during.body.reason).toMatch(
    new RegExp(`^the worker of task queue "${meetings}" is (stopping|draining|drained|stopped)$`),
  );
  await runs[0];
  expect(await get(`${url}/readyz`)).toEqual({
    status: 503,
    body: { status: 'not ready', reason: `the worker of task queue "${meetings}" is stopped` },
  });
  expect((await get(`${url}/healthz`)).status).toBe(200);

  workers[1].shutdown();
  await runs[1];
});

test('503 when Temporal does not answer although the workers run', async () => {
  const workers = [await activityWorker(uniqueTaskQueue('health-down'))];
  const run = workers[0].run();
  await eventually(async () => (workers[0].getState() === 'RUNNING' ? true : undefined));
  // A connection to a second server that then goes away.
  const gone = await createDevServerEnv();
  const connection = await NativeConnection.connect({ address: gone.address });
  await gone.teardown();
  try {
    const url = await serve({ workers: () => workers, temporal: connection });
    const asked = Date.now();
    expect(await get(`${url}/readyz`)).toEqual({
      status: 503,
      body: { status: 'not ready', reason: 'Temporal is not reachable' },
    });
    // Inside a probe's usual timeout, though the core client goes on retrying.
    expect(Date.now() - asked).toBeLessThan(3_000);
  } finally {
    await connection.close();
    workers[0].shutdown();
    await run;
  }
});

test('/metrics passes the SDK endpoint through', async () => {
  const sdk = createWorkerHealthServer({ workers: () => [], temporal: env.nativeConnection });
  servers.push(sdk);
  // Any endpoint stands in for the SDK's here: the worker-process e2e (test/e2e/metrics.test.ts) reads the real one.
  const sdkUrl = `http://127.0.0.1:${await listen(sdk, '127.0.0.1', 0)}/healthz`;
  const url = await serve({ workers: () => [], temporal: env.nativeConnection, sdkMetricsUrl: sdkUrl });
  expect(await get(`${url}/metrics`)).toEqual({ status: 200, body: { status: 'ok' } });
});
