/**
 * End to end on a Temporal dev server: no signed request is honoured twice. A request captured on the wire and sent
 * again, to the same API or to another replica, at any age within the signature's 300 s, is refused before it does
 * anything; the org's own retries are signed anew (a fresh nonce) and go through.
 *
 * The replicas share nothing but Temporal (the replay cache is a workflow id per nonce), and each has its own clock
 * so a replay can be sent "182 s later" without waiting.
 */
import axios from 'axios';
import type { FastifyInstance } from 'fastify';
import { createApiServer } from '../../client/server';
import { calloutHeaders } from '../../domain/callout-signature';
import { DEMO_CREDENTIALS, DEMO_USERS } from '../../emulators/demo-org';
import { instantMeetingWorkflowId, meetingWorkflowId } from '../../workflows/messages';
import { eventually, startTestStack, type TestStack } from '../helpers/stack';

const SECRET = DEMO_CREDENTIALS.calloutSecret;
const [ADA] = DEMO_USERS;
const MARIE = '003000000000001AAA';
const NIELS = '003000000000002AAA';

let stack: TestStack;
const replicas: FastifyInstance[] = [];

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  for (const replica of replicas) await replica.close();
  await stack?.stop();
});

/** Another API process on the same Temporal, whose clock says the request was signed `ageMs` ago. */
async function replica(request: Captured, ageMs: number): Promise<FastifyInstance> {
  const app = createApiServer({
    calloutSecret: SECRET,
    temporal: stack.env.client,
    taskQueue: stack.taskQueue,
    logger: false,
    now: () => request.signedAtMs + ageMs,
    zoom: stack.zoomClient,
  });
  await app.ready();
  replicas.push(app);
  return app;
}

interface Captured {
  method: 'GET' | 'POST';
  path: string;
  body: string;
  headers: Record<string, string>;
  signedAtMs: number;
}

/** A request as the org signs it, kept so that the very same bytes can be sent again. */
function signed(method: 'GET' | 'POST', path: string, body?: unknown, line = true): Captured {
  const raw = body === undefined ? '' : JSON.stringify(body);
  const signedAtMs = Date.now();
  const headers = calloutHeaders(SECRET, raw, signedAtMs, line ? { method, path } : undefined);
  return { method, path, body: raw, headers, signedAtMs };
}

async function send(request: Captured): Promise<{ status: number; data: Record<string, unknown> }> {
  const response = await axios.request({
    method: request.method,
    url: `${stack.apiUrl}${request.path}`,
    data: request.body || undefined,
    headers: request.headers,
    transformRequest: [(data: string | undefined) => data],
    validateStatus: () => true,
  });
  return { status: response.status, data: response.data };
}

async function replayOn(app: FastifyInstance, request: Captured) {
  const response = await app.inject({
    method: request.method,
    url: request.path,
    headers: request.headers,
    ...(request.body ? { payload: request.body } : {}),
  });
  return { status: response.statusCode, data: response.json() as Record<string, unknown> };
}

function zoomCreates(): number {
  return stack.zoom.admin.requests.filter((r) => r.method === 'POST' && /\/v2\/users\/[^/]+\/meetings$/.test(r.path))
    .length;
}

const REFUSED = { error: 'This signed request was already received; every request needs a new X-Nonce' };

describe('"Start Zoom Meeting" on a Contact', () => {
  test('a replayed click is refused at any age within the signature window, on any replica, and makes no meeting', async () => {
    const click = signed('POST', '/v1/salesforce/instant-meetings', { recordId: MARIE, userId: ADA.salesforceId });
    const first = await send(click);
    expect(first.status).toBe(200);
    const eventId = String(first.data.eventId);
    const creates = zoomCreates();

    // The click's own de-duplication (2 minutes) is over: its workflow has closed. Only the nonce stands between a
    // replay and a second meeting now.
    await eventually(
      async () =>
        (await stack.env.client.workflow.getHandle(meetingWorkflowId(eventId)).describe()).status.name === 'RUNNING' ||
        undefined,
      10_000,
      'the hand-over to the meeting workflow',
    );
    const instant = stack.env.client.workflow.getHandle(instantMeetingWorkflowId(ADA.salesforceId, MARIE));
    await instant.terminate('the retried-click window has passed');

    expect(await send(click)).toEqual({ status: 401, data: REFUSED });
    for (const ageMs of [182_000, 299_000]) {
      expect(await replayOn(await replica(click, ageMs), click)).toEqual({ status: 401, data: REFUSED });
    }
    // Refused before Temporal was asked for anything: no new run, no Zoom call, no Event.
    expect((await instant.describe()).status.name).toBe('TERMINATED');
    expect(zoomCreates()).toBe(creates);
    const sf = await stack.sfUser();
    const events = await sf.query<{ Id: string }>(`SELECT Id FROM Event WHERE WhoId = '${MARIE}'`);
    expect(events.records.map((e) => e.Id)).toEqual([eventId]);
  });

  test('a new click, signed with a fresh nonce, works', async () => {
    const answer = await send(
      signed('POST', '/v1/salesforce/instant-meetings', { recordId: NIELS, userId: ADA.salesforceId }),
    );
    expect(answer.status).toBe(200);
    expect(String(answer.data.startUrl)).toMatch(/\/s\/\d+\?zak=/);
  });
});

describe('"Start Zoom Meeting" on an Event', () => {
  test('a captured start-url request is refused when replayed; a freshly signed one gets a start URL', async () => {
    const click = await send(
      signed('POST', '/v1/salesforce/instant-meetings', { recordId: NIELS, userId: ADA.salesforceId }),
    );
    const eventId = String(click.data.eventId);
    const path = `/v1/events/${eventId}/start-url`;

    const captured = signed('GET', path);
    const first = await send(captured);
    expect(first.status).toBe(200);
    expect(String(first.data.startUrl)).toMatch(/zak=/);

    const again = await send(captured);
    expect(again).toEqual({ status: 401, data: REFUSED });
    expect(JSON.stringify(again.data)).not.toContain('zak=');
    expect(await replayOn(await replica(captured, 120_000), captured)).toEqual({ status: 401, data: REFUSED });

    const fresh = await send(signed('GET', path));
    expect(fresh.status).toBe(200);
    expect(String(fresh.data.startUrl)).toMatch(/zak=/);
  });
});

describe('the trigger callout', () => {
  test('a replayed callout is refused; the org re-sending the same body with a fresh nonce is accepted', async () => {
    const body = {
      events: [
        {
          operation: 'delete',
          event: { Id: '00U000000000777EAA', SystemModstamp: new Date().toISOString() },
        },
      ],
    };
    const callout = signed('POST', '/v1/salesforce/events', body, false);
    expect((await send(callout)).status).toBe(202);
    expect(await replayOn(await replica(callout, 200_000), callout)).toEqual({ status: 401, data: REFUSED });

    // The Queueable's retry: same body, signed again.
    const retry = await send(signed('POST', '/v1/salesforce/events', body, false));
    expect(retry.status).toBe(202);
    expect(retry.data).toMatchObject({ accepted: [{ eventId: '00U000000000777EAA' }] });
  });
});
