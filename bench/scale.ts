/**
 * `npm run bench:scale`: the service scales out on Temporal. One dev server, one API and the emulators; the bulk
 * benchmark of `bench:schedule` (Events inserted 200 at a time, one callout each, until every Event holds its join
 * URL) is run with 1, then 2, then 3 production worker processes (`workers/main.ts` on the prebuilt bundle) polling
 * the same task queues. Each round prints its throughput (meetings per second), the callout → join URL latency
 * of its Events, and the CPU each worker used, beside the Temporal server's, the bench process's (API and
 * emulators) and the whole machine's. `BENCH_SCALE_EVENTS` Events per round (200: the bulk of one callout),
 * `BENCH_SCALE_WORKERS` the rounds' worker counts (1,2,3).
 *
 * The Zoom emulator runs without rate limits and the workers pace Zoom by the Business plan (54 creates a second
 * for the rate-limited writes queue), so Zoom is not what limits a round: the machine is.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { type CalloutRecord } from '../emulators/salesforce/trigger';
import { startTestStack, type TestStack } from '../test/helpers/stack';
import { type WorkerProcess } from './chaos/worker-process';
import { buildWorkflowBundle, startExternalWorker } from './external-worker';
import { eventFields, until } from './schedule';
import { summarize } from './stats';

const EVENTS = Number(process.env.BENCH_SCALE_EVENTS ?? 200);
const WORKER_COUNTS = (process.env.BENCH_SCALE_WORKERS ?? '1,2,3').split(',').map(Number);
const BULK = 200;
const WARM_UP = 20;
const CLOCK_TICKS_PER_SECOND = 100; // Linux USER_HZ

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat; undefined once it is gone. */
function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is 3rd, utime 14th, stime 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Busy and total CPU seconds of the whole machine (all cores, everyone's processes), from /proc/stat. */
function machineCpuSeconds(): { busy: number; total: number } {
  const [cpu] = readFileSync('/proc/stat', 'utf8').split('\n');
  const ticks = cpu.trim().split(/\s+/).slice(1).map(Number);
  const idle = ticks[3] + (ticks[4] ?? 0); // idle + iowait
  const total = ticks.reduce((a, b) => a + b, 0);
  return { busy: (total - idle) / CLOCK_TICKS_PER_SECOND, total: total / CLOCK_TICKS_PER_SECOND };
}

/** The dev server's process: `temporal server start-dev --port <the stack's port>`. */
function temporalServerPid(address: string): number | undefined {
  const port = address.split(':').pop();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const at = args.indexOf('--port');
      if (args.includes('start-dev') && at >= 0 && args[at + 1] === port) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/** When each Event's join URL was written back (the worker's PATCH of the Event), indexed as the log grows. */
class WriteBacks {
  private seen = 0;
  private readonly at = new Map<string, number>();

  constructor(private readonly stack: TestStack) {}

  of(eventId: string): number | undefined {
    const requests = this.stack.salesforce.admin.requests;
    for (; this.seen < requests.length; this.seen += 1) {
      const r = requests[this.seen];
      const id = /\/sobjects\/Event\/([^/?]+)$/.exec(r.path)?.[1];
      if (id && r.method === 'PATCH' && r.status === 204 && !this.at.has(id)) this.at.set(id, r.finishedAt);
    }
    return this.at.get(eventId);
  }
}

/**
 * Whether every Event has its join URL; throws when a callout was given up (the org's retries all refused: on a
 * starved machine the API's 4 s budget for 200 signals can run out), as the org would list it as a callout failure.
 */
function allScheduled(events: { id: string; callout: CalloutRecord }[], writeBacks: WriteBacks): true | undefined {
  const lost = events.find((e) => e.callout.durationMs !== null && e.callout.status !== 202);
  if (lost) {
    throw new Error(`a callout was given up after ${lost.callout.attempts} attempts (HTTP ${lost.callout.status})`);
  }
  return events.every((e) => writeBacks.of(e.id) !== undefined) ? true : undefined;
}

/** Inserts `count` Events 200 at a time; resolves with each Event's id and the time its callout was sent. */
async function insertBulks(stack: TestStack, from: number, count: number) {
  const sf = await stack.sfUser();
  const events: { id: string; calloutSentAt: number; callout: CalloutRecord }[] = [];
  for (let b = 0; b * BULK < count; b += 1) {
    const size = Math.min(BULK, count - b * BULK);
    const calloutsBefore = stack.salesforce.trigger.callouts.length;
    const records = Array.from({ length: size }, (_, i) => ({
      attributes: { type: 'Event' },
      ...eventFields(from + b * BULK + i),
    }));
    const results = (await sf.sobject('Event').create(records, { allOrNone: true })) as unknown as { id: string }[];
    const callout = await until(() => stack.salesforce.trigger.callouts[calloutsBefore], 10_000);
    events.push(...results.map((r) => ({ id: r.id, calloutSentAt: Date.parse(callout.sentAt), callout })));
  }
  return events;
}

async function round(stack: TestStack, writeBacks: WriteBacks, workers: WorkerProcess[], index: number) {
  const cores = (seconds: number, wall: number) => Math.round((seconds / wall) * 100) / 100;
  // Warm-up: every worker's first tasks (JIT, connections, tokens) are not measured.
  const warm = await insertBulks(stack, index * 100_000 + 90_000, WARM_UP * workers.length);
  await until(() => allScheduled(warm, writeBacks), 120_000);

  const serverPid = temporalServerPid(stack.workerEnv.TEMPORAL_ADDRESS);
  const before = {
    workers: workers.map((w) => processCpuSeconds(w.pid) ?? 0),
    server: processCpuSeconds(serverPid) ?? 0,
    bench: process.cpuUsage(),
    machine: machineCpuSeconds(),
  };
  const started = Date.now();
  const events = await insertBulks(stack, index * 100_000, EVENTS);
  await until(() => allScheduled(events, writeBacks), 15 * 60_000);
  const finishedAt = Math.max(...events.map((e) => writeBacks.of(e.id)!));
  const wall = (Date.now() - started) / 1000;
  const bench = process.cpuUsage(before.bench);
  const machine = machineCpuSeconds();
  const firstCallout = Math.min(...events.map((e) => e.calloutSentAt));
  const seconds = (finishedAt - firstCallout) / 1000;
  return {
    workers: workers.length,
    events: EVENTS,
    callouts: Math.ceil(EVENTS / BULK),
    seconds: Math.round(seconds * 10) / 10,
    meetingsPerSecond: Math.round((EVENTS / seconds) * 10) / 10,
    calloutToJoinUrlMs: summarize(events.map((e) => writeBacks.of(e.id)! - e.calloutSentAt)),
    cpuCores: {
      perWorker: workers.map((w, i) => cores((processCpuSeconds(w.pid) ?? 0) - before.workers[i], wall)),
      temporalServer: cores((processCpuSeconds(serverPid) ?? 0) - before.server, wall),
      benchProcess: cores((bench.user + bench.system) / 1e6, wall),
      machineBusy: cores(machine.busy - before.machine.busy, wall),
      machineTotal: cores(machine.total - before.machine.total, wall),
    },
  };
}

async function main() {
  const bundle = await buildWorkflowBundle();
  const stack = await startTestStack({ worker: 'external', zoomPlan: 'business', zoomEmulator: { rateLimits: false } });
  const workers: WorkerProcess[] = [];
  const rounds = [];
  try {
    const writeBacks = new WriteBacks(stack);
    for (const [index, count] of WORKER_COUNTS.entries()) {
      while (workers.length < count) workers.push(await startExternalWorker(stack, bundle));
      rounds.push(await round(stack, writeBacks, workers, index + 1));
    }
  } finally {
    for (const worker of workers) await worker.stop();
    await stack.stop();
  }
  const base = rounds[0].meetingsPerSecond;
  console.log(
    JSON.stringify(
      {
        benchmark: 'scale',
        temporal:
          'one dev server (SQLite in memory); API and emulators in the bench process; workers/main.ts processes',
        machine: `${cpus().length} cores, shared with other work`,
        rounds: rounds.map((r) => ({ ...r, speedup: Math.round((r.meetingsPerSecond / base) * 100) / 100 })),
      },
      null,
      2,
    ),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
