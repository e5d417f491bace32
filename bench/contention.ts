/**
 * `npm run bench:contention`: does a data load slow a rep down? A rep's single-Event callout (callout → join URL on
 * the Event) and an instant-meeting click (request → answer with the start URL), each measured alone, then while a
 * bulk of 200 Events (one callout of 200) is being scheduled. Zoom's writes queue runs at the Business plan's rate
 * (`ZOOM_PLAN=business`: 15 creates a second), the emulator without limits. `BENCH_CONTENTION_SAMPLES` of each
 * alone (20); during, a lane of callouts and a lane of clicks run side by side, one sample after the other, until
 * `BENCH_CONTENTION_BULKS` bulks (2, one after the other) have finished; a sample counts as "during" only if its
 * bulk was still pending when it ended. Prints JSON.
 */
import { pressButton } from '../emulators/salesforce/button-requests';
import { DEMO_CREDENTIALS, DEMO_USERS } from '../emulators/demo-org';
import { type TestStack } from '../test/helpers/stack';
import { eventFields, until } from './schedule';
import { runBenchmark, summarize } from './stats';

const SAMPLES = Number(process.env.BENCH_CONTENTION_SAMPLES ?? 20);
const BULKS = Number(process.env.BENCH_CONTENTION_BULKS ?? 2);
const BULK = 200;

/** When the worker's write-back of this Event finished (the emulated org's request log), if it has. */
function writeBackAt(stack: TestStack, eventId: string): number | undefined {
  return stack.salesforce.admin.requests.find(
    (r) => r.method === 'PATCH' && r.path.endsWith(`/sobjects/Event/${eventId}`) && r.status === 204,
  )?.finishedAt;
}

runBenchmark({ zoomPlan: 'business', zoomEmulator: { rateLimits: false } }, async (stack) => {
  const sf = await stack.sfUser();
  const hosts = DEMO_USERS.filter((u) => u.zoomId !== null);
  // One new Contact per click (a retried click on the same record rightly answers with the same meeting), made
  // 200 at a time as sObject Collections allow.
  const contacts: { id: string }[] = [];
  while (contacts.length < 2 * SAMPLES + 200) {
    const batch = Array.from({ length: 200 }, (_, i) => ({
      attributes: { type: 'Contact' },
      FirstName: 'Bench',
      LastName: `Contact ${contacts.length + i}`,
    }));
    contacts.push(...((await sf.sobject('Contact').create(batch, { allOrNone: true })) as unknown as { id: string }[]));
  }
  const refusedClicks: number[] = [];
  let nextEvent = 0;
  let nextContact = 0;

  /** One Event saved alone: ms from its callout leaving the org to its join URL on the Event. */
  const callout = async () => {
    const before = stack.salesforce.trigger.callouts.length;
    const { id } = (await sf.sobject('Event').create(eventFields(20_000 + nextEvent++))) as { id: string };
    const sent = await until(
      () => stack.salesforce.trigger.callouts.slice(before).find((c) => c.itemCount === 1),
      10_000,
    );
    const done = await until(() => writeBackAt(stack, id), 120_000);
    return done - Date.parse(sent.sentAt);
  };
  /** One "Start Zoom Meeting" click on a new Contact: ms from the request to the answer with the start URL. */
  const click = async () => {
    const i = nextContact++;
    const body = { recordId: contacts[i].id, userId: hosts[i % hosts.length].salesforceId };
    const started = performance.now();
    const { status, data } = await pressButton(
      stack.apiUrl,
      DEMO_CREDENTIALS.calloutSecret,
      'POST',
      '/v1/salesforce/instant-meetings',
      body,
    );
    // A refused click (504 after the API's 25 s) is counted, and its time is the wait the rep had.
    if (!data.startUrl) refusedClicks.push(status);
    return performance.now() - started;
  };

  for (let i = 0; i < 3; i += 1) await Promise.all([callout(), click()]); // warm-up
  const alone = { callout: [] as number[], click: [] as number[] };
  for (let i = 0; i < SAMPLES; i += 1) {
    alone.callout.push(await callout());
    alone.click.push(await click());
  }

  const during = { callout: [] as number[], click: [] as number[] };
  const bulkMs: number[] = [];
  for (let b = 0; b < BULKS; b += 1) {
    const records = Array.from({ length: BULK }, (_, i) => ({
      attributes: { type: 'Event' },
      ...eventFields(30_000 + b * BULK + i),
    }));
    const started = Date.now();
    const ids = ((await sf.sobject('Event').create(records, { allOrNone: true })) as unknown as { id: string }[]).map(
      (r) => r.id,
    );
    const pending = () => ids.some((id) => writeBackAt(stack, id) === undefined);
    // A rep saving Events one after the other, and another clicking, side by side while the bulk is pending.
    const lane = async (kind: 'callout' | 'click', sample: () => Promise<number>) => {
      while (pending()) {
        const ms = await sample();
        if (pending()) during[kind].push(ms);
      }
    };
    await Promise.all([lane('callout', callout), lane('click', click)]);
    bulkMs.push(Math.max(...ids.map((id) => writeBackAt(stack, id)!)) - started);
  }

  return {
    benchmark: 'contention',
    temporal: 'dev server (SQLite in memory), emulated Zoom and Salesforce on loopback; writes queue at Business rate',
    calloutToJoinUrlMs: { alone: summarize(alone.callout), duringBulk: summarize(during.callout) },
    clickToStartUrlMs: { alone: summarize(alone.click), duringBulk: summarize(during.click) },
    refusedClicks: { count: refusedClicks.length, statuses: refusedClicks },
    bulk: { events: BULK, bulks: BULKS, allScheduledMs: bulkMs },
  };
});
