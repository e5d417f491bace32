/**
 * `npm run bench:schedule`: time from the org's callout to the Event holding its Zoom join URL, on the real
 * dev server with the emulators, for single meetings and for a bulk insert of 200; plus Zoom and Salesforce
 * API calls per meeting, counted from the emulators' request logs. Prints JSON.
 */
import { DEMO_USERS } from '../emulators/demo-org';
import { type TestStack } from '../test/helpers/stack';
import { percentile, runBenchmark, summarize } from './stats';

const SINGLES = Number(process.env.BENCH_SINGLES ?? 100);
const BULK = 200;
const HOUR = 3_600_000;

function eventFields(i: number) {
  const start = Date.now() + 48 * HOUR + i * 60_000;
  return {
    Subject: `Bench meeting ${i}`,
    StartDateTime: new Date(start).toISOString(),
    EndDateTime: new Date(start + 30 * 60_000).toISOString(),
    OwnerId: DEMO_USERS[i % 3].salesforceId,
    Make_Zoom_Meeting__c: true,
    Customer_Time_Zone__c: 'Europe/Paris',
  };
}

/** When the worker's write-back of the join URL for this Event finished (from the emulator's request log). */
function writeBackAt(stack: TestStack, eventId: string): number | undefined {
  const hit = stack.salesforce.admin.requests.find(
    (r) => r.method === 'PATCH' && r.path.endsWith(`/sobjects/Event/${eventId}`) && r.status === 204,
  );
  return hit?.finishedAt;
}

async function until<T>(probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('benchmark step timed out');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** API calls made by the integration (not by the benchmark playing the user) between two request-log marks. */
function integrationCalls(stack: TestStack, zoomFrom: number, sfFrom: number) {
  const zoom = stack.zoom.admin.requests.slice(zoomFrom);
  const sf = stack.salesforce.admin.requests.slice(sfFrom);
  const isToken = (path: string) => path.includes('/oauth');
  const isUserInsert = (r: { method: string; path: string }) =>
    r.method === 'POST' && (/\/sobjects\/Event$/.test(r.path) || /\/composite\/sobjects$/.test(r.path));
  return {
    zoom: zoom.filter((r) => !isToken(r.path)).length,
    zoomTokens: zoom.filter((r) => isToken(r.path)).length,
    salesforce: sf.filter((r) => !isToken(r.path) && !isUserInsert(r)).length,
    salesforceTokens: sf.filter((r) => isToken(r.path)).length,
  };
}

runBenchmark({ zoomEmulator: { rateLimits: false } }, async (stack) => {
  const sf = await stack.sfUser();
  // Warm-up: first token fetches, first workflow task, JIT.
  for (let i = 0; i < 5; i += 1) {
    const { id } = (await sf.sobject('Event').create(eventFields(10_000 + i))) as { id: string };
    await until(() => writeBackAt(stack, id), 30_000);
  }

  const zoomMark = stack.zoom.admin.requests.length;
  const sfMark = stack.salesforce.admin.requests.length;
  const latencies: number[] = [];
  for (let i = 0; i < SINGLES; i += 1) {
    const calloutsBefore = stack.salesforce.trigger.callouts.length;
    const { id } = (await sf.sobject('Event').create(eventFields(i))) as { id: string };
    const callout = await until(() => stack.salesforce.trigger.callouts[calloutsBefore], 10_000);
    const done = await until(() => writeBackAt(stack, id), 30_000);
    latencies.push(done - Date.parse(callout.sentAt));
  }
  const singleCalls = integrationCalls(stack, zoomMark, sfMark);

  const bulkZoomMark = stack.zoom.admin.requests.length;
  const bulkSfMark = stack.salesforce.admin.requests.length;
  const calloutsBefore = stack.salesforce.trigger.callouts.length;
  const records = Array.from({ length: BULK }, (_, i) => ({
    attributes: { type: 'Event' },
    ...eventFields(1000 + i),
  }));
  const results = (await sf.sobject('Event').create(records, { allOrNone: true })) as unknown as { id: string }[];
  const callout = await until(() => stack.salesforce.trigger.callouts[calloutsBefore], 10_000);
  const finishedAt = await until(() => {
    const times = results.map((r) => writeBackAt(stack, r.id));
    return times.every((t) => t !== undefined) ? Math.max(...(times as number[])) : undefined;
  }, 120_000);
  const bulkCalls = integrationCalls(stack, bulkZoomMark, bulkSfMark);

  const report = {
    benchmark: 'schedule',
    temporal: 'dev server (SQLite in memory), emulated Zoom and Salesforce on loopback',
    single: {
      meetings: SINGLES,
      latencyMs: summarize(latencies),
      zoomCallsPerMeeting: singleCalls.zoom / SINGLES,
      salesforceCallsPerMeeting: singleCalls.salesforce / SINGLES,
      tokenRequests: { zoom: singleCalls.zoomTokens, salesforce: singleCalls.salesforceTokens },
    },
    bulk: {
      events: BULK,
      callouts: stack.salesforce.trigger.callouts.length - calloutsBefore,
      allScheduledMs: finishedAt - Date.parse(callout.sentAt),
      zoomCallsPerMeeting: bulkCalls.zoom / BULK,
      salesforceCallsPerMeeting: bulkCalls.salesforce / BULK,
    },
    targets: {
      p50Ms: 250,
      p99Ms: 1000,
      bulkMs: 10_000,
      zoomCallsPerMeeting: 1,
      salesforceCallsPerMeeting: 2,
    },
  };
  const met =
    percentile(latencies, 50) <= 250 &&
    percentile(latencies, 99) <= 1000 &&
    report.bulk.allScheduledMs <= 10_000 &&
    report.single.zoomCallsPerMeeting <= 1 &&
    report.single.salesforceCallsPerMeeting <= 2;
  return { ...report, targetsMet: met };
});
