import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { buildImageBundles } from '../test/helpers/prebuilt-bundle';
import { type TestStack } from '../test/helpers/stack';
import { WorkerProcess } from './chaos/worker-process';

/**
 * The production worker (`workers/main.ts`) as its own process for a bench stack started with `worker: 'external'`,
 * so that its memory is measured apart from the bench's (Temporal client, API, emulators and their data). The
 * workflow bundle is built once, as the image does, and loaded by every worker the bench starts.
 */

/** Builds the image's workflow bundles (`scripts/build-workflow-bundle.ts`) into temporary files; returns the path. */
export function buildWorkflowBundle(): Promise<string> {
  return buildImageBundles(join(tmpdir(), `bench-workflow-bundle-${process.pid}.js`));
}

/** A port nobody listens on: the worker's metrics endpoint must not collide with another worker's. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Worker logs are dropped unless BENCH_WORKER_LOGS=1 (then they go to stderr). */
const logSink = {
  stream: () =>
    new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        if (process.env.BENCH_WORKER_LOGS) process.stderr.write(chunk);
        done();
      },
    }),
};

export async function startExternalWorker(
  stack: TestStack,
  workflowBundlePath: string,
  /** Variables that replace the stack's (e.g. a Zoom emulator of its own process). */
  envOverrides: Record<string, string> = {},
): Promise<WorkerProcess> {
  const worker = new WorkerProcess(
    {
      ...stack.workerEnv,
      ...envOverrides,
      WORKFLOW_BUNDLE_PATH: workflowBundlePath,
      METRICS_PORT: String(await freePort()),
      // e.g. `--max-old-space-size=1024`, or `--require <hook>` to profile the worker alone
      ...(process.env.BENCH_WORKER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_WORKER_NODE_OPTIONS } : {}),
    },
    logSink,
  );
  await worker.start();
  return worker;
}

/** The process's peak resident set so far (Linux's VmHWM), in bytes; undefined when it cannot be read. */
export function peakRssBytes(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
