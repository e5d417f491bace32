/**
 * The worker's operations port (`METRICS_HOST:METRICS_PORT`): `/metrics` (the SDK's Prometheus endpoint, which the
 * SDK serves on a loopback port of its own and which cannot take other routes, passed through), `/healthz` (the
 * process is up) and `/readyz` (every Worker of the process is RUNNING and Temporal answers), for orchestrators'
 * liveness and readiness probes.
 */
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { NativeConnection, Worker } from '@temporalio/worker';

export interface WorkerHealthDeps {
  /** The process's Workers; empty while they are being created (not ready yet). */
  workers: () => readonly Pick<Worker, 'getState' | 'options'>[];
  temporal: Pick<NativeConnection, 'withDeadline' | 'workflowService'>;
  /** The SDK's own Prometheus endpoint, served at `/metrics`. */
  sdkMetricsUrl?: string;
}

/** Temporal must answer a readiness probe within this (probes' own timeouts are a few seconds). */
const READINESS_TIMEOUT_MS = 2_000;

/** Why the process is not ready, or undefined when it is. */
export async function notReadyReason({ workers, temporal }: WorkerHealthDeps): Promise<string | undefined> {
  const all = workers();
  if (all.length === 0) return 'the workers are starting';
  const notRunning = all.find((worker) => worker.getState() !== 'RUNNING');
  if (notRunning)
    return `the worker of task queue "${notRunning.options.taskQueue}" is ${notRunning.getState().toLowerCase()}`;
  let timer: NodeJS.Timeout | undefined;
  try {
    // The core client retries an unreachable server past a call's deadline, so the probe keeps its own clock.
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out')), READINESS_TIMEOUT_MS);
    });
    const deadline = Date.now() + READINESS_TIMEOUT_MS;
    await Promise.race([temporal.withDeadline(deadline, () => temporal.workflowService.getSystemInfo({})), timeout]);
  } catch {
    return 'Temporal is not reachable';
  } finally {
    clearTimeout(timer);
  }
  return undefined;
}

export function createWorkerHealthServer(deps: WorkerHealthDeps): Server {
  return createServer((request, response) => {
    const send = (status: number, body: string, type = 'application/json') => {
      response.writeHead(status, { 'content-type': type });
      response.end(body);
    };
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET') return send(405, JSON.stringify({ error: 'Method not allowed' }));
    if (path === '/healthz') return send(200, JSON.stringify({ status: 'ok' }));
    if (path === '/readyz') {
      void notReadyReason(deps).then((reason) =>
        reason === undefined
          ? send(200, JSON.stringify({ status: 'ready' }))
          : send(503, JSON.stringify({ status: 'not ready', reason })),
      );
      return;
    }
    if (path === '/metrics' && deps.sdkMetricsUrl) {
      void fetch(deps.sdkMetricsUrl).then(
        async (sdk) => send(sdk.status, await sdk.text(), sdk.headers.get('content-type') ?? 'text/plain'),
        () => send(502, JSON.stringify({ error: "The SDK's metrics endpoint did not answer" })),
      );
      return;
    }
    send(404, JSON.stringify({ error: 'Not found' }));
  });
}

/** Listens on `host:port` (port 0: any free one) and resolves with the port. */
export async function listen(server: Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}

/** A loopback port free right now, for the SDK's own metrics endpoint behind this server. */
export async function freeLoopbackPort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
