/**
 * `npm run bench:sync`: the hourly sync at scale, on the real dev server with the emulators and Zoom's Business-plan
 * rate limits on. Prints JSON.
 * (a) Reconciliation: BENCH_RECONCILE stale Events (default 10,000; 0 skips it) whose meetings ended in Zoom while
 *     Salesforce still says Scheduled, handed to their meeting workflows, timed until every Event says Ended.
 * (b) Import: BENCH_MEETINGS external meetings (default 5,000; a list such as "1000,5000,20000" runs each on a
 *     fresh stack) from 25 hosts, 5 participants each, matched against 50,000 Contacts and Leads, over six days.
 * BENCH_TIMELINE=1 also prints, on stderr, the calls per 5 seconds (BENCH_BUCKET_MS to change) by Zoom label,
 * Salesforce reads and writes, and the reconciliation's hand-offs (its workflows' starts).
 * Reported: wall time, Zoom calls per rate label, the Zoom floor (the busiest label's calls ÷ its allowed rate) and
 * the ratio to it, Salesforce calls (writes and reads), the worker's peak RSS per run (the production worker,
 * `workers/main.ts`, runs as its own process) and the bench process's (Temporal client, API and the Salesforce
 * emulator with all its data). The Zoom emulator (`emulators/zoom/main.ts`) runs in a process of its own too: it
 * counts a request against Zoom's per-second window when it serves it, so a stall of a shared event loop (the
 * Salesforce emulator's queries over 50,000 records) bunched requests the worker had spaced evenly into 429s.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import axios from 'axios';
import { ZOOM_PLAN_RATES } from '../common/zoom-plan';
import { DEMO_CREDENTIALS, DEMO_PROFILES } from '../emulators/demo-org';
import { hourlySyncInput } from '../workers/hourly-sync-schedule';
import type { HourlySyncProgress } from '../workflows/messages';
import { startTestStack, type TestStack } from '../test/helpers/stack';
import type { RecordedRequest } from '../emulators/common/admin';
import { buildWorkflowBundle, freePort, peakRssBytes, startExternalWorker } from './external-worker';
import { WorkerProcess } from './chaos/worker-process';

const HOSTS = 25;
const PARTICIPANTS = 5;
const RECORDS = 50_000;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const PLAN = 'business' as const;
const sizes = (process.env.BENCH_MEETINGS ?? '5000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const staleEvents = Number(process.env.BENCH_RECONCILE ?? '10000');

/** Salesforce ids of the hosts, as the org assigns them when seeded. */
const sfIds: string[] = [];
const hostOf = (h: number) => ({
  zoomId: `benchHost${String(h).padStart(3, '0')}`,
  sfId: sfIds[h],
  email: `host${h}@bench-sales.example`,
});

/** Zoom's labels of the routes the sync calls (shared/reference/zoom-api.md §2). */
function labelOf(path: string): string {
  if (path.startsWith('/v2/report/')) return 'Heavy';
  if (/^\/v2\/past_meetings\/[^/]+\/(participants|instances)$/.test(path)) return 'Medium';
  if (path === '/v2/users' || /^\/v2\/users\/[^/]+\/meetings$/.test(path)) return 'Medium';
  if (path.startsWith('/v2/')) return 'Light';
  return 'token';
}

/** The Zoom emulator in its own process: its URL and its request log. */
interface BenchZoom {
  url: string;
  requests(): Promise<RecordedRequest[]>;
}

/** The bench process's event-loop delay over a run (reset when a run's timing starts). */
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

let peakRss = 0;
const rssProbe = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);

/** The hosts as Salesforce users (their ids go to `sfIds`), and the admin's toggle for external meetings. */
async function seedHosts(stack: TestStack, syncExternal: boolean): Promise<void> {
  const sfUrl = `${stack.salesforceUrl}/_emulator/records`;
  sfIds.length = 0;
  const users = await axios.post(`${sfUrl}/User`, {
    records: Array.from({ length: HOSTS }, (_, h) => ({
      Username: hostOf(h).email,
      FirstName: 'Host',
      LastName: `Number ${h}`,
      Email: hostOf(h).email,
      TimeZoneSidKey: 'Europe/London',
      ProfileId: DEMO_PROFILES.standardUser.Id,
    })),
  });
  sfIds.push(...(users.data as { ids: string[] }).ids);
  await axios.post(`${sfUrl}/Zoom_Settings__c`, {
    records: [{ SetupOwnerId: '00D000000000001AAA', Sync_External_Meetings__c: syncExternal }],
  });
}

async function seed(stack: TestStack, zoom: BenchZoom, meetings: number): Promise<void> {
  const sfUrl = `${stack.salesforceUrl}/_emulator/records`;
  await seedHosts(stack, true);
  // 50,000 records: per host 1,000 Contacts and 1,000 Leads; person i of host h is "First{i} Last{h}".
  const per = RECORDS / HOSTS / 2;
  for (const type of ['Contact', 'Lead']) {
    const records = [];
    for (let h = 0; h < HOSTS; h += 1)
      for (let i = 0; i < per; i += 1)
        records.push({
          OwnerId: hostOf(h).sfId,
          FirstName: `${type === 'Lead' ? 'Lead' : 'First'}${i}`,
          LastName: `Last${h}`,
          Email: `${type.toLowerCase()}${i}.h${h}@customer.example`,
          ...(type === 'Lead' ? { Company: 'Customer' } : {}),
        });
    await axios.post(`${sfUrl}/${type}`, { records }, { maxBodyLength: Infinity });
  }
  // Meetings over the last six days, each host alike; people: the host, a contact by e-mail, one by name (its
  // e-mail hidden as Zoom hides guests'), a lead, and a stranger.
  const all = Array.from({ length: meetings }, (_, m) => {
    const h = m % HOSTS;
    const end = Date.now() - 30 * MINUTE - (m / meetings) * 6 * DAY;
    const i = Math.floor(m / HOSTS) % per;
    return {
      host: hostOf(h).zoomId,
      topic: `Customer call ${m}`,
      startTime: new Date(end - 30 * MINUTE).toISOString(),
      endTime: new Date(end).toISOString(),
      participants: [
        { name: `Host Number ${h}`, userId: hostOf(h).zoomId },
        { name: `Someone ${m}`, email: `contact${i}.h${h}@customer.example`, hideEmail: false },
        { name: `First${(i + 1) % per} Last${h}` },
        { name: `Lead${i} Last${h}` },
        { name: `Stranger ${m}` },
      ].slice(0, PARTICIPANTS),
    };
  });
  for (let i = 0; i < all.length; i += 2_000) {
    await axios.post(`${zoom.url}/_emulator/past-meetings`, all.slice(i, i + 2_000), {
      maxBodyLength: Infinity,
    });
  }
}

/** Calls per 5 seconds from the first Zoom call on, by Zoom label, Salesforce read or write, and hand-off (stderr). */
async function printTimeline(stack: TestStack, zoom: RecordedRequest[], sfFrom: number): Promise<void> {
  const t0 = zoom[0]?.startedAt ?? 0;
  const buckets: Record<string, number[]> = {};
  const count = (key: string, at: number) => {
    const series = (buckets[key] ??= []);
    const slot = Math.floor((at - t0) / Number(process.env.BENCH_BUCKET_MS ?? 5000));
    series[slot] = (series[slot] ?? 0) + 1;
  };
  for (const r of zoom) count(labelOf(r.path), r.startedAt);
  for (const r of stack.salesforce.admin.requests.slice(sfFrom))
    count(r.method === 'GET' ? 'sfRead' : 'sfWrite', r.startedAt);
  // A stale Event's workflow starts when the sync hands it off (none ran before the hand-off).
  for await (const run of stack.env.client.workflow.list({ query: `WorkflowType = 'meetingWorkflow'` }))
    count('handOff', run.startTime.getTime());
  console.error(JSON.stringify(buckets));
}

async function report(stack: TestStack, zoom: BenchZoom, zoomFrom: number, sfFrom: number, wallMs: number) {
  const zoomRequests = (await zoom.requests()).slice(zoomFrom);
  const zoomCalls: Record<string, number> = {};
  const limited: Record<string, number> = {};
  for (const r of zoomRequests) {
    const label = labelOf(r.path);
    zoomCalls[label] = (zoomCalls[label] ?? 0) + 1;
    if (r.status === 429) limited[label] = (limited[label] ?? 0) + 1;
  }
  const rates: Record<string, number> = {
    Light: ZOOM_PLAN_RATES[PLAN].light,
    Medium: ZOOM_PLAN_RATES[PLAN].medium,
    Heavy: ZOOM_PLAN_RATES[PLAN].heavy,
  };
  // Calls that got through (a 429 is not a call the work needed) over the label's allowed rate.
  const floorMs = Math.max(
    ...Object.entries(rates).map(([label, rate]) => (((zoomCalls[label] ?? 0) - (limited[label] ?? 0)) / rate) * 1000),
  );
  if (process.env.BENCH_TIMELINE) await printTimeline(stack, zoomRequests, sfFrom);
  const sf = stack.salesforce.admin.requests.slice(sfFrom).filter((r) => !r.path.includes('/oauth'));
  const first429 = zoomRequests.find((r) => r.status === 429);
  const writes = sf.filter((r) => r.method !== 'GET').length;
  return {
    wallSeconds: Math.round(wallMs / 100) / 10,
    zoomCalls,
    zoom429: limited,
    // When Zoom first refused, and how long this process's event loop (API, Salesforce emulator) stalled.
    first429AtSeconds: first429 ? Math.round((first429.startedAt - zoomRequests[0].startedAt) / 100) / 10 : null,
    benchLoopStallMs: { p99: Math.round(loopDelay.percentile(99) / 1e6), max: Math.round(loopDelay.max / 1e6) },
    zoomFloorSeconds: Math.round(floorMs / 100) / 10,
    ratioToZoomFloor: Math.round((wallMs / floorMs) * 100) / 100,
    salesforceCalls: { writes, reads: sf.length - writes },
  };
}

const MiB = 2 ** 20;
let workflowBundlePath: Promise<string> | undefined;

/**
 * A fresh stack, its worker and its Zoom emulator processes of their own; `run` gets the stack and the Zoom
 * emulator, and the worker's peak RSS is added.
 */
async function withBenchStack<T extends object>(run: (stack: TestStack, zoom: BenchZoom) => Promise<T>) {
  const stack = await benchStack();
  try {
    const { zoom, emulator } = await startZoomEmulatorProcess();
    try {
      const worker = await startExternalWorker(stack, await (workflowBundlePath ??= buildWorkflowBundle()), {
        ZOOM_API_BASE_URL: `${zoom.url}/v2`,
        ZOOM_OAUTH_URL: `${zoom.url}/oauth/token`,
      });
      try {
        const result = await run(stack, zoom);
        const workerRss = peakRssBytes(worker.pid);
        return { ...result, workerPeakRssMiB: workerRss === undefined ? null : Math.round(workerRss / MiB) };
      } finally {
        await worker.stop();
      }
    } finally {
      await emulator.stop();
    }
  } finally {
    await stack.stop();
  }
}

/** The bench's hosts as Zoom users of the account. */
const zoomUsers = Array.from({ length: HOSTS }, (_, h) => ({
  id: hostOf(h).zoomId,
  email: hostOf(h).email,
  firstName: 'Host',
  lastName: `Number ${h}`,
  timezone: 'Europe/London',
  pmi: 3_000_000_000 + h,
}));

/** The Zoom emulator (`emulators/zoom/main.ts`) with the plan's limits, the bench's hosts and no past-data delay. */
async function startZoomEmulatorProcess(): Promise<{ zoom: BenchZoom; emulator: WorkerProcess }> {
  const port = await freePort();
  const emulator = new WorkerProcess(
    {
      ZOOM_EMULATOR_PORT: String(port),
      ZOOM_EMULATOR_PLAN: PLAN,
      ZOOM_EMULATOR_PAST_DATA_DELAY_MS: '0',
      ZOOM_EMULATOR_USERS: JSON.stringify(zoomUsers),
      ZOOM_ACCOUNT_ID: DEMO_CREDENTIALS.zoom.accountId,
      ZOOM_CLIENT_ID: DEMO_CREDENTIALS.zoom.clientId,
      ZOOM_CLIENT_SECRET: DEMO_CREDENTIALS.zoom.clientSecret,
    },
    { stream: () => new Writable({ write: (_chunk, _encoding, done) => done() }) },
    { script: 'emulators/zoom/main.ts', readyLine: 'Zoom emulator listening on' },
  );
  await emulator.start();
  const url = `http://127.0.0.1:${port}`;
  const requests = async () =>
    (await axios.get<{ requests: RecordedRequest[] }>(`${url}/_emulator/requests`, { maxContentLength: Infinity })).data
      .requests;
  return { zoom: { url, requests }, emulator };
}

function benchStack() {
  return startTestStack({
    worker: 'external',
    zoomPlan: PLAN,
    // Idle: the worker and the bench talk to the Zoom emulator's own process (startZoomEmulatorProcess).
    zoomEmulator: { plan: PLAN, pastDataDelayMs: 0, users: zoomUsers },
  });
}

/** Meetings held in Zoom whose Events still say Scheduled: every webhook about them was lost. */
async function seedStaleEvents(stack: TestStack, zoom: BenchZoom, count: number): Promise<void> {
  await seedHosts(stack, false);
  for (let from = 0; from < count; from += 2_000) {
    const chunk = Array.from({ length: Math.min(2_000, count - from) }, (_, k) => {
      const m = from + k;
      const h = m % HOSTS;
      const end = Date.now() - 60 * MINUTE - (m / count) * 2 * DAY;
      return {
        host: hostOf(h).zoomId,
        topic: `Scheduled call ${m}`,
        startTime: new Date(end - 30 * MINUTE).toISOString(),
        endTime: new Date(end).toISOString(),
        participants: [
          { name: `Host Number ${h}`, userId: hostOf(h).zoomId },
          { name: `Guest ${m}`, email: `guest${m}@customer.example` },
        ],
      };
    });
    const { data } = await axios.post<{ id: number }[]>(`${zoom.url}/_emulator/past-meetings`, chunk, {
      maxBodyLength: Infinity,
    });
    await axios.post(
      `${stack.salesforceUrl}/_emulator/records/Event`,
      {
        records: chunk.map((meeting, k) => ({
          OwnerId: sfIds[(from + k) % HOSTS],
          Subject: meeting.topic,
          StartDateTime: meeting.startTime,
          EndDateTime: meeting.endTime,
          Make_Zoom_Meeting__c: true,
          Zoom_Source__c: 'Scheduled',
          Zoom_Meeting_Id__c: String(data[k].id),
          Zoom_Status__c: 'Scheduled',
        })),
      },
      { maxBodyLength: Infinity },
    );
  }
}

/** (a) A run hands every stale Event to its workflow; timed until Salesforce shows them all Ended. */
async function reconcileRun(count: number) {
  return withBenchStack(async (stack, zoom) => {
    await seedStaleEvents(stack, zoom, count);
    const sf = await stack.sfUser();
    const zoomFrom = (await zoom.requests()).length;
    const sfFrom = stack.salesforce.admin.requests.length;
    const started = Date.now();
    loopDelay.reset();
    const progress: HourlySyncProgress = await stack.env.client.workflow.execute('hourlySyncWorkflow', {
      taskQueue: stack.taskQueue,
      workflowId: `bench-sync-reconcile-${count}`,
      args: [hourlySyncInput(syncSettings)],
    });
    let ended = 0;
    let polls = 0;
    while (ended < count) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      ended = (await sf.query("SELECT COUNT() FROM Event WHERE Zoom_Status__c = 'Ended'")).totalSize;
      polls += 1;
    }
    const measured = await report(stack, zoom, zoomFrom, sfFrom, Date.now() - started);
    measured.salesforceCalls.reads -= polls; // the bench's own progress queries
    return { staleEvents: count, handedOff: progress.staleEventsNudged, ended, ...measured };
  });
}

/** (b) External meetings imported and matched. */
async function importRun(meetings: number) {
  return withBenchStack(async (stack, zoom) => {
    await seed(stack, zoom, meetings);
    const zoomFrom = (await zoom.requests()).length;
    const sfFrom = stack.salesforce.admin.requests.length;
    const started = Date.now();
    loopDelay.reset();
    const progress: HourlySyncProgress = await stack.env.client.workflow
      .execute('hourlySyncWorkflow', {
        taskQueue: stack.taskQueue,
        workflowId: `bench-sync-import-${meetings}`,
        args: [hourlySyncInput(syncSettings)],
      })
      .catch(async (error: unknown) => {
        throw new Error(`${causes(error)} (hosts: ${(await hostFailures(stack)).join('; ')})`);
      });
    const measured = await report(stack, zoom, zoomFrom, sfFrom, Date.now() - started);
    const eventsPerWrite = progress.eventsWritten / Math.max(1, measured.salesforceCalls.writes);
    return {
      meetings,
      hosts: HOSTS,
      records: RECORDS,
      progress,
      ...measured,
      eventsPerSalesforceWrite: eventsPerWrite,
    };
  });
}

/** Why the run's failed host workflows failed, each reason once (a failed run says only how many failed). */
async function hostFailures(stack: TestStack): Promise<string[]> {
  const reasons = new Set<string>();
  const failed = stack.env.client.workflow.list({
    query: `WorkflowType = 'hostSyncWorkflow' AND ExecutionStatus = 'Failed'`,
  });
  for await (const run of failed) {
    await stack.env.client.workflow
      .getHandle(run.workflowId, run.runId)
      .result()
      .catch((error: unknown) => reasons.add(causes(error)));
  }
  return [...reasons];
}

const syncSettings = {
  intervalMs: 60 * MINUTE,
  overlapMs: 10 * MINUTE,
  lookbackMs: 7 * DAY,
  // The product's default (SYNC_HOST_CONCURRENCY): hosts list a few at a time while earlier ones import.
  hostConcurrency: 4,
  zoomPlan: PLAN,
  createSchedule: false,
};

/** An error's message and its causes' (a failed workflow's says why it failed only in its cause). */
function causes(error: unknown): string {
  const messages: string[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause) messages.push(e.message);
  return messages.length > 0 ? messages.join(': ') : String(error);
}

(async () => {
  const results: Record<string, unknown> = { plan: PLAN };
  // A run that fails is reported as such, and the others still run and are printed.
  const failed = (error: unknown) => ({ error: causes(error) });
  if (staleEvents > 0) results.reconcile = await reconcileRun(staleEvents).catch(failed);
  results.import = [] as unknown[];
  for (const size of sizes) (results.import as unknown[]).push(await importRun(size).catch(failed));
  results.benchPeakRssMiB = Math.round(peakRss / MiB);
  console.log(JSON.stringify(results, null, 2));
})()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => clearInterval(rssProbe));
