/**
 * The metrics an operator scrapes, after a meeting's whole lifecycle on the production worker process (its own OS
 * process, loading the workflow bundle built by `scripts/build-workflow-bundle.ts`, as the image does): the SDK's
 * runtime metrics and the product's on the worker's `METRICS_PORT`, the API's request metrics on its `/metrics`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import axios from 'axios';
import { DEMO_ORG_ID, DEMO_USERS } from '../../emulators/demo-org';
import { meetingWorkflowId } from '../../workflows/messages';
import { buildImageBundles } from '../helpers/prebuilt-bundle';
import { startTestStack, waitForEvent, type TestStack } from '../helpers/stack';

const REPO = join(__dirname, '..', '..');
const MINUTE = 60_000;
const ADA = DEMO_USERS[0];
/** The header the SDK's tracing interceptors put the span context in (`TRACE_HEADER` in its instrumentation module). */
const TRACE_HEADER = '_tracer-data';
const CONTACT = { id: '003000000000001AAA', email: 'marie.curie@acme.example' };

let stack: TestStack;
let worker: ChildProcess | undefined;
let metricsUrl: string;
/** Everything the worker process wrote (stdout and stderr). */
let workerOutput = '';
/** The Event whose lifecycle the first test runs. */
let eventId: string | undefined;
const bundleDir = mkdtempSync(join(tmpdir(), 'workflow-bundle-'));

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

beforeAll(async () => {
  stack = await startTestStack({ worker: 'external' });
  const bundlePath = await buildImageBundles(join(bundleDir, 'workflow-bundle.js'));
  const port = await freePort();
  metricsUrl = `http://127.0.0.1:${port}/metrics`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'workers/main.ts'], {
    cwd: REPO,
    env: { ...process.env, ...stack.workerEnv, METRICS_PORT: String(port), WORKFLOW_BUNDLE_PATH: bundlePath },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  worker = child;
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      workerOutput += chunk.toString();
      if (workerOutput.includes('Worker polling task queue')) resolve();
    });
    child.stderr!.on('data', (chunk: Buffer) => (workerOutput += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`the worker exited (${code}): ${workerOutput}`)));
  });
}, 240_000);

afterAll(async () => {
  if (worker && worker.exitCode === null) {
    const exited = once(worker, 'exit');
    worker.kill('SIGTERM');
    await exited;
  }
  await stack?.stop();
  rmSync(bundleDir, { recursive: true, force: true });
});

const series = async (url: string) => (await axios.get<string>(url, { responseType: 'text' })).data;

test('after a lifecycle, the worker and the API expose the SDK, product and request series', async () => {
  const sf = await stack.sfUser();
  await sf.sobject('Zoom_Settings__c').create({ SetupOwnerId: DEMO_ORG_ID, Send_Email_On_Launch__c: true });
  const start = Math.ceil(Date.now() / MINUTE) * MINUTE + 5 * MINUTE;
  const created = await sf.sobject('Event').create({
    Subject: 'Metrics: quarterly review',
    StartDateTime: new Date(start).toISOString(),
    EndDateTime: new Date(start + 30 * MINUTE).toISOString(),
    OwnerId: ADA.salesforceId,
    WhoId: CONTACT.id,
    Make_Zoom_Meeting__c: true,
  });
  if (!created.success) throw new Error(JSON.stringify(created));
  eventId = created.id;
  const fields = ['Zoom_Status__c', 'Zoom_Meeting_Id__c', 'Zoom_Participant_Count__c'];
  const scheduled = await waitForEvent(sf, created.id, fields, (e) => e.Zoom_Status__c === 'Scheduled', 'scheduled');
  const simulate = (action: string, body: unknown = {}) =>
    axios.post(`${stack.zoomUrl}/_emulator/meetings/${String(scheduled.Zoom_Meeting_Id__c)}/${action}`, body);
  const at = (minutes: number) => new Date(Date.now() + minutes * MINUTE).toISOString();
  await simulate('start', { at: at(0) });
  await simulate('participants', [
    { name: 'Ada Lovelace', userId: ADA.zoomId, joinTime: at(0), leaveTime: at(20) },
    { name: 'Marie Curie', email: CONTACT.email, joinTime: at(1), leaveTime: at(20) },
  ]);
  await simulate('end', { at: at(20) });
  await waitForEvent(sf, created.id, fields, (e) => e.Zoom_Participant_Count__c != null, "Zoom's report");
  // A request with a bad signature: refused and counted.
  const forged = await axios.post(`${stack.apiUrl}/v1/salesforce/events`, '{"events":[]}', {
    headers: { 'content-type': 'application/json', 'x-signature': 'v1=00', 'x-timestamp': '1', 'x-nonce': '00' },
    validateStatus: () => true,
  });
  expect(forged.status).toBe(401);

  const workerSeries = await series(metricsUrl);
  for (const name of [
    // The SDK's: polls, schedule-to-start, activity outcomes, per task queue.
    'temporal_workflow_task_schedule_to_start_latency',
    'temporal_activity_schedule_to_start_latency',
    'temporal_activity_execution_latency',
    'temporal_request',
    // The product's.
    'zoom_meetings_scheduled',
    'attendee_emails',
    'salesforce_sync_lag',
  ]) {
    expect(workerSeries).toMatch(new RegExp(`^${name}\\w*\\{`, 'm'));
  }
  expect(workerSeries).toMatch(/^attendee_emails\w*\{[^}]*outcome="sent"[^}]*\} 1$/m);
  expect(workerSeries).toMatch(/^zoom_meetings_scheduled\w*\{[^}]*\} 1$/m);
  // The org's API allowance left, from the Sforce-Limit-Info header of the worker's last Salesforce call: fewer than
  // the org's 15,000 (the run made calls), at least what is left now (the test's own calls came later).
  const left = /^salesforce_api_requests_remaining\w*(?:\{[^}]*\})? (\d+)$/m.exec(workerSeries);
  expect(left).not.toBeNull();
  expect(Number(left![1])).toBeLessThan(stack.salesforce.usage.max);
  expect(Number(left![1])).toBeGreaterThanOrEqual(stack.salesforce.usage.remaining);
  expect(workerSeries).toMatch(/^salesforce_api_requests_limit\w*(?:\{[^}]*\})? 15000$/m);

  const apiSeries = await series(`${stack.apiUrl}/metrics`);
  expect(apiSeries).toMatch(/^api_requests_total\{route="\/v1\/salesforce\/events",method="POST",status="202"\} \d+/m);
  expect(apiSeries).toMatch(/^api_request_duration_seconds_bucket\{le="0.1",route="\/v1\/zoom\/webhooks"/m);
  expect(apiSeries).toMatch(/^api_signature_refusals_total\{route="\/v1\/salesforce\/events"\} 1$/m);
  expect(apiSeries).toMatch(/^zoom_webhooks_total\{outcome="delivered"\} \d+/m);
});

test('with tracing off the bundle traces nothing: no activity the meeting workflow scheduled carries a trace header', async () => {
  // The tracing interceptors cost every workflow task their spans and every cached workflow its own copy of the
  // OpenTelemetry modules (a worker at 2 GiB instead of 0.8 in bench:sync); with tracing off they are not loaded.
  expect(eventId).toBeDefined();
  const history = await stack.env.client.workflow.getHandle(meetingWorkflowId(eventId!)).fetchHistory();
  const scheduled = history.events!.filter((e) => e.activityTaskScheduledEventAttributes);
  expect(scheduled.length).toBeGreaterThan(0);
  const headers = scheduled.map((e) => Object.keys(e.activityTaskScheduledEventAttributes!.header?.fields ?? {}));
  expect(headers.flat()).not.toContain(TRACE_HEADER);
});

test('the worker process answers its probes on the metrics port: alive, and ready with all its Workers running', async () => {
  const probe = (path: string) => axios.get(metricsUrl.replace('/metrics', path), { validateStatus: () => true });
  const [healthz, readyz] = await Promise.all([probe('/healthz'), probe('/readyz')]);
  expect([healthz.status, healthz.data]).toEqual([200, { status: 'ok' }]);
  expect([readyz.status, readyz.data]).toEqual([200, { status: 'ready' }]);
});

test('with LOG_FORMAT=json (the default) every line the worker process wrote is a JSON object with level and message', () => {
  const lines = workerOutput.split('\n').filter((line) => line.trim() !== '');
  expect(lines.length).toBeGreaterThan(0);
  const notJson = lines.filter((line) => {
    try {
      const entry = JSON.parse(line) as { level?: unknown; msg?: unknown };
      return typeof entry.level !== 'number' || typeof entry.msg !== 'string';
    } catch {
      return true;
    }
  });
  expect(notJson).toEqual([]);
  expect(lines.some((line) => (JSON.parse(line) as { msg: string }).msg.startsWith('Worker polling task queue'))).toBe(
    true,
  );
});
