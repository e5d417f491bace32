/**
 * `npm run chaos`: bounded chaos scenarios on the embedded stack (Temporal dev server, the emulators, the API in
 * this process, the production worker as its own OS process), then the run's books (no Event with two meetings, no
 * meeting held by two Events, none lost, no e-mail delivered twice), every 5xx the API answered, and a scan of the worker's and the API's logs
 * for secrets and addresses.
 * Prints JSON; exits non-zero on any failure. `CHAOS_SCENARIOS=a,b` runs some of them (names as printed).
 */
import { DEMO_CREDENTIALS } from '../../emulators/demo-org';
import { startTestStack, ZOOM_WEBHOOK_SECRET } from '../../test/helpers/stack';
import { duplicateCallouts } from './duplicate-callouts';
import { fuzz } from './fuzz';
import { auditFailures, auditMeetings, duplicateEmails } from './ledger';
import { LogCapture } from './log-capture';
import { scanLogs } from './log-scan';
import { replays } from './replays';
import { type ChaosContext, type Scenario } from './scenario';
import { serverErrors } from './server-errors';
import { workerKills } from './worker-kills';
import { WorkerProcess } from './worker-process';
import { zoomStorm } from './zoom-storm';

/**
 * In this order: the fuzz first, while nothing else starts workflows (it fails on any workflow started in its
 * window); the storm, which uses up the hosts' daily Zoom cap, last.
 */
const SCENARIOS: Scenario[] = [fuzz, duplicateCallouts, replays, workerKills, zoomStorm];
const PLAN = 'pro' as const;

async function main(): Promise<boolean> {
  const started = Date.now();
  const wanted = process.env.CHAOS_SCENARIOS?.split(',').map((s) => s.trim());
  const scenarios = wanted ? SCENARIOS.filter((s) => wanted.includes(s.name)) : SCENARIOS;
  const logs = new LogCapture();
  const stack = await startTestStack({
    worker: 'external',
    apiLog: logs.stream('api'),
    zoomPlan: PLAN,
    zoomEmulator: { rateLimits: true, plan: PLAN },
  });
  // Every Zoom token the emulator hands out, for the log scan.
  const zoomTokens: string[] = [];
  const issue = stack.zoom.tokens.issue.bind(stack.zoom.tokens);
  stack.zoom.tokens.issue = () => {
    const issued = issue();
    zoomTokens.push(issued.token);
    return issued;
  };
  const worker = new WorkerProcess(stack.workerEnv, logs);
  const results: Record<string, unknown> = {};
  const failures: string[] = [];
  try {
    await worker.start();
    const context: ChaosContext = { stack, worker, logs, sf: await stack.sfUser() };
    for (const scenario of scenarios) {
      const t0 = Date.now();
      let outcome;
      try {
        outcome = await scenario.run(context);
      } catch (error) {
        outcome = { figures: {}, failures: [`did not finish: ${error instanceof Error ? error.message : error}`] };
      }
      results[scenario.name] = { ...outcome.figures, seconds: Math.round((Date.now() - t0) / 100) / 10 };
      failures.push(...outcome.failures.map((f) => `${scenario.name}: ${f}`));
    }
    const books = auditMeetings(stack);
    failures.push(...auditFailures(books).map((f) => `books: ${f}`));
    const emailDuplicates = duplicateEmails(stack);
    failures.push(...emailDuplicates.map((d) => `books: e-mail delivered ${d}`));
    results.books = {
      events: books.events,
      duplicateMeetings: books.duplicateMeetings.length,
      duplicateEvents: books.duplicateEvents.length,
      lostMeetings: books.lostMeetings.length,
      emails: stack.mail.messages().length,
      duplicateEmails: emailDuplicates.length,
    };
  } finally {
    await worker.stop();
    await stack.stop();
  }
  const errors = serverErrors(logs);
  failures.push(...Object.entries(errors).map(([request, n]) => `server errors: ${n} × ${request}`));
  results['server errors'] = Object.values(errors).reduce((sum, n) => sum + n, 0);
  const meetings = [...stack.zoom.store.meetings.values()];
  const findings = scanLogs(logs, {
    'configured secret': [
      DEMO_CREDENTIALS.calloutSecret,
      DEMO_CREDENTIALS.zoom.clientSecret,
      DEMO_CREDENTIALS.salesforce.clientSecret,
      ZOOM_WEBHOOK_SECRET,
    ],
    'Zoom token': zoomTokens,
    'meeting passcode': meetings.flatMap((m) => [m.password, m.encryptedPassword]),
    'host key': meetings.map((m) => m.zak),
  });
  failures.push(...findings.map((f) => `log scan: ${f.kind} in the ${f.source}'s log: ${f.excerpt}`));
  results['log scan'] = {
    workerLines: logs.count('worker'),
    apiLines: logs.count('api'),
    findings: findings.length,
  };
  const passed = failures.length === 0;
  console.log(
    JSON.stringify(
      {
        chaos: results,
        workerStarts: worker.starts,
        workerKills: worker.kills,
        seconds: Math.round((Date.now() - started) / 100) / 10,
        failures,
        passed,
      },
      null,
      2,
    ),
  );
  return passed;
}

main().then(
  (passed) => process.exit(passed ? 0 : 1),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
