/**
 * OpenTelemetry traces on the production entry points: the API (`client/main.ts`) and the worker (`workers/main.ts`,
 * on the image's prebuilt bundles, of which it loads the traced one) run as their own processes with `OTEL_EXPORTER_OTLP_ENDPOINT` pointing at an OTLP/HTTP receiver in this test. A
 * signed callout must come out as one trace: the API's HTTP server span, the client's signal-with-start, the meeting
 * workflow, the Zoom create activity and the activity's HTTP call to Zoom, each the child of the one before. No URL
 * in any span carries an e-mail address or a query.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import axios from 'axios';
import { calloutHeaders } from '../../domain/callout-signature';
import { SNAPSHOT_FIELDS } from '../../domain/event-fields';
import { DEMO_CREDENTIALS, DEMO_USERS } from '../../emulators/demo-org';
import { pressButton } from '../../emulators/salesforce/button-requests';
import { buildImageBundles } from '../helpers/prebuilt-bundle';
import { eventually, startTestStack, waitForEvent, type TestStack } from '../helpers/stack';

const REPO = join(__dirname, '..', '..');
const MINUTE = 60_000;
const ADA = DEMO_USERS[0];
const MARIE = '003000000000001AAA';

/** A span as OTLP/JSON carries it (ids hex, kind 2 = server, 3 = client). */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: { stringValue?: string; intValue?: string | number } }[];
}
interface ReceivedSpan extends OtlpSpan {
  service: string;
}

let stack: TestStack;
let receiver: Server;
const bodies: string[] = [];
const children: ChildProcess[] = [];
const bundleDir = mkdtempSync(join(tmpdir(), 'workflow-bundle-'));

async function freePort(): Promise<number> {
  const server = createNetServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

/** Every span received so far, with its resource's service name. */
function receivedSpans(): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const body of bodies) {
    const request = JSON.parse(body) as {
      resourceSpans: {
        resource: { attributes: { key: string; value: { stringValue?: string } }[] };
        scopeSpans: { spans: OtlpSpan[] }[];
      }[];
    };
    for (const { resource, scopeSpans } of request.resourceSpans) {
      const service = resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
      for (const { spans: scoped } of scopeSpans) for (const span of scoped) spans.push({ ...span, service });
    }
  }
  return spans;
}

const attribute = (span: OtlpSpan, key: string) => span.attributes?.find((a) => a.key === key)?.value.stringValue;

/** Starts an entry point as its own process; resolves once its output shows `readyLine`. */
async function startProcess(entry: string, env: Record<string, string>, readyLine: string): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(readyLine)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${entry} exited (${code}): ${output}`)));
  });
}

let apiUrl: string;

beforeAll(async () => {
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      if (request.method === 'POST' && request.url === '/v1/traces') bodies.push(body);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  }).listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  const otel = {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(receiver.address() as { port: number }).port}`,
    // Export within 100 ms of a span's end (the batch processor's default is 5 s).
    OTEL_BSP_SCHEDULE_DELAY: '100',
  };
  stack = await startTestStack({ worker: 'external' });
  // The image's prebuilt bundles: with tracing on the worker must load the traced one.
  const bundlePath = await buildImageBundles(join(bundleDir, 'workflow-bundle.js'));
  const apiPort = await freePort();
  apiUrl = `http://127.0.0.1:${apiPort}`;
  const { TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE, PAYLOAD_KEYS } = stack.workerEnv;
  // Zoom's credentials: the click's answer carries a fresh start URL.
  const { ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET, ZOOM_API_BASE_URL, ZOOM_OAUTH_URL } = stack.workerEnv;
  await Promise.all([
    startProcess(
      'workers/main.ts',
      { ...stack.workerEnv, ...otel, METRICS_PORT: String(await freePort()), WORKFLOW_BUNDLE_PATH: bundlePath },
      'Worker polling task queue',
    ),
    startProcess(
      'client/main.ts',
      {
        TEMPORAL_ADDRESS,
        TEMPORAL_NAMESPACE,
        TEMPORAL_TASK_QUEUE,
        PAYLOAD_KEYS,
        ZOOM_ACCOUNT_ID,
        ZOOM_CLIENT_ID,
        ZOOM_CLIENT_SECRET,
        ZOOM_API_BASE_URL,
        ZOOM_OAUTH_URL,
        CALLOUT_SECRET: DEMO_CREDENTIALS.calloutSecret,
        API_HOST: '127.0.0.1',
        API_PORT: String(apiPort),
        LOG_FORMAT: 'json',
        ...otel,
      },
      'API listening',
    ),
  ]);
}, 240_000);

afterAll(async () => {
  for (const child of children) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
  await stack?.stop();
  receiver?.close();
  rmSync(bundleDir, { recursive: true, force: true });
});

const SERVER = 2;
const CLIENT = 3;

interface TraceView {
  /** The API's server span for the request. */
  request: ReceivedSpan;
  /** The span of the trace that is a child of `parent` and satisfies `predicate`. */
  childOf(parent: OtlpSpan | undefined, predicate: (span: ReceivedSpan) => boolean): ReceivedSpan | undefined;
  /** A span of the trace named `name`. */
  named(name: string): ReceivedSpan | undefined;
}

/** The trace that began with the API's server span for `target`, once `complete` finds in it what it needs. */
async function traceOfRequest<T>(target: string, complete: (trace: TraceView) => T | undefined): Promise<T> {
  return eventually(
    async () => {
      const spans = receivedSpans();
      const request = spans.find(
        (s) => s.service === 'zoom-salesforce-api' && s.kind === SERVER && attribute(s, 'http.target') === target,
      );
      if (!request) return undefined;
      const inTrace = spans.filter((s) => s.traceId === request.traceId);
      return complete({
        request,
        childOf: (parent, predicate) => parent && inTrace.find((s) => s.parentSpanId === parent.spanId && predicate(s)),
        named: (name) => inTrace.find((s) => s.name === name),
      });
    },
    30_000,
    `the trace of ${target}`,
  );
}
const named = (name: string) => (span: ReceivedSpan) => span.name === name;
const httpPost = (span: ReceivedSpan) => span.kind === CLIENT && attribute(span, 'http.method') === 'POST';

/** Nothing exported carries an address or a query string (SOQL, OAuth parameters). */
function expectNoPersonalDataExported(): void {
  const exported = bodies.join('\n');
  for (const user of DEMO_USERS) expect(exported).not.toContain(user.email);
  expect(exported).not.toMatch(/SELECT|grant_type|%40/i);
}

test('a callout is one trace: API request → signal-with-start → workflow → activity → its HTTP call to Zoom', async () => {
  // The org's callout goes to the API process under test, not to the stack's in-process API.
  await axios.post(`${stack.salesforceUrl}/_emulator/trigger`, { enabled: false });
  const sf = await stack.sfUser();
  const start = Math.ceil(Date.now() / MINUTE) * MINUTE + 60 * MINUTE;
  const created = await sf.sobject('Event').create({
    Subject: 'Tracing: pipeline review',
    StartDateTime: new Date(start).toISOString(),
    EndDateTime: new Date(start + 30 * MINUTE).toISOString(),
    OwnerId: ADA.salesforceId,
    Make_Zoom_Meeting__c: true,
  });
  if (!created.success) throw new Error(JSON.stringify(created));
  const record = (await sf.sobject('Event').retrieve(created.id)) as unknown as Record<string, unknown>;
  const event = Object.fromEntries(SNAPSHOT_FIELDS.map((field) => [field, record[field] ?? null]));
  const body = JSON.stringify({ events: [{ operation: 'upsert', event }] });
  const answer = await axios.post(`${apiUrl}/v1/salesforce/events`, body, {
    headers: calloutHeaders(DEMO_CREDENTIALS.calloutSecret, body),
    transformRequest: [(data: string) => data],
    validateStatus: () => true,
  });
  expect(answer.status).toBe(202);
  await waitForEvent(sf, created.id, ['Zoom_Status__c'], (e) => e.Zoom_Status__c === 'Scheduled', 'scheduled');

  const chain = await traceOfRequest('/v1/salesforce/events', ({ request, childOf, named: spanNamed }) => {
    const signalWithStart = childOf(request, named('SignalWithStartWorkflow:meetingWorkflow'));
    const signal = childOf(signalWithStart, named('HandleSignal:eventChanged'));
    // The workflow's own span (RunWorkflow) is exported when the workflow ends, weeks later for a meeting; while it
    // runs, it is the parent of every activity it schedules. A single Event's callout takes the hot path: the host
    // lookup and the create are one local activity in the first workflow task.
    const scheduled = spanNamed('StartActivity:createZoomMeetingForOwner');
    const route = spanNamed('StartActivity:registerZoomRoute');
    const activity = childOf(scheduled, named('RunActivity:createZoomMeetingForOwner'));
    // The activity reads the owner's e-mail from Salesforce first; the Zoom create is its POST to Zoom.
    const zoomCall = childOf(
      activity,
      (s) => httpPost(s) && String(attribute(s, 'http.url')).startsWith(stack.zoomUrl),
    );
    return signal && route && zoomCall && { signalWithStart, scheduled: scheduled!, route, activity, zoomCall };
  });
  expect(chain.scheduled.parentSpanId).toBeTruthy();
  expect(chain.route.parentSpanId).toBe(chain.scheduled.parentSpanId);
  expect(chain.activity!.service).toBe('zoom-salesforce-worker');
  // Zoom's create is POST /users/{userId}/meetings, the host addressed by e-mail: the span keeps the path only.
  expect(attribute(chain.zoomCall, 'http.url')).toBe(`${stack.zoomUrl}/v2/users/{email}/meetings`);
  expectNoPersonalDataExported();
});

test('a click is one trace: request → update-with-start → the update handler → activity → its HTTP call', async () => {
  const answer = await pressButton(apiUrl, DEMO_CREDENTIALS.calloutSecret, 'POST', '/v1/salesforce/instant-meetings', {
    recordId: MARIE,
    userId: ADA.salesforceId,
  });
  expect(answer.status).toBe(200);

  const chain = await traceOfRequest('/v1/salesforce/instant-meetings', ({ request, childOf }) => {
    const update = childOf(request, named('UpdateWithStartWorkflow:startInstantMeeting'));
    const handler = childOf(update, named('HandleUpdate:startInstantMeeting'));
    const scheduled = childOf(handler, named('StartActivity:createZoomMeeting'));
    const activity = childOf(scheduled, named('RunActivity:createZoomMeeting'));
    const zoomCall = childOf(activity, httpPost);
    return zoomCall && { handler: handler!, zoomCall };
  });
  expect(chain.handler.service).toBe('zoom-salesforce-worker');
  expect(attribute(chain.zoomCall, 'http.url')).toBe(`${stack.zoomUrl}/v2/users/{email}/meetings`);
  expectNoPersonalDataExported();
});

test('"Send Email" is one trace with the workflow’s own span, which a finished workflow exports', async () => {
  // The stack's own API schedules this one (the org's trigger, on again); the e-mail goes through the API under test.
  await axios.post(`${stack.salesforceUrl}/_emulator/trigger`, { enabled: true });
  const sf = await stack.sfUser();
  const start = Math.ceil(Date.now() / MINUTE) * MINUTE + 90 * MINUTE;
  const created = await sf.sobject('Event').create({
    Subject: 'Tracing: invitation',
    StartDateTime: new Date(start).toISOString(),
    EndDateTime: new Date(start + 30 * MINUTE).toISOString(),
    OwnerId: ADA.salesforceId,
    WhoId: MARIE,
    Make_Zoom_Meeting__c: true,
  });
  if (!created.success) throw new Error(JSON.stringify(created));
  await waitForEvent(sf, created.id, ['Zoom_Status__c'], (e) => e.Zoom_Status__c === 'Scheduled', 'scheduled');
  const path = `/v1/events/${created.id}/email`;
  const answer = await pressButton(apiUrl, DEMO_CREDENTIALS.calloutSecret, 'POST', path, {});
  expect(answer.status).toBe(200);

  const chain = await traceOfRequest(path, ({ request, childOf }) => {
    const execute = childOf(request, named('StartWorkflow:meetingEmailWorkflow'));
    const workflow = childOf(execute, named('RunWorkflow:meetingEmailWorkflow'));
    const scheduled = childOf(workflow, named('StartActivity:sendMeetingEmail'));
    const activity = childOf(scheduled, named('RunActivity:sendMeetingEmail'));
    const salesforceCall = childOf(activity, (s) => s.kind === CLIENT);
    return salesforceCall && { workflow: workflow!, salesforceCall };
  });
  expect(chain.workflow.service).toBe('zoom-salesforce-worker');
  expect(attribute(chain.salesforceCall, 'http.url')).toMatch(new RegExp(`^${stack.salesforceUrl}/services/`));
  expectNoPersonalDataExported();
});
