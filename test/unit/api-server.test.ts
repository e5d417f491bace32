import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import {
  createApiServer,
  MAX_BODY_BYTES,
  type ApiTemporalClient,
  type MeetingSignalWithStartOptions,
} from '../../client/server';
import { calloutHeaders } from '../../domain/callout-signature';
import type { SignedRequestStartOptions } from '../../client/replay-guard';
import {
  CALLOUT_BATCH_WORKFLOW_TYPE,
  eventChangedSignal,
  SalesforceEventIdAttribute,
  type calloutBatchStart,
} from '../../workflows/messages';
import { INTERACTIVE_CALLOUT_MAX_EVENTS } from '../../workflows/task-queues';
import { toSalesforceId18 } from '../../domain/salesforce-id';

/**
 * The API against a fake Temporal client: only `signalWithStart` and the readiness call are observed. The real
 * Temporal path is covered by the end-to-end tests.
 */

const SECRET = 'a-callout-secret-of-32-characters';
const NOW_MS = 1_795_716_000_000;
const TASK_QUEUE = 'test-queue';
const EVENT_A = '00U5g00000XyZabEAF';
const EVENT_B = '00U5g00000XyZacEAF';
const USER = '0055g00000AbCdEAAV';
const PATH = '/v1/salesforce/events';

type SignalWithStart = (workflowType: string, options: MeetingSignalWithStartOptions) => Promise<unknown>;

function fakeTemporal() {
  const signalWithStart = jest.fn<Promise<unknown>, Parameters<SignalWithStart>>().mockResolvedValue(undefined);
  const getSystemInfo = jest.fn<Promise<unknown>, [object]>().mockResolvedValue({});
  // The replay cache (`client/replay-guard.ts`); each test request is signed anew, so every nonce is new.
  // It also starts a data load's batch workflow (`workflows/callout-batch.ts`).
  const start = jest
    .fn<Promise<unknown>, [string, SignedRequestStartOptions | ReturnType<typeof calloutBatchStart>]>()
    .mockResolvedValue(undefined);
  const temporal: ApiTemporalClient = {
    workflow: { signalWithStart, start },
    connection: { withDeadline: (_deadline, fn) => fn(), workflowService: { getSystemInfo } },
  };
  return { temporal, signalWithStart, start, getSystemInfo };
}

function meetingEvent(id: string, overrides: Record<string, unknown> = {}) {
  return {
    Id: id,
    Subject: 'Call with jane.doe@example.com',
    StartDateTime: '2026-11-26T18:00:00.000+0000',
    EndDateTime: '2026-11-26T19:00:00.000+0000',
    OwnerId: USER,
    Description: 'Private notes',
    SystemModstamp: '2026-11-20T09:15:02.000+0000',
    Make_Zoom_Meeting__c: true,
    Zoom_Additional_Emails__c: 'john.roe@example.com',
    ...overrides,
  };
}

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('API server', () => {
  let fake: ReturnType<typeof fakeTemporal>;
  let app: FastifyInstance;
  let logLines: string[];

  beforeEach(async () => {
    fake = fakeTemporal();
    logLines = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    app = createApiServer({
      calloutSecret: SECRET,
      temporal: fake.temporal,
      taskQueue: TASK_QUEUE,
      logger: pino({ level: 'debug' }, sink),
      now: () => NOW_MS,
    });
    await app.ready();
  });

  afterEach(async () => {
    await app.close();
  });

  function post(body: unknown, headers: Record<string, string> = {}) {
    const payload = typeof body === 'string' ? body : JSON.stringify(body);
    return app.inject({
      method: 'POST',
      url: PATH,
      payload,
      headers: { ...calloutHeaders(SECRET, payload, NOW_MS), ...headers },
    });
  }

  describe('signature', () => {
    const body = JSON.stringify({ events: [{ operation: 'upsert', event: meetingEvent(EVENT_A) }] });

    it('answers 401 to a forged signature and starts nothing', async () => {
      const forged = calloutHeaders('not-the-shared-secret-at-all!!!!', body, NOW_MS);
      const response = await app.inject({ method: 'POST', url: PATH, payload: body, headers: forged });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error: 'Signature does not match' });
      expect(fake.signalWithStart).not.toHaveBeenCalled();
    });

    it('answers 401 without signature headers', async () => {
      const response = await app.inject({
        method: 'POST',
        url: PATH,
        payload: body,
        headers: { 'content-type': 'application/json' },
      });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error: 'Missing X-Timestamp or X-Signature header' });
      expect(fake.signalWithStart).not.toHaveBeenCalled();
    });

    it('answers 401 to a stale timestamp', async () => {
      const stale = calloutHeaders(SECRET, body, NOW_MS - 301_000);
      const response = await app.inject({ method: 'POST', url: PATH, payload: body, headers: stale });
      expect(response.statusCode).toBe(401);
      expect(fake.signalWithStart).not.toHaveBeenCalled();
    });

    it('checks the exact bytes: a re-serialised body fails', async () => {
      const headers = calloutHeaders(SECRET, body, NOW_MS);
      const reformatted = JSON.stringify(JSON.parse(body), null, 2);
      const response = await app.inject({ method: 'POST', url: PATH, payload: reformatted, headers });
      expect(response.statusCode).toBe(401);
    });

    it('checks the signature before parsing, so bad JSON with a bad signature is a 401', async () => {
      const response = await post('{not json', { 'x-signature': 'v1=00' });
      expect(response.statusCode).toBe(401);
    });

    it('records the nonce of a signed request in the replay cache until its signature expires', async () => {
      const headers = calloutHeaders(SECRET, body, NOW_MS - 100_000);
      const response = await app.inject({ method: 'POST', url: PATH, payload: body, headers });
      expect(response.statusCode).toBe(202);
      expect(fake.start).toHaveBeenCalledTimes(1);
      expect(fake.start.mock.calls[0]).toEqual([
        'signedRequestWorkflow',
        {
          workflowId: `signed-request-${headers['x-nonce']}`,
          taskQueue: TASK_QUEUE,
          workflowIdConflictPolicy: 'FAIL',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          startDelay: 200_000,
        },
      ]);
    });

    it('answers 401 to a nonce the replay cache has seen, and signals nothing', async () => {
      fake.start.mockRejectedValueOnce(new WorkflowExecutionAlreadyStartedError('started', 'id', 'type'));
      const response = await post(body);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({
        error: 'This signed request was already received; every request needs a new X-Nonce',
      });
      expect(fake.signalWithStart).not.toHaveBeenCalled();
    });

    it('answers 503 with Retry-After when the replay cache cannot be reached, and signals nothing', async () => {
      fake.start.mockRejectedValueOnce(Object.assign(new Error('14 UNAVAILABLE'), { name: 'ServiceError', code: 14 }));
      const response = await post(body);
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('5');
      expect(fake.signalWithStart).not.toHaveBeenCalled();
    });

    it('never asks the replay cache about a request that is not signed by the org', async () => {
      const forged = calloutHeaders('not-the-shared-secret-at-all!!!!', body, NOW_MS);
      await app.inject({ method: 'POST', url: PATH, payload: body, headers: forged });
      const { 'x-nonce': _nonce, ...withoutNonce } = calloutHeaders(SECRET, body, NOW_MS);
      const response = await app.inject({ method: 'POST', url: PATH, payload: body, headers: withoutNonce });
      expect(response.json()).toEqual({ error: 'Missing X-Nonce header' });
      expect(fake.start).not.toHaveBeenCalled();
    });
  });

  describe('dates', () => {
    it("rejects an item stamped in the future by the API's clock, or in a year Salesforce cannot store, and signals only the rest", async () => {
      const ahead = new Date(NOW_MS + 6 * 60_000).toISOString();
      const response = await post({
        events: [
          { operation: 'upsert', event: meetingEvent(EVENT_A, { SystemModstamp: ahead }) },
          { operation: 'upsert', event: meetingEvent(EVENT_B, { StartDateTime: '9999-11-26T18:00:00.000+0000' }) },
          { operation: 'delete', event: { Id: EVENT_B, SystemModstamp: '2026-11-20T09:15:03.000Z' } },
        ],
      });
      expect(response.statusCode).toBe(202);
      const { accepted, rejected } = response.json();
      expect(accepted).toEqual([{ index: 2, eventId: EVENT_B, workflowId: `meeting-${EVENT_B}` }]);
      expect(rejected.map((r: { index: number; errors: { field: string }[] }) => [r.index, r.errors[0].field])).toEqual(
        [
          [0, 'events[0].event.SystemModstamp'],
          [1, 'events[1].event.StartDateTime'],
        ],
      );
      expect(fake.signalWithStart).toHaveBeenCalledTimes(1);
    });
  });

  describe('malformed bodies', () => {
    it('answers 400 to bad JSON', async () => {
      const response = await post('{"events": [');
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ error: 'The body is not valid JSON' });
    });

    it('answers 400 with field errors when the body is not a batch', async () => {
      const response = await post({ records: [] });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        error: 'The body is not a valid batch of events',
        errors: [{ field: 'events', message: 'events is required and must be a list' }],
      });
      expect(fake.signalWithStart).not.toHaveBeenCalled();
    });

    it('answers 400 to an empty body', async () => {
      const response = await post('');
      expect(response.statusCode).toBe(400);
    });

    it('answers 400 to 201 items', async () => {
      const item = { operation: 'delete', event: { Id: EVENT_A, SystemModstamp: '2026-11-20T09:15:02Z' } };
      const response = await post({ events: Array.from({ length: 201 }, () => item) });
      expect(response.statusCode).toBe(400);
    });
  });

  describe('accepted batches', () => {
    it("starts a rep's few Events on the interactive queue and a data load's on the bulk queue, last in line", async () => {
      const ids = (n: number, from: number) =>
        Array.from({ length: n }, (_, i) => toSalesforceId18(`00U5g00000X${String(from + i).padStart(4, '0')}`));
      const placements = () =>
        fake.signalWithStart.mock.calls.map(([, options]) => ({
          taskQueue: options.taskQueue,
          priority: options.priority,
        }));
      const few = ids(INTERACTIVE_CALLOUT_MAX_EVENTS, 0);
      expect(
        (await post({ events: few.map((id) => ({ operation: 'upsert', event: meetingEvent(id) })) })).statusCode,
      ).toBe(202);
      expect(new Set(placements().map((p) => JSON.stringify(p)))).toEqual(
        new Set([JSON.stringify({ taskQueue: TASK_QUEUE })]),
      );
      fake.signalWithStart.mockClear();
      const many = ids(INTERACTIVE_CALLOUT_MAX_EVENTS + 1, 100);
      const bulk = { events: many.map((id) => ({ operation: 'upsert', event: meetingEvent(id) })) };
      expect((await post(bulk)).statusCode).toBe(202);
      // A data load is accepted with one start of its batch workflow, which signals the Events on the bulk queue.
      expect(fake.signalWithStart).not.toHaveBeenCalled();
      const batches = fake.start.mock.calls.filter(([type]) => type === CALLOUT_BATCH_WORKFLOW_TYPE);
      expect(batches).toHaveLength(1);
      const [, options] = batches[0] as [string, ReturnType<typeof calloutBatchStart>];
      expect(options).toMatchObject({ taskQueue: `${TASK_QUEUE}-bulk`, priority: { priorityKey: 5 } });
      expect(options.workflowId).toMatch(/^callout-batch-[0-9a-f]{64}$/);
      expect(options.args[0].items.map(({ eventId }) => eventId)).toEqual(many);
      expect(options.args[0].items[0].item).toMatchObject({ operation: 'upsert', calloutEvents: many.length });

      // The org's resend of the same batch (signed anew) is the same workflow: while it still runs, the server hands
      // the resend that workflow instead of refusing the start.
      expect(options.workflowIdConflictPolicy).toBe('USE_EXISTING');
      expect((await post(bulk)).statusCode).toBe(202);
      const resent = fake.start.mock.calls.filter(([type]) => type === CALLOUT_BATCH_WORKFLOW_TYPE);
      expect((resent[1][1] as { workflowId: string }).workflowId).toBe(options.workflowId);
    });

    it('signals each valid item with signal-with-start and lists the rejected ones', async () => {
      const response = await post({
        events: [
          { operation: 'upsert', event: meetingEvent('00U5g00000XyZab', { Unknown__c: 1 }) },
          { operation: 'upsert', event: meetingEvent(EVENT_B, { EndDateTime: '2026-11-26T17:00:00.000+0000' }) },
          { operation: 'delete', event: { Id: EVENT_B, SystemModstamp: '2026-11-20T09:16:40Z' } },
          { operation: 'move', event: { Id: 'nope' } },
        ],
      });
      expect(response.statusCode).toBe(202);
      expect(response.json()).toEqual({
        accepted: [
          { index: 0, eventId: EVENT_A, workflowId: `meeting-${EVENT_A}` },
          { index: 2, eventId: EVENT_B, workflowId: `meeting-${EVENT_B}` },
        ],
        rejected: [
          {
            index: 1,
            eventId: EVENT_B,
            errors: [{ field: 'events[1].event.EndDateTime', message: 'EndDateTime must be after StartDateTime' }],
          },
          {
            index: 3,
            errors: [
              { field: 'events[3].operation', message: 'operation must be "upsert" or "delete"' },
              { field: 'events[3].event.Id', message: expect.stringContaining('Salesforce record id') },
              { field: 'events[3].event.SystemModstamp', message: expect.stringContaining('required') },
            ],
          },
        ],
      });

      expect(fake.signalWithStart).toHaveBeenCalledTimes(2);
      expect(fake.signalWithStart).toHaveBeenCalledWith('meetingWorkflow', {
        workflowId: `meeting-${EVENT_A}`,
        taskQueue: TASK_QUEUE,
        args: [{ eventId: EVENT_A }],
        signal: eventChangedSignal,
        signalArgs: [
          {
            operation: 'upsert',
            // How many Events the callout carried: one alone takes the hot path, a bulk the rate-limited queue.
            calloutEvents: 4,
            event: {
              Id: EVENT_A,
              Subject: 'Call with jane.doe@example.com',
              StartDateTime: '2026-11-26T18:00:00.000Z',
              EndDateTime: '2026-11-26T19:00:00.000Z',
              OwnerId: USER,
              Description: 'Private notes',
              Make_Zoom_Meeting__c: true,
              Zoom_Additional_Emails__c: 'john.roe@example.com',
              SystemModstamp: '2026-11-20T09:15:02.000Z',
            },
          },
        ],
        typedSearchAttributes: [{ key: SalesforceEventIdAttribute, value: EVENT_A }],
      });
      expect(fake.signalWithStart).toHaveBeenCalledWith(
        'meetingWorkflow',
        expect.objectContaining({
          workflowId: `meeting-${EVENT_B}`,
          signalArgs: [
            {
              operation: 'delete',
              calloutEvents: 4,
              event: { Id: EVENT_B, SystemModstamp: '2026-11-20T09:16:40.000Z' },
            },
          ],
        }),
      );
    });

    it('answers 202 with an empty accepted list when every item is rejected', async () => {
      const response = await post({ events: [{ operation: 'upsert', event: { Id: EVENT_A } }] });
      expect(response.statusCode).toBe(202);
      expect(response.json()).toMatchObject({ accepted: [], rejected: [{ index: 0, eventId: EVENT_A }] });
      expect(fake.signalWithStart).not.toHaveBeenCalled();
    });

    it('accepts a charset in the content type', async () => {
      const response = await post(
        { events: [{ operation: 'delete', event: { Id: EVENT_A, SystemModstamp: '2026-11-20T09:16:40Z' } }] },
        { 'content-type': 'application/json; charset=utf-8' },
      );
      expect(response.statusCode).toBe(202);
    });

    it('signals one Event in array order, one at a time, and other Events in parallel', async () => {
      const started: string[] = [];
      const pending = new Map<string, ReturnType<typeof deferred>>();
      fake.signalWithStart.mockImplementation(async (_type, options) => {
        const [item] = options.signalArgs;
        const key = `${item.event.Id.slice(-8)}@${item.event.SystemModstamp.slice(11, 19)}`;
        started.push(key);
        const gate = deferred();
        pending.set(key, gate);
        await gate.promise;
      });
      const at = (time: string) => ({ Id: EVENT_A, SystemModstamp: `2026-11-20T${time}Z` });
      const responsePromise = post({
        events: [
          { operation: 'upsert', event: at('09:00:01') },
          { operation: 'upsert', event: { Id: EVENT_B, SystemModstamp: '2026-11-20T09:00:02Z' } },
          { operation: 'upsert', event: at('09:00:03') },
          { operation: 'delete', event: at('09:00:04') },
        ],
      });

      await settle();
      expect(started).toEqual(['XyZabEAF@09:00:01', 'XyZacEAF@09:00:02']);
      pending.get('XyZacEAF@09:00:02')?.resolve();
      await settle();
      expect(started).toHaveLength(2);
      pending.get('XyZabEAF@09:00:01')?.resolve();
      await settle();
      expect(started).toEqual(['XyZabEAF@09:00:01', 'XyZacEAF@09:00:02', 'XyZabEAF@09:00:03']);
      pending.get('XyZabEAF@09:00:03')?.resolve();
      await settle();
      expect(started.at(-1)).toBe('XyZabEAF@09:00:04');
      pending.get('XyZabEAF@09:00:04')?.resolve();

      const response = await responsePromise;
      expect(response.statusCode).toBe(202);
      expect(response.json().accepted.map((a: { index: number }) => a.index)).toEqual([0, 1, 2, 3]);
    });
  });

  describe('Temporal failures', () => {
    it('answers 503 with Retry-After when signal-with-start fails', async () => {
      fake.signalWithStart
        .mockResolvedValueOnce(undefined)
        .mockRejectedValueOnce(
          Object.assign(new Error('14 UNAVAILABLE: connection refused'), { name: 'ServiceError', code: 14 }),
        );
      const response = await post({
        events: [
          { operation: 'upsert', event: meetingEvent(EVENT_A) },
          { operation: 'upsert', event: meetingEvent(EVENT_B) },
        ],
      });
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('5');
      expect(response.json()).toEqual({ error: 'Temporal is unavailable; send the whole batch again later' });
    });

    it('stops signalling an Event after a failure', async () => {
      fake.signalWithStart.mockRejectedValue(new Error('deadline exceeded'));
      const at = (time: string) => ({ Id: EVENT_A, SystemModstamp: `2026-11-20T${time}Z` });
      const response = await post({
        events: [
          { operation: 'upsert', event: at('09:00:01') },
          { operation: 'upsert', event: at('09:00:02') },
        ],
      });
      expect(response.statusCode).toBe(503);
      expect(fake.signalWithStart).toHaveBeenCalledTimes(1);
    });
  });

  describe('transport limits', () => {
    it('answers 415 to another content type', async () => {
      const payload = JSON.stringify({ events: [] });
      const response = await app.inject({
        method: 'POST',
        url: PATH,
        payload,
        headers: { ...calloutHeaders(SECRET, payload, NOW_MS), 'content-type': 'text/plain' },
      });
      expect(response.statusCode).toBe(415);
      expect(response.json()).toEqual({ error: 'Content-Type must be application/json' });
    });

    it('answers 413 to a body over 6 MB', async () => {
      const payload = JSON.stringify({ events: [], padding: 'x'.repeat(MAX_BODY_BYTES) });
      const response = await app.inject({
        method: 'POST',
        url: PATH,
        payload,
        headers: { 'content-type': 'application/json' },
      });
      expect(response.statusCode).toBe(413);
      expect(response.json()).toEqual({ error: 'The body is larger than 6 MB' });
      expect(fake.signalWithStart).not.toHaveBeenCalled();
    });

    it('answers 404 with a JSON error to unknown routes', async () => {
      const response = await app.inject({ method: 'GET', url: '/nope' });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ error: 'Not found' });
    });
  });

  describe('operations endpoints', () => {
    it('serves the OpenAPI document', async () => {
      const response = await app.inject({ method: 'GET', url: '/openapi.yaml' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/yaml/);
      expect(response.body).toMatch(/^openapi: 3\.1\.0/);
      expect(response.body).toContain('/v1/salesforce/events:');
    });

    it('answers /healthz while the process is up', async () => {
      const response = await app.inject({ method: 'GET', url: '/healthz' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: 'ok' });
    });

    it('answers /readyz according to Temporal', async () => {
      expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      fake.getSystemInfo.mockRejectedValueOnce(new Error('unavailable'));
      const response = await app.inject({ method: 'GET', url: '/readyz' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({ error: 'Temporal is not reachable' });
    });
  });

  describe('logging', () => {
    it('logs one line per request with counts and duration, and no PII or secrets', async () => {
      const response = await post({
        events: [
          { operation: 'upsert', event: meetingEvent(EVENT_A) },
          { operation: 'upsert', event: meetingEvent(EVENT_B, { OwnerId: null }) },
        ],
      });
      expect(response.statusCode).toBe(202);
      const requestLines = logLines.map((line) => JSON.parse(line)).filter((line) => line.msg === 'request');
      expect(requestLines).toEqual([
        expect.objectContaining({ method: 'POST', route: PATH, status: 202, accepted: 1, rejected: 1 }),
      ]);
      expect(typeof requestLines[0].durationMs).toBe('number');
      const everything = logLines.join('\n');
      for (const secretOrPii of ['example.com', 'Private notes', SECRET, 'v1=']) {
        expect(everything).not.toContain(secretOrPii);
      }
    });
  });
});
