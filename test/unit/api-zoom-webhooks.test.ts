import { createHmac } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { WorkflowNotFoundError } from '@temporalio/client';
import { createApiServer, type ApiTemporalClient } from '../../client/server';
import {
  createVisibilityMeetingLookup,
  createZoomEventSignaller,
  meetingWorkflowQuery,
  ZOOM_WEBHOOK_PATH,
  type VisibilityClient,
} from '../../client/zoom-webhooks';
import { signZoomWebhook, zoomWebhookHeaders, type ZoomMeetingEvent } from '../../domain/zoom-webhooks';
import { zoomEventSignal } from '../../workflows/messages';

/**
 * `POST /v1/zoom/webhooks` through the real API server, with jest fakes for the workflow lookup and the signal;
 * then the Temporal implementations of both against fake clients.
 */

const SECRET = 'zoom-webhook-secret-token-0123456789';
const CALLOUT_SECRET = 'a-callout-secret-of-32-characters';
const NOW_MS = 1_795_716_000_000;
const EVENT_TS = 1_795_715_999_123;
const MEETING = '97763643886';
const UUID = '4444AAAiAAAAAiAiAiiAii==';
const WORKFLOW_ID = 'meeting-00U5g00000XyZabEAF';
const PARTICIPANT_NAME = 'Jill Chill';
const PARTICIPANT_EMAIL = 'jchill@example.com';

function fakeTemporal(): ApiTemporalClient {
  return {
    workflow: { signalWithStart: jest.fn().mockResolvedValue(undefined), start: jest.fn() },
    connection: { withDeadline: (_deadline, fn) => fn(), workflowService: { getSystemInfo: jest.fn() } },
  };
}

function started(overrides: Record<string, unknown> = {}) {
  return {
    event: 'meeting.started',
    event_ts: EVENT_TS,
    payload: {
      account_id: 'AAA',
      object: {
        id: MEETING,
        uuid: UUID,
        host_id: '30R7kT7bTIKSNUFEuH_Qlg',
        topic: 'Quarterly review',
        type: 2,
        start_time: '2026-03-02T17:01:02Z',
        timezone: 'America/Los_Angeles',
        duration: 60,
        ...overrides,
      },
    },
  };
}

function participantJoined() {
  const body = started({
    participant: {
      user_id: '16778240',
      user_name: PARTICIPANT_NAME,
      id: '30R7kT7bTIKSNUFEuH_Qlg',
      participant_uuid: 'p-uuid-1',
      join_time: '2026-03-02T17:01:10Z',
      email: PARTICIPANT_EMAIL,
    },
  });
  return { ...body, event: 'meeting.participant_joined' };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((res) => {
    resolve = res;
  });
  return { promise, resolve };
}

describe('POST /v1/zoom/webhooks', () => {
  let app: FastifyInstance;
  let logLines: string[];
  let findMeetingWorkflow: jest.Mock<Promise<string | undefined>, [string]>;
  let signal: jest.Mock<Promise<void>, [string, ZoomMeetingEvent]>;

  async function build(deliveryBudgetMs?: number): Promise<void> {
    logLines = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    app = createApiServer({
      calloutSecret: CALLOUT_SECRET,
      temporal: fakeTemporal(),
      taskQueue: 'test-queue',
      logger: pino({ level: 'debug' }, sink),
      now: () => NOW_MS,
      zoomWebhooks: { secretToken: SECRET, findMeetingWorkflow, signal, deliveryBudgetMs },
    });
    await app.ready();
  }

  beforeEach(async () => {
    findMeetingWorkflow = jest.fn<Promise<string | undefined>, [string]>().mockResolvedValue(WORKFLOW_ID);
    signal = jest.fn<Promise<void>, [string, ZoomMeetingEvent]>().mockResolvedValue(undefined);
    await build();
  });

  afterEach(async () => {
    await app.close();
  });

  /** Delivers `body` as Zoom does: compact JSON, signed over exactly those bytes. */
  function deliver(body: unknown, headers: Record<string, string> = {}) {
    const payload = typeof body === 'string' ? body : JSON.stringify(body);
    return app.inject({
      method: 'POST',
      url: ZOOM_WEBHOOK_PATH,
      payload,
      headers: { ...zoomWebhookHeaders(SECRET, payload, NOW_MS), ...headers },
    });
  }

  describe('signature', () => {
    const body = JSON.stringify(started());

    it('answers 401 to a forged signature and signals nothing', async () => {
      const forged = zoomWebhookHeaders('not-the-secret-token', body, NOW_MS);
      const response = await app.inject({ method: 'POST', url: ZOOM_WEBHOOK_PATH, payload: body, headers: forged });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error: 'Signature does not match' });
      expect(findMeetingWorkflow).not.toHaveBeenCalled();
      expect(signal).not.toHaveBeenCalled();
    });

    it('answers 401 without signature headers', async () => {
      const response = await app.inject({
        method: 'POST',
        url: ZOOM_WEBHOOK_PATH,
        payload: body,
        headers: { 'content-type': 'application/json' },
      });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error: 'Missing x-zm-request-timestamp or x-zm-signature header' });
      expect(signal).not.toHaveBeenCalled();
    });

    it('answers 401 to a stale timestamp', async () => {
      const stale = zoomWebhookHeaders(SECRET, body, NOW_MS - 301_000);
      const response = await app.inject({ method: 'POST', url: ZOOM_WEBHOOK_PATH, payload: body, headers: stale });
      expect(response.statusCode).toBe(401);
      expect(signal).not.toHaveBeenCalled();
    });

    it('checks the raw bytes: pretty-printed JSON signed as sent is accepted, re-serialised it is not', async () => {
      const pretty = JSON.stringify(started(), null, 2);
      expect((await deliver(pretty)).statusCode).toBe(200);
      const headers = zoomWebhookHeaders(SECRET, pretty, NOW_MS);
      const response = await app.inject({ method: 'POST', url: ZOOM_WEBHOOK_PATH, payload: body, headers });
      expect(response.statusCode).toBe(401);
      expect(signal).toHaveBeenCalledTimes(1);
    });

    it('checks the signature before parsing: bad JSON with a bad signature is a 401', async () => {
      const response = await deliver('{not json', { 'x-zm-signature': 'v0=00' });
      expect(response.statusCode).toBe(401);
    });

    it('answers 401 to a forged url_validation (no token is computed for strangers)', async () => {
      const validation = JSON.stringify({ event: 'endpoint.url_validation', payload: { plainToken: 'abc' } });
      const response = await app.inject({
        method: 'POST',
        url: ZOOM_WEBHOOK_PATH,
        payload: validation,
        headers: zoomWebhookHeaders('not-the-secret-token', validation, NOW_MS),
      });
      expect(response.statusCode).toBe(401);
    });
  });

  describe('malformed bodies', () => {
    it('answers 400 to bad JSON with a good signature', async () => {
      const response = await deliver('{not json');
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ error: 'The body is not valid JSON' });
    });

    it('answers 400 to a known event with a malformed payload, naming the fields', async () => {
      const response = await deliver(started({ id: 'abc', uuid: undefined }));
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        error: 'The body is not a valid Zoom webhook',
        errors: ['$.payload.object.id must be a meeting id (digits)', '$.payload.object.uuid is required'],
      });
      expect(findMeetingWorkflow).not.toHaveBeenCalled();
    });

    it('answers 415 to another content type', async () => {
      const payload = JSON.stringify(started());
      const response = await app.inject({
        method: 'POST',
        url: ZOOM_WEBHOOK_PATH,
        payload,
        headers: { ...zoomWebhookHeaders(SECRET, payload, NOW_MS), 'content-type': 'text/plain' },
      });
      expect(response.statusCode).toBe(415);
    });
  });

  it('answers endpoint.url_validation with the plain and encrypted tokens', async () => {
    const plainToken = 'qgg8vlvZRS6UYooatFL8Aw';
    const response = await deliver({ event: 'endpoint.url_validation', payload: { plainToken }, event_ts: EVENT_TS });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json()).toEqual({
      plainToken,
      encryptedToken: createHmac('sha256', SECRET).update(plainToken).digest('hex'),
    });
    expect(findMeetingWorkflow).not.toHaveBeenCalled();
  });

  it('signals meeting.started to the meeting workflow with the normalised event', async () => {
    const response = await deliver(started());
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'delivered' });
    expect(findMeetingWorkflow).toHaveBeenCalledWith(MEETING);
    expect(signal).toHaveBeenCalledWith(WORKFLOW_ID, {
      kind: 'started',
      meetingId: MEETING,
      meetingUuid: UUID,
      eventTs: EVENT_TS,
      dedupeKey: `meeting.started:${UUID}:${EVENT_TS}`,
      startTime: '2026-03-02T17:01:02.000Z',
      topic: 'Quarterly review',
      duration: 60,
      timezone: 'America/Los_Angeles',
    } satisfies ZoomMeetingEvent);
  });

  it('looks up a numeric meeting id as a string', async () => {
    await deliver({ ...started({ id: Number(MEETING) }), event: 'meeting.ended' });
    expect(findMeetingWorkflow).toHaveBeenCalledWith(MEETING);
    expect(signal.mock.calls[0][1].kind).toBe('ended');
  });

  it('acknowledges events for meetings we do not manage and signals nothing', async () => {
    findMeetingWorkflow.mockResolvedValue(undefined);
    const response = await deliver(started());
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ignored' });
    expect(signal).not.toHaveBeenCalled();
    expect(logLines.some((line) => /"level":20.*do not manage/.test(line))).toBe(true);
  });

  it('acknowledges events it does not handle without a lookup', async () => {
    const response = await deliver({ event: 'meeting.created', event_ts: EVENT_TS, payload: { object: {} } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ignored' });
    expect(findMeetingWorkflow).not.toHaveBeenCalled();
  });

  it('answers 500 when the lookup fails, so that Zoom retries', async () => {
    findMeetingWorkflow.mockRejectedValue(Object.assign(new Error('visibility unavailable'), { code: 14 }));
    const response = await deliver(started());
    expect(response.statusCode).toBe(500);
    expect(signal).not.toHaveBeenCalled();
    const line = logLines.find((l) => l.includes('zoom webhook not delivered'));
    expect(line).toBeDefined();
    expect(JSON.parse(line as string)).toMatchObject({ stage: 'lookup', grpcCode: 14, meetingId: MEETING });
  });

  it('answers 500 when the signal fails', async () => {
    signal.mockRejectedValue(new Error('unavailable'));
    const response = await deliver(started());
    expect(response.statusCode).toBe(500);
    expect(logLines.some((l) => l.includes('"stage":"signal"'))).toBe(true);
  });

  it('answers 500 when the lookup and signal exceed their budget', async () => {
    await app.close();
    await build(50);
    const never = deferred<string | undefined>();
    findMeetingWorkflow.mockReturnValue(never.promise);
    const startedAt = Date.now();
    const response = await deliver(started());
    expect(response.statusCode).toBe(500);
    expect(Date.now() - startedAt).toBeLessThan(2_000);
    expect(logLines.some((l) => l.includes('BudgetExceededError'))).toBe(true);
    never.resolve(WORKFLOW_ID);
  });

  it('acknowledges an event whose workflow has closed meanwhile', async () => {
    signal.mockRejectedValue(new WorkflowNotFoundError('workflow execution already completed', WORKFLOW_ID, undefined));
    const response = await deliver(started());
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ignored' });
  });

  it('signals a duplicate delivery again with the same dedupeKey (the workflow de-duplicates)', async () => {
    const body = JSON.stringify(participantJoined());
    expect((await deliver(body)).statusCode).toBe(200);
    expect((await deliver(body)).statusCode).toBe(200);
    expect(signal).toHaveBeenCalledTimes(2);
    const [first, second] = signal.mock.calls.map(([, event]) => event);
    expect(first.dedupeKey).toBe(`meeting.participant_joined:${UUID}:${EVENT_TS}:16778240`);
    expect(second).toEqual(first);
  });

  it('never logs the secret, signatures, participant names or e-mails', async () => {
    const body = JSON.stringify(participantJoined());
    const headers = zoomWebhookHeaders(SECRET, body, NOW_MS);
    await deliver(body);
    signal.mockRejectedValue(new Error('unavailable'));
    await deliver(body);
    await deliver(body, { 'x-zm-signature': signZoomWebhook('wrong-secret', String(NOW_MS / 1000), body) });
    await deliver({ ...participantJoined(), event_ts: 'x' });
    const logs = logLines.join('\n');
    expect(logs).toContain('zoom webhook delivered');
    for (const secret of [SECRET, headers['x-zm-signature'].slice(3), PARTICIPANT_NAME, PARTICIPANT_EMAIL]) {
      expect(logs).not.toContain(secret);
    }
  });

  it('is not registered without a webhook secret', async () => {
    const plain = createApiServer({
      calloutSecret: CALLOUT_SECRET,
      temporal: fakeTemporal(),
      taskQueue: 'test-queue',
      logger: false,
    });
    const payload = JSON.stringify(started());
    const response = await plain.inject({
      method: 'POST',
      url: ZOOM_WEBHOOK_PATH,
      payload,
      headers: zoomWebhookHeaders(SECRET, payload, Date.now()),
    });
    expect(response.statusCode).toBe(404);
    await plain.close();
  });
});

describe('createVisibilityMeetingLookup', () => {
  type Info = { workflowId: string; startTime: Date; status: { name: string } };

  function fakeClient(results: Info[] | ((query: string) => Info[]), namespace = 'default') {
    const list = jest.fn((options: { query: string; pageSize?: number }) => {
      const infos = typeof results === 'function' ? results(options.query) : results;
      return (async function* () {
        for (const info of infos) yield info;
      })();
    });
    const client: VisibilityClient = { workflow: { list }, options: { namespace } };
    return { client, list };
  }

  const info = (workflowId: string, iso: string, status = 'RUNNING'): Info => ({
    workflowId,
    startTime: new Date(iso),
    status: { name: status },
  });

  it('queries by workflow type and ZoomMeetingId, escaping the value', () => {
    expect(meetingWorkflowQuery(MEETING)).toBe(`WorkflowType = 'meetingWorkflow' AND ZoomMeetingId = '97763643886'`);
    expect(meetingWorkflowQuery(`1' OR '1'='1\\`)).toBe(
      `WorkflowType = 'meetingWorkflow' AND ZoomMeetingId = '1\\' OR \\'1\\'=\\'1\\\\'`,
    );
  });

  it('prefers the newest running workflow, else the newest closed one', async () => {
    const { client, list } = fakeClient([
      info('meeting-old-closed', '2026-01-01T00:00:00Z', 'COMPLETED'),
      info('meeting-running-old', '2026-02-01T00:00:00Z'),
      info('meeting-newest-closed', '2026-04-01T00:00:00Z', 'COMPLETED'),
      info('meeting-running-new', '2026-03-01T00:00:00Z'),
    ]);
    const lookup = createVisibilityMeetingLookup(client);
    await expect(lookup(MEETING)).resolves.toBe('meeting-running-new');
    expect(list).toHaveBeenCalledWith(expect.objectContaining({ query: meetingWorkflowQuery(MEETING) }));

    const closedOnly = fakeClient([
      info('meeting-a', '2026-01-01T00:00:00Z', 'COMPLETED'),
      info('meeting-b', '2026-02-01T00:00:00Z', 'TERMINATED'),
    ]);
    await expect(createVisibilityMeetingLookup(closedOnly.client)(MEETING)).resolves.toBe('meeting-b');
    await expect(createVisibilityMeetingLookup(fakeClient([]).client)(MEETING)).resolves.toBeUndefined();
  });

  it('caches running answers until their TTL, and not closed or empty ones', async () => {
    let now = 0;
    const running = fakeClient([info(WORKFLOW_ID, '2026-01-01T00:00:00Z')]);
    const lookup = createVisibilityMeetingLookup(running.client, 'default', { ttlMs: 1_000, now: () => now });
    await lookup(MEETING);
    await lookup(MEETING);
    expect(running.list).toHaveBeenCalledTimes(1);
    now = 1_000;
    await lookup(MEETING);
    expect(running.list).toHaveBeenCalledTimes(2);

    const closed = fakeClient([info(WORKFLOW_ID, '2026-01-01T00:00:00Z', 'COMPLETED')]);
    const closedLookup = createVisibilityMeetingLookup(closed.client);
    await closedLookup(MEETING);
    await closedLookup(MEETING);
    expect(closed.list).toHaveBeenCalledTimes(2);

    const empty = fakeClient([]);
    const emptyLookup = createVisibilityMeetingLookup(empty.client);
    await emptyLookup(MEETING);
    await emptyLookup(MEETING);
    expect(empty.list).toHaveBeenCalledTimes(2);
  });

  it('evicts the least recently used entry and forgets on request', async () => {
    const { client, list } = fakeClient((query) => [
      info(`wf-${/ZoomMeetingId = '(\d+)'/.exec(query)?.[1]}`, '2026-01-01T00:00:00Z'),
    ]);
    const lookup = createVisibilityMeetingLookup(client, undefined, { maxEntries: 2 });
    await lookup('1');
    await lookup('2');
    await lookup('1'); // 1 is now the most recently used
    await lookup('3'); // evicts 2
    expect(lookup.cacheSize).toBe(2);
    expect(list).toHaveBeenCalledTimes(3);
    await expect(lookup('1')).resolves.toBe('wf-1');
    expect(list).toHaveBeenCalledTimes(3);
    await lookup('2');
    expect(list).toHaveBeenCalledTimes(4);
    lookup.forget('2');
    await lookup('2');
    expect(list).toHaveBeenCalledTimes(5);
  });

  it('shares one query between concurrent lookups of one meeting', async () => {
    const { client, list } = fakeClient([info(WORKFLOW_ID, '2026-01-01T00:00:00Z', 'COMPLETED')]);
    const lookup = createVisibilityMeetingLookup(client);
    await expect(Promise.all([lookup(MEETING), lookup(MEETING)])).resolves.toEqual([WORKFLOW_ID, WORKFLOW_ID]);
    expect(list).toHaveBeenCalledTimes(1);
  });

  it('propagates visibility failures and does not cache them', async () => {
    const list = jest
      .fn()
      .mockImplementationOnce(() => {
        throw new Error('unavailable');
      })
      .mockImplementation(() =>
        (async function* () {
          yield info(WORKFLOW_ID, '2026-01-01T00:00:00Z');
        })(),
      );
    const lookup = createVisibilityMeetingLookup({ workflow: { list } });
    await expect(lookup(MEETING)).rejects.toThrow('unavailable');
    await expect(lookup(MEETING)).resolves.toBe(WORKFLOW_ID);
  });

  it('refuses a namespace other than the client’s', () => {
    expect(() => createVisibilityMeetingLookup(fakeClient([], 'prod').client, 'staging')).toThrow(/namespace prod/);
  });
});

describe('createZoomEventSignaller', () => {
  const event: ZoomMeetingEvent = {
    kind: 'started',
    meetingId: MEETING,
    meetingUuid: UUID,
    eventTs: EVENT_TS,
    dedupeKey: `meeting.started:${UUID}:${EVENT_TS}`,
  };

  function fakeClient(signalImpl: () => Promise<void>) {
    const handleSignal = jest.fn(signalImpl);
    const getHandle = jest.fn(() => ({ signal: handleSignal }));
    const client = { workflow: { getHandle } } as unknown as Parameters<typeof createZoomEventSignaller>[0];
    return { client, getHandle, handleSignal };
  }

  it('sends zoomEventSignal to the workflow', async () => {
    const { client, getHandle, handleSignal } = fakeClient(async () => undefined);
    await createZoomEventSignaller(client)(WORKFLOW_ID, event);
    expect(getHandle).toHaveBeenCalledWith(WORKFLOW_ID);
    expect(handleSignal).toHaveBeenCalledWith(zoomEventSignal, event);
  });

  it('forgets the cached workflow when it has closed, and rethrows', async () => {
    const notFound = new WorkflowNotFoundError('already completed', WORKFLOW_ID, undefined);
    const { client } = fakeClient(async () => {
      throw notFound;
    });
    const forget = jest.fn();
    await expect(createZoomEventSignaller(client, { forget })(WORKFLOW_ID, event)).rejects.toBe(notFound);
    expect(forget).toHaveBeenCalledWith(MEETING);
  });

  it('keeps the cache on other failures', async () => {
    const { client } = fakeClient(async () => {
      throw new Error('unavailable');
    });
    const forget = jest.fn();
    await expect(createZoomEventSignaller(client, { forget })(WORKFLOW_ID, event)).rejects.toThrow('unavailable');
    expect(forget).not.toHaveBeenCalled();
  });
});
