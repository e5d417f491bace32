/**
 * `npm run bench:instant`: latency of "Start Zoom Meeting" on a Lead or Contact, from the click's request to
 * the answer with the start URL (update-with-start on the real dev server, emulated Zoom and Salesforce).
 * Each click is a different user and record pair, so each makes a new meeting. Prints JSON.
 */
import { pressButton } from '../emulators/salesforce/button-requests';
import { DEMO_CREDENTIALS, DEMO_USERS } from '../emulators/demo-org';
import { percentile, runBenchmark, summarize } from './stats';

const CLICKS = Number(process.env.BENCH_CLICKS ?? 100);

runBenchmark({ zoomEmulator: { rateLimits: false } }, async (stack) => {
  const sf = await stack.sfUser();
  const hosts = DEMO_USERS.filter((u) => u.zoomId !== null);
  // One Contact per click: a retried click on the same record would (rightly) answer with the same meeting.
  const contacts = (await sf.sobject('Contact').create(
    Array.from({ length: CLICKS + 5 }, (_, i) => ({
      attributes: { type: 'Contact' },
      FirstName: 'Bench',
      LastName: `Contact ${i}`,
    })),
    { allOrNone: true },
  )) as unknown as { id: string }[];

  const click = async (i: number) => {
    const body = { recordId: contacts[i].id, userId: hosts[i % hosts.length].salesforceId };
    const started = performance.now();
    const answer = await pressButton(
      stack.apiUrl,
      DEMO_CREDENTIALS.calloutSecret,
      'POST',
      '/v1/salesforce/instant-meetings',
      body,
    );
    if (!answer.data.startUrl) throw new Error('no start URL');
    return performance.now() - started;
  };

  for (let i = 0; i < 5; i += 1) await click(CLICKS + i); // warm-up
  const latencies: number[] = [];
  for (let i = 0; i < CLICKS; i += 1) latencies.push(await click(i));

  const report = {
    benchmark: 'instant',
    temporal: 'dev server (SQLite in memory), emulated Zoom and Salesforce on loopback',
    clicks: CLICKS,
    clickToStartUrlMs: summarize(latencies),
    targets: { p50Ms: 200, p99Ms: 600 },
  };
  const met = percentile(latencies, 50) <= 200 && percentile(latencies, 99) <= 600;
  return { ...report, targetsMet: met };
});
