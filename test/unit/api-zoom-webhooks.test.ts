import { createHmac } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { createApiServer, type ApiTemporalClient } from '../../client/server';
import { createRouterDelivery, ZOOM_WEBHOOK_PATH } from '../../client/zoom-webhooks';
import {
  signZoomWebhook,
  ZOOM_RETRY_HORIZON_SECONDS,
  zoomWebhookHeaders,
  type ZoomMeetingEvent,
} from '../../domain/zoom-webhooks';
import { zoomEventSignal } from '../../workflows/messages';

/**
 * `POST /v1/zoom/webhooks` through the real API server, with a jest fake for the hand-over to the router; then
 * the Temporal implementation of the hand-over against a fake client. Routing itself: test/workflow/zoom-routing.
 */

const SECRET = 'zoom-webhook-secret-token-0123456789';
const CALLOUT_SECRET = 'a-callout-secret-of-32-characters';
const NOW_MS = 1_795_716_000_000;
const EVENT_TS = 1_795_715_999_123;
const MEETING = '97763643886';
const UUID = '4444AAAiAAAAAiAiAiiAii==';
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
  let handOver: jest.Mock<Promise<void>, [ZoomMeetingEvent]>;

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
      zoomWebhooks: { secretToken: SECRET, deliver: handOver, deliveryBudgetMs },
    });
    await app.ready();
  }

  beforeEach(async () => {
    handOver = jest.fn<Promise<void>, [ZoomMeetingEvent]>().mockResolvedValue(undefined);
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
      expect(handOver).not.toHaveBeenCalled();
      expect(handOver).not.toHaveBeenCalled();
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
      expect(handOver).not.toHaveBeenCalled();
    });

    it("answers 401 to a timestamp older than Zoom's last retry, or more than 300 s ahead", async () => {
      for (const at of [NOW_MS - (ZOOM_RETRY_HORIZON_SECONDS + 1) * 1000, NOW_MS + 301_000]) {
        const headers = zoomWebhookHeaders(SECRET, body, at);
        const response = await app.inject({ method: 'POST', url: ZOOM_WEBHOOK_PATH, payload: body, headers });
        expect(response.statusCode).toBe(401);
      }
      expect(handOver).not.toHaveBeenCalled();
    });

    it('checks the raw bytes: pretty-printed JSON signed as sent is accepted, re-serialised it is not', async () => {
      const pretty = JSON.stringify(started(), null, 2);
      expect((await deliver(pretty)).statusCode).toBe(200);
      const headers = zoomWebhookHeaders(SECRET, pretty, NOW_MS);
      const response = await app.inject({ method: 'POST', url: ZOOM_WEBHOOK_PATH, payload: body, headers });
      expect(response.statusCode).toBe(401);
      expect(handOver).toHaveBeenCalledTimes(1);
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

  /** The API's counters (`GET /metrics`, Prometheus text) as `name{labels}` → value. */
  async function metrics(): Promise<Record<string, number>> {
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    const samples = response.body.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    return Object.fromEntries(samples.map((line) => [line.split(' ')[0], Number(line.split(' ')[1])]));
  }
  const unprocessable = 'zoom_webhooks_total{outcome="unprocessable"}';

  /** Lines of the log with this message, parsed. */
  const logged = (message: string) =>
    logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === message);

  // Zoom retries a non-2xx three times and then sends nothing more of that event: an authentic delivery always
  // gets a 2xx, and what could not be used is logged (event name and ids only) and counted.
  describe('authentic deliveries it cannot fully use', () => {
    it('acknowledges bad JSON with a good signature: 200, a log line, the counter', async () => {
      const response = await deliver('{not json');
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: 'unprocessable' });
      expect(logged('zoom webhook not usable: the body is not JSON')).toHaveLength(1);
      expect((await metrics())[unprocessable]).toBe(1);
    });

    it('acknowledges a known event with a malformed payload: 200, the field paths logged, the counter', async () => {
      const response = await deliver(started({ id: 'abc', uuid: undefined }));
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: 'unprocessable' });
      expect(handOver).not.toHaveBeenCalled();
      expect(logged('zoom webhook not usable: malformed payload')).toEqual([
        expect.objectContaining({
          zoomEvent: 'meeting.started',
          errors: ['$.payload.object.id must be a meeting id (digits)', '$.payload.object.uuid is required'],
        }),
      ]);
      expect((await metrics())[unprocessable]).toBe(1);
    });

    it('hands over meeting.deleted without event_ts (legal), dated by its x-zm-request-timestamp', async () => {
      const deleted = {
        event: 'meeting.deleted',
        payload: { account_id: 'AAA', operator_id: 'op-1', object: { id: Number(MEETING), uuid: UUID } },
      };
      const body = JSON.stringify(deleted);
      const response = await deliver(body);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: 'delivered' });
      expect(handOver).toHaveBeenCalledWith({
        kind: 'deleted',
        meetingId: MEETING,
        meetingUuid: UUID,
        eventTs: NOW_MS,
        dedupeKey: `meeting.deleted:${UUID}:${NOW_MS}`,
        operatorId: 'op-1',
      } satisfies ZoomMeetingEvent);
      // A retry with the first attempt's headers is the same event to the workflow.
      const retry = zoomWebhookHeaders(SECRET, body, NOW_MS);
      await app.inject({ method: 'POST', url: ZOOM_WEBHOOK_PATH, payload: body, headers: retry });
      expect(handOver.mock.calls[1][0].dedupeKey).toBe(handOver.mock.calls[0][0].dedupeKey);
      expect(logged('zoom webhook delivered to its router')[0]).toMatchObject({ datedByRequest: true });
    });

    it('acknowledges a participant event without object.id (legal): 200, logged with its uuid, counted', async () => {
      const joined = participantJoined();
      const { id: _id, ...object } = joined.payload.object;
      const response = await deliver({ ...joined, payload: { ...joined.payload, object } });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: 'unroutable' });
      expect(handOver).not.toHaveBeenCalled();
      expect(logged('zoom webhook without a meeting id; not routed')).toEqual([
        expect.objectContaining({ zoomEvent: 'meeting.participant_joined', meetingUuid: UUID }),
      ]);
      expect((await metrics())['zoom_webhooks_total{outcome="unroutable"}']).toBe(1);
    });
  });

  describe("Zoom's retries", () => {
    const body = JSON.stringify(started());
    const sentAt = (ms: number) =>
      app.inject({
        method: 'POST',
        url: ZOOM_WEBHOOK_PATH,
        payload: body,
        headers: zoomWebhookHeaders(SECRET, body, ms),
      });

    it("accepts a retry carrying its first attempt's timestamp until Zoom's last retry", async () => {
      for (const ageMs of [5 * 60_000 + 1_000, 85 * 60_000, ZOOM_RETRY_HORIZON_SECONDS * 1000]) {
        expect((await sentAt(NOW_MS - ageMs)).statusCode).toBe(200);
      }
      expect(handOver).toHaveBeenCalledTimes(3);
      expect(logged('zoom webhook delivered to its router').map((l) => l.ageSeconds)).toEqual([301, 5100, 5409]);
      expect((await metrics())['zoom_webhooks_late_total']).toBe(3);
    });

    it('hands a late replay of a delivered event over with its dedupeKey, which the workflow ignores', async () => {
      expect((await sentAt(NOW_MS)).statusCode).toBe(200);
      const replayed = zoomWebhookHeaders(SECRET, body, NOW_MS);
      const later = NOW_MS + 60 * 60_000;
      await app.close();
      app = createApiServer({
        calloutSecret: CALLOUT_SECRET,
        temporal: fakeTemporal(),
        taskQueue: 'test-queue',
        logger: false,
        now: () => later,
        zoomWebhooks: { secretToken: SECRET, deliver: handOver },
      });
      const response = await app.inject({ method: 'POST', url: ZOOM_WEBHOOK_PATH, payload: body, headers: replayed });
      expect(response.statusCode).toBe(200);
      const [first, replay] = handOver.mock.calls.map(([event]) => event);
      expect(replay).toEqual(first);
    });
  });

  describe('bodies', () => {
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
    expect(handOver).not.toHaveBeenCalled();
  });

  it('hands meeting.started to the meeting router with the normalised event', async () => {
    const response = await deliver(started());
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'delivered' });
    expect(handOver).toHaveBeenCalledWith({
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

  it('hands over a numeric meeting id as a string', async () => {
    await deliver({ ...started({ id: Number(MEETING) }), event: 'meeting.ended' });
    expect(handOver.mock.calls[0][0]).toMatchObject({ kind: 'ended', meetingId: MEETING });
  });

  it('acknowledges events it does not handle without a hand-over', async () => {
    const response = await deliver({ event: 'meeting.created', event_ts: EVENT_TS, payload: { object: {} } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ignored' });
    expect(handOver).not.toHaveBeenCalled();
  });

  it('answers 500 when the hand-over fails, so that Zoom retries', async () => {
    handOver.mockRejectedValue(Object.assign(new Error('temporal unavailable'), { code: 14 }));
    const response = await deliver(started());
    expect(response.statusCode).toBe(500);
    const line = logLines.find((l) => l.includes('zoom webhook not delivered'));
    expect(line).toBeDefined();
    expect(JSON.parse(line as string)).toMatchObject({ grpcCode: 14, meetingId: MEETING });
  });

  it('answers 500 when the hand-over exceeds its budget', async () => {
    await app.close();
    await build(50);
    const never = deferred<void>();
    handOver.mockReturnValue(never.promise);
    const startedAt = Date.now();
    const response = await deliver(started());
    expect(response.statusCode).toBe(500);
    expect(Date.now() - startedAt).toBeLessThan(2_000);
    expect(logLines.some((l) => l.includes('BudgetExceededError'))).toBe(true);
    never.resolve();
  });

  it('hands a duplicate delivery over again with the same dedupeKey (the workflow de-duplicates)', async () => {
    const body = JSON.stringify(participantJoined());
    expect((await deliver(body)).statusCode).toBe(200);
    expect((await deliver(body)).statusCode).toBe(200);
    expect(handOver).toHaveBeenCalledTimes(2);
    const [first, second] = handOver.mock.calls.map(([event]) => event);
    expect(first.dedupeKey).toBe(`meeting.participant_joined:${UUID}:${EVENT_TS}:16778240`);
    expect(second).toEqual(first);
  });

  it('never logs the secret, signatures, participant names or e-mails', async () => {
    const body = JSON.stringify(participantJoined());
    const headers = zoomWebhookHeaders(SECRET, body, NOW_MS);
    await deliver(body);
    handOver.mockRejectedValue(new Error('unavailable'));
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

describe('createRouterDelivery', () => {
  it("signal-with-starts the meeting's router on the workers' task queue with the event", async () => {
    const signalWithStart = jest.fn().mockResolvedValue(undefined);
    const event: ZoomMeetingEvent = {
      kind: 'started',
      meetingId: MEETING,
      meetingUuid: UUID,
      eventTs: EVENT_TS,
      dedupeKey: `meeting.started:${UUID}:${EVENT_TS}`,
    };
    await createRouterDelivery({ workflow: { signalWithStart } } as never, 'the-queue')(event);
    expect(signalWithStart).toHaveBeenCalledWith('zoomMeetingRouterWorkflow', {
      workflowId: `zoom-meeting-${MEETING}`,
      taskQueue: 'the-queue',
      args: [{ meetingId: MEETING }],
      signal: zoomEventSignal,
      signalArgs: [event],
    });
  });

  it('passes a failure on, so that the route answers 500', async () => {
    const signalWithStart = jest.fn().mockRejectedValue(new Error('unavailable'));
    const deliver = createRouterDelivery({ workflow: { signalWithStart } } as never, 'the-queue');
    await expect(deliver({ kind: 'ended', meetingId: MEETING, eventTs: EVENT_TS, dedupeKey: 'k' })).rejects.toThrow(
      'unavailable',
    );
  });
});
