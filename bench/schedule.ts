/**
 * `npm run bench:schedule`: time from the org's callout to the Event holding its Zoom join URL, on the real
 * dev server with the emulators, for single meetings and for a bulk insert of 200; plus Zoom and Salesforce
 * API calls per meeting, counted from the emulators' request logs. Then the storm: `BENCH_STORM` Events (1,000)
 * in bulk inserts of 200 against Zoom's Pro-plan limits (per-second labels and the per-host daily cap of 100
 * creates and updates, 3 hosts), until every Event holds its join URL or says Pending: Zoom calls per operation
 * with their 429s, calls per meeting made, wall time. Between them the calendar phase: singles for a host with
 * "Google Calendar Notifications" off, then on, in one stack: the join-URL write-back's latency both ways (it must
 * not grow), how long after it the Google calendar holds the event, and the calls it costs.
 * `BENCH_PHASES=storm` runs the storm alone (`latency`, `calendar`, `storm`; `singles` is `latency` without the
 * bulk). Prints JSON.
 */
import { DEMO_USERS } from '../emulators/demo-org';
import { calendarEventId } from '../domain/google-calendar-event';
import { startTestStack, type TestStack } from '../test/helpers/stack';
import { percentile, summarize } from './stats';
import { startOneTaskFloor } from './one-task-floor';

const SINGLES = Number(process.env.BENCH_SINGLES ?? 100);
const BULK = 200;
const HOUR = 3_600_000;

/** The i-th benchmark Event: a Zoom meeting two days ahead (a minute apart), for one of the 3 demo hosts. */
export function eventFields(i: number) {
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

/** Polls `probe` (every 2 ms) until it gives a value; fails after `timeoutMs`. */
export async function until<T>(probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('benchmark step timed out');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/**
 * API calls made by the integration (not by the benchmark playing the user) between two request-log marks; the writes
 * of the one-task floor's Events (`floorEvents`) are the benchmark's own.
 */
function integrationCalls(stack: TestStack, zoomFrom: number, sfFrom: number, floorEvents = new Set<string>()) {
  const zoom = stack.zoom.admin.requests.slice(zoomFrom);
  const sf = stack.salesforce.admin.requests
    .slice(sfFrom)
    .filter((r) => !floorEvents.has(r.path.split('/').pop() ?? ''));
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

/**
 * Singles beside the one-task floor, and a bulk of 200 (`withBulk`), on an account without rate limits: the latency
 * of the path itself.
 */
async function latencyRun(stack: TestStack, withBulk = true) {
  const sf = await stack.sfUser();
  const floor = await startOneTaskFloor(stack);
  // The floor's Events are unticked: the org sends no callout of its own for them.
  const floorEvents = (
    (await sf.sobject('Event').create(
      Array.from({ length: SINGLES + 5 }, (_, i) => ({
        attributes: { type: 'Event' },
        ...eventFields(40_000 + i),
        Make_Zoom_Meeting__c: false,
      })),
      { allOrNone: true },
    )) as unknown as { id: string }[]
  ).map((r) => r.id);
  const floorLatency = async (eventId: string) => {
    const sentAt = await floor.callout(eventId);
    return (await until(() => writeBackAt(stack, eventId), 30_000)) - sentAt;
  };
  // Warm-up: first token fetches, first workflow task, JIT.
  for (let i = 0; i < 5; i += 1) {
    const { id } = (await sf.sobject('Event').create(eventFields(10_000 + i))) as { id: string };
    await until(() => writeBackAt(stack, id), 30_000);
    await floorLatency(floorEvents[SINGLES + i]);
  }

  const zoomMark = stack.zoom.admin.requests.length;
  const sfMark = stack.salesforce.admin.requests.length;
  const latencies: number[] = [];
  const floorLatencies: number[] = [];
  // One of each in turn, so that both see the same moments of a shared machine.
  for (let i = 0; i < SINGLES; i += 1) {
    const calloutsBefore = stack.salesforce.trigger.callouts.length;
    const { id } = (await sf.sobject('Event').create(eventFields(i))) as { id: string };
    const callout = await until(() => stack.salesforce.trigger.callouts[calloutsBefore], 10_000);
    const done = await until(() => writeBackAt(stack, id), 30_000);
    latencies.push(done - Date.parse(callout.sentAt));
    floorLatencies.push(await floorLatency(floorEvents[i]));
  }
  await floor.stop();
  const singleCalls = integrationCalls(stack, zoomMark, sfMark, new Set(floorEvents));
  const floorP50 = percentile(floorLatencies, 50);
  const hotPathRatio = Math.round((percentile(latencies, 50) / floorP50) * 100) / 100;
  const singles = {
    single: {
      meetings: SINGLES,
      latencyMs: summarize(latencies),
      zoomCallsPerMeeting: singleCalls.zoom / SINGLES,
      salesforceCallsPerMeeting: singleCalls.salesforce / SINGLES,
      tokenRequests: { zoom: singleCalls.zoomTokens, salesforce: singleCalls.salesforceTokens },
    },
    oneTaskFloor: {
      what: "the same callout of one Event to the API, signal-with-start, one local activity writing the Event's Zoom fields",
      callouts: SINGLES,
      latencyMs: summarize(floorLatencies),
    },
    singleP50VsFloorP50: hotPathRatio,
  };
  const singlesMet =
    hotPathRatio <= 1.2 &&
    percentile(latencies, 50) <= 250 &&
    percentile(latencies, 99) <= 1000 &&
    singles.single.zoomCallsPerMeeting <= 1 &&
    singles.single.salesforceCallsPerMeeting <= 2;
  if (!withBulk) return { benchmark: 'schedule (singles)', ...singles, targetsMet: singlesMet };

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
    ...singles,
    bulk: {
      events: BULK,
      callouts: stack.salesforce.trigger.callouts.length - calloutsBefore,
      allScheduledMs: finishedAt - Date.parse(callout.sentAt),
      zoomCallsPerMeeting: bulkCalls.zoom / BULK,
      salesforceCallsPerMeeting: bulkCalls.salesforce / BULK,
    },
    targets: {
      singleP50VsFloorP50: 1.2,
      p50Ms: 250,
      p99Ms: 1000,
      bulkMs: 10_000,
      zoomCallsPerMeeting: 1,
      salesforceCallsPerMeeting: 2,
    },
  };
  const met = singlesMet && report.bulk.allScheduledMs <= 10_000;
  return { ...report, targetsMet: met };
}

const CALENDAR_SINGLES = Number(process.env.BENCH_CALENDAR_SINGLES ?? 30);

/**
 * The cost of the Google calendar: Ada's Events, one at a time, with her "Google Calendar Notifications" off and then
 * on. The calendar is written after the join URL reaches the Event, so the write-back's latency must not grow.
 */
async function calendarRun(stack: TestStack) {
  const sf = await stack.sfUser();
  const ada = DEMO_USERS[0];
  const setting = (await sf.sobject('Zoom_Settings__c').create({
    SetupOwnerId: ada.salesforceId,
    Google_Calendar_Notifications__c: false,
  })) as { id: string };
  const adaEvent = (i: number) => ({ ...eventFields(i), OwnerId: ada.salesforceId });
  const calendarAt = (eventId: string) => {
    const made = stack.google.store.eventsOf(ada.email)?.find((e) => e.id === calendarEventId(eventId));
    return made ? Date.parse(made.created) : undefined;
  };

  async function singles(from: number, calendarOn: boolean) {
    for (let i = 0; i < 3; i += 1) {
      // Warm-up: tokens, the JWT client, the settings cache (one minute) now holding this value.
      const { id } = (await sf.sobject('Event').create(adaEvent(from + 900 + i))) as { id: string };
      await until(() => (calendarOn ? calendarAt(id) : writeBackAt(stack, id)), 30_000);
    }
    const marks = {
      zoom: stack.zoom.admin.requests.length,
      sf: stack.salesforce.admin.requests.length,
      google: stack.google.admin.requests.length,
    };
    const writeBack: number[] = [];
    const calendarAfterWriteBack: number[] = [];
    for (let i = 0; i < CALENDAR_SINGLES; i += 1) {
      const calloutsBefore = stack.salesforce.trigger.callouts.length;
      const { id } = (await sf.sobject('Event').create(adaEvent(from + i))) as { id: string };
      const callout = await until(() => stack.salesforce.trigger.callouts[calloutsBefore], 10_000);
      const done = await until(() => writeBackAt(stack, id), 30_000);
      writeBack.push(done - Date.parse(callout.sentAt));
      if (calendarOn) calendarAfterWriteBack.push((await until(() => calendarAt(id), 30_000)) - done);
    }
    // Let the last workflow finish its turn (its calendar activity, or the skip) before counting.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const calls = integrationCalls(stack, marks.zoom, marks.sf);
    const google = stack.google.admin.requests.slice(marks.google);
    const isToken = (r: { path: string }) => r.path === '/token';
    return {
      writeBackLatencyMs: summarize(writeBack),
      ...(calendarOn ? { calendarAfterWriteBackMs: summarize(calendarAfterWriteBack) } : {}),
      salesforceCallsPerMeeting: calls.salesforce / CALENDAR_SINGLES,
      googleCallsPerMeeting: google.filter((r) => !isToken(r)).length / CALENDAR_SINGLES,
      googleTokenRequests: google.filter(isToken).length,
    };
  }

  const off = await singles(30_000, false);
  await sf.sobject('Zoom_Settings__c').update({ Id: setting.id, Google_Calendar_Notifications__c: true });
  // The worker caches settings for a minute: the "on" run starts once a new Event's meeting reaches the calendar.
  const seenAt = Date.now() + 90_000;
  for (let probe = 0; ; probe += 1) {
    const { id } = (await sf.sobject('Event').create(adaEvent(39_000 + probe))) as { id: string };
    const made = await until(() => calendarAt(id), 10_000).catch(() => undefined);
    if (made !== undefined) break;
    if (Date.now() > seenAt) throw new Error('the worker never saw the setting turned on');
  }
  const on = await singles(31_000, true);
  return {
    host: 'Ada (one host, one Event at a time)',
    meetings: CALENDAR_SINGLES,
    settingOff: off,
    settingOn: on,
    extraWriteBackMs: { p50: on.writeBackLatencyMs.p50 - off.writeBackLatencyMs.p50 },
    extraSalesforceCallsPerMeeting: on.salesforceCallsPerMeeting - off.salesforceCallsPerMeeting,
  };
}

const STORM = Number(process.env.BENCH_STORM ?? 1000);
export const STORM_PLAN = 'pro' as const;
/** The storm's target, also checked by `npm run chaos`. */
export const STORM_TARGET = { zoomCallsPerMeetingMade: 1.2 };

/** The Zoom operation a request of the integration is, with its rate-limit label (shared/reference/zoom-api.md). */
function zoomOperation(r: { method: string; path: string }): string {
  const p = r.path.split('?')[0];
  if (/\/users\/[^/]+\/meetings$/.test(p))
    return r.method === 'POST' ? 'create (Medium)' : 'list host meetings (Medium)';
  if (/\/meetings\/[^/]+$/.test(p))
    return `${r.method === 'PATCH' ? 'update' : r.method === 'DELETE' ? 'delete' : 'get'} (Light)`;
  return `${r.method} ${p}`;
}

/**
 * 1,000 Events in bulk inserts of 200 (one callout each) for 3 hosts on the Pro plan's limits: 300 meetings can be
 * made today (100 per host), the rest must wait visibly (Pending) without asking Zoom again and again. The stack must
 * run the emulator with the plan's rate limits and a worker paced by the plan.
 */
export async function stormRun(stack: TestStack, events = STORM) {
  const sf = await stack.sfUser();
  const zoomMark = stack.zoom.admin.requests.length;
  const sfMark = stack.salesforce.admin.requests.length;
  const started = Date.now();
  const ids: string[] = [];
  for (let b = 0; b < events / BULK; b += 1) {
    const records = Array.from({ length: BULK }, (_, i) => ({
      attributes: { type: 'Event' },
      ...eventFields(20_000 + b * BULK + i),
    }));
    const results = (await sf.sobject('Event').create(records, { allOrNone: true })) as unknown as { id: string }[];
    ids.push(...results.map((r) => r.id));
  }
  const statusOf = (id: string) => stack.salesforce.store.find(id)?.record as Record<string, unknown> | undefined;
  const settled = (id: string) => {
    const record = statusOf(id);
    return record?.Zoom_Status__c === 'Pending' || (record?.Zoom_Join_URL__c ?? null) !== null;
  };
  const finishedAt = await until(() => (ids.every(settled) ? Date.now() : undefined), 15 * 60_000);
  const zoom = stack.zoom.admin.requests.slice(zoomMark).filter((r) => !r.path.includes('/oauth'));
  const calls: Record<string, number> = {};
  const limited: Record<string, number> = {};
  for (const r of zoom) {
    const op = zoomOperation(r);
    calls[op] = (calls[op] ?? 0) + 1;
    if (r.status === 429) limited[op] = (limited[op] ?? 0) + 1;
  }
  const creates = zoom.filter((r) => r.method === 'POST' && zoomOperation(r).startsWith('create'));
  const made = creates.filter((r) => r.status === 201).length;
  // A create refused after its host's 100th meeting today is the daily cap; one refused before, the per-second limit.
  const madePerHost = new Map<string, number>();
  const refusals = { perSecond: 0, dailyCap: 0 };
  for (const r of creates) {
    const host = r.path;
    if (r.status === 201) madePerHost.set(host, (madePerHost.get(host) ?? 0) + 1);
    if (r.status === 429) refusals[(madePerHost.get(host) ?? 0) >= 100 ? 'dailyCap' : 'perSecond'] += 1;
  }
  const lastMadeAt = Math.max(...creates.filter((r) => r.status === 201).map((r) => r.finishedAt));
  const pending = ids.filter((id) => statusOf(id)?.Zoom_Status__c === 'Pending');
  const reasons = [...new Set(pending.map((id) => String(statusOf(id)?.Zoom_Sync_Error__c)))];
  const sfWrites = stack.salesforce.admin.requests
    .slice(sfMark)
    .filter((r) => r.method === 'PATCH' && /\/sobjects\/Event\//.test(r.path)).length;
  return {
    plan: STORM_PLAN,
    hosts: 3,
    events,
    callouts: events / BULK,
    wallSeconds: Math.round((finishedAt - started) / 100) / 10,
    meetingsMade: made,
    lastMeetingMadeSeconds: Math.round((lastMadeAt - started) / 100) / 10,
    pendingEvents: pending.length,
    pendingReasons: reasons,
    zoomCalls: zoom.length,
    zoomCallsPerOperation: calls,
    zoom429: limited,
    createRefusals: refusals,
    zoomCallsPerMeetingMade: Math.round((zoom.length / Math.max(1, made)) * 100) / 100,
    salesforceEventWrites: sfWrites,
    target: STORM_TARGET,
  };
}

async function withStack<T>(options: Parameters<typeof startTestStack>[0], run: (stack: TestStack) => Promise<T>) {
  const stack = await startTestStack(options);
  try {
    return await run(stack);
  } finally {
    await stack.stop();
  }
}

async function main() {
  const phases = (process.env.BENCH_PHASES ?? 'latency,calendar,storm').split(',');
  // `singles`: the singles and the floor without the bulk.
  const latency =
    phases.includes('latency') || phases.includes('singles')
      ? await withStack({ zoomEmulator: { rateLimits: false } }, (stack) =>
          latencyRun(stack, phases.includes('latency')),
        )
      : undefined;
  const calendar = phases.includes('calendar')
    ? await withStack({ zoomEmulator: { rateLimits: false } }, calendarRun)
    : undefined;
  const storm = phases.includes('storm')
    ? await withStack({ zoomPlan: STORM_PLAN, zoomEmulator: { rateLimits: true, plan: STORM_PLAN } }, stormRun)
    : undefined;
  const stormMet = storm === undefined || storm.zoomCallsPerMeetingMade <= storm.target.zoomCallsPerMeetingMade;
  console.log(
    JSON.stringify(
      { ...latency, calendar, storm, targetsMet: (latency === undefined || latency.targetsMet) && stormMet },
      null,
      2,
    ),
  );
}

// `npm run chaos` imports the storm from here.
if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
