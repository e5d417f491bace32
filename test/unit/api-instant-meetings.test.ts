import type { FastifyInstance } from 'fastify';
import {
  ApplicationFailure,
  WithStartWorkflowOperation,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { createApiServer, type ApiTemporalClient } from '../../client/server';
import { INSTANT_MEETINGS_PATH } from '../../client/instant-meetings';
import { calloutHeaders } from '../../domain/callout-signature';
import type { ZoomClient } from '../../integrations/zoom/client';
import type { ZoomMeeting } from '../../integrations/zoom/types';
import { ZoomApiError } from '../../integrations/zoom/errors';
import { startInstantMeetingUpdate, type InstantMeetingAnswer } from '../../workflows/messages';

const SECRET = 'a-callout-secret-of-32-characters';
const NOW_MS = 1_795_716_000_000;
const TASK_QUEUE = 'test-queue';
const LEAD_ID_15 = '00Q5g00000AbCdE';
const LEAD_ID = '00Q5g00000AbCdEEAV';
const CONTACT_ID = '0035g00000QrStUAAV';
const USER_ID_15 = '0055g00000AbCdE';
const USER_ID = '0055g00000AbCdEAAV';
const ACCOUNT_ID = '0015g00000LmNoPAAV';
const EVENT_ID = '00U5g00000XyZabEAF';
const MEETING_ID = '97763643886';
const JOIN_URL = 'https://zoom.example/j/97763643886?pwd=abc';
const START_URL = 'https://zoom.example/s/97763643886?zak=eyJhbGciOiJIUzI1NiJ9.host-credential';

const ANSWER: InstantMeetingAnswer = { eventId: EVENT_ID, zoomMeetingId: MEETING_ID, joinUrl: JOIN_URL };

type ExecuteUpdateWithStart = Client['workflow']['executeUpdateWithStart'];

/** Temporal with `executeUpdateWithStart` only (so the Event routes are not registered). */
function fakeTemporal() {
  const executeUpdateWithStart = jest
    .fn<Promise<InstantMeetingAnswer>, Parameters<ExecuteUpdateWithStart>>()
    .mockResolvedValue(ANSWER);
  const temporal: ApiTemporalClient = {
    workflow: {
      signalWithStart: jest.fn().mockResolvedValue(undefined),
      // The replay cache: each test request is signed anew, so every nonce is new.
      start: jest.fn().mockResolvedValue(undefined),
      executeUpdateWithStart: async <Ret>(...args: Parameters<ExecuteUpdateWithStart>) =>
        (await executeUpdateWithStart(...args)) as Ret,
    },
    connection: { withDeadline: (_deadline, fn) => fn(), workflowService: { getSystemInfo: jest.fn() } },
  };
  return { temporal, executeUpdateWithStart };
}

function zoomMeeting(overrides: Partial<ZoomMeeting> = {}): ZoomMeeting {
  return {
    uuid: '4444AAAiAAAAAiAiAiiAii==',
    id: Number(MEETING_ID),
    host_id: '30R7kT7bTIKSNUFEuH_Qlg',
    host_email: 'host@example.com',
    topic: 'Call with Marie',
    type: 1,
    created_at: '2026-11-26T18:00:00Z',
    start_url: START_URL,
    join_url: JOIN_URL,
    ...overrides,
  };
}

function updateFailure(type: string): WorkflowUpdateFailedError {
  return new WorkflowUpdateFailedError('failed', ApplicationFailure.create({ type, message: 'x', nonRetryable: true }));
}

describe('POST /v1/salesforce/instant-meetings', () => {
  let t: ReturnType<typeof fakeTemporal>;
  let getMeeting: jest.Mock<Promise<ZoomMeeting>, [string | number]>;
  let app: FastifyInstance;

  async function start(options: { zoom?: boolean } = {}): Promise<void> {
    await app?.close();
    const zoom: Pick<ZoomClient, 'getMeeting'> = { getMeeting };
    app = createApiServer({
      calloutSecret: SECRET,
      temporal: t.temporal,
      taskQueue: TASK_QUEUE,
      logger: false,
      now: () => NOW_MS,
      zoom: options.zoom === false ? undefined : zoom,
    });
    await app.ready();
  }

  beforeEach(async () => {
    t = fakeTemporal();
    getMeeting = jest.fn<Promise<ZoomMeeting>, [string | number]>().mockResolvedValue(zoomMeeting());
    await start();
  });

  afterEach(async () => {
    await app.close();
  });

  function post(body: unknown) {
    const payload = typeof body === 'string' ? body : JSON.stringify(body);
    return app.inject({
      method: 'POST',
      url: INSTANT_MEETINGS_PATH,
      payload,
      headers: calloutHeaders(SECRET, payload, NOW_MS),
    });
  }

  it('starts the workflow with update-with-start and answers with a fresh start URL', async () => {
    const response = await post({ recordId: LEAD_ID_15, userId: USER_ID_15, subject: '  Call with Marie  ' });

    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.json()).toEqual({ ...ANSWER, startUrl: START_URL });
    expect(getMeeting).toHaveBeenCalledWith(MEETING_ID);

    expect(t.executeUpdateWithStart).toHaveBeenCalledTimes(1);
    const [update, options] = t.executeUpdateWithStart.mock.calls[0];
    expect(update).toBe(startInstantMeetingUpdate);
    const operation = options.startWorkflowOperation;
    expect(operation).toBeInstanceOf(WithStartWorkflowOperation);
    expect(operation.workflowTypeOrFunc).toBe('instantMeetingWorkflow');
    expect(operation.options).toEqual({
      workflowId: `instant-${USER_ID}-${LEAD_ID}`,
      taskQueue: TASK_QUEUE,
      args: [{ recordId: LEAD_ID, userId: USER_ID, subject: 'Call with Marie' }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  });

  it('asks Zoom once more for the start URL after a single 500', async () => {
    getMeeting.mockRejectedValueOnce(new ZoomApiError({ httpStatus: 500, message: 'Internal server error' }));
    const response = await post({ recordId: LEAD_ID, userId: USER_ID });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ...ANSWER, startUrl: START_URL });
    expect(getMeeting).toHaveBeenCalledTimes(2);
  });

  it('answers 502 (never a 200 without it) when Zoom gives no start URL', async () => {
    getMeeting.mockResolvedValueOnce(zoomMeeting({ start_url: '' }));
    const response = await post({ recordId: LEAD_ID, userId: USER_ID });
    expect(response.statusCode).toBe(502);
    expect(response.json()).toMatchObject({ eventId: EVENT_ID });
  });

  it('marks refusals too as not cacheable', async () => {
    const response = await app.inject({
      method: 'POST',
      url: INSTANT_MEETINGS_PATH,
      payload: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(401);
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('accepts a Contact and leaves out a blank subject', async () => {
    const response = await post({ recordId: CONTACT_ID, userId: USER_ID, subject: '   ' });
    expect(response.statusCode).toBe(200);
    const operation = t.executeUpdateWithStart.mock.calls[0][1].startWorkflowOperation;
    expect(operation.options.workflowId).toBe(`instant-${USER_ID}-${CONTACT_ID}`);
    expect(operation.options.args).toEqual([{ recordId: CONTACT_ID, userId: USER_ID }]);
  });

  describe('400', () => {
    it.each([
      ['not JSON', '{"recordId": '],
      ['JSON null', 'null'],
      ['no recordId', { userId: USER_ID }],
      ['a recordId that is not an id', { recordId: 'hello', userId: USER_ID }],
      ['a subject that is not a string', { recordId: LEAD_ID, userId: USER_ID, subject: 42 }],
    ])('%s', async (_label, body) => {
      const response = await post(body);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        error: 'The body must be {"recordId": "<Lead or Contact Id>", "userId": "<User Id>", "subject"?: "..."}',
      });
      expect(t.executeUpdateWithStart).not.toHaveBeenCalled();
    });

    it.each([
      ['an Account', ACCOUNT_ID],
      ['an Event', EVENT_ID],
    ])('a record that is %s', async (_label, recordId) => {
      const response = await post({ recordId, userId: USER_ID });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ error: 'Zoom meetings can be started from a Lead or a Contact only' });
      expect(t.executeUpdateWithStart).not.toHaveBeenCalled();
    });

    it.each([
      ['missing', undefined],
      ['a Contact id', CONTACT_ID],
      ['an 18-char id with a wrong suffix', '0055g00000AbCdEAAA'],
    ])('a userId that is %s', async (_label, userId) => {
      const response = await post({ recordId: LEAD_ID, userId });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ error: 'userId must be a Salesforce User Id' });
      expect(t.executeUpdateWithStart).not.toHaveBeenCalled();
    });
  });

  describe('401', () => {
    const payload = JSON.stringify({ recordId: LEAD_ID, userId: USER_ID });

    it('without signature headers', async () => {
      const response = await app.inject({
        method: 'POST',
        url: INSTANT_MEETINGS_PATH,
        payload,
        headers: { 'content-type': 'application/json' },
      });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error: 'Missing X-Timestamp or X-Signature header' });
      expect(t.executeUpdateWithStart).not.toHaveBeenCalled();
      expect(getMeeting).not.toHaveBeenCalled();
    });

    it('with a forged signature', async () => {
      const forged = calloutHeaders('not-the-shared-secret-at-all!!!!', payload, NOW_MS);
      const response = await app.inject({ method: 'POST', url: INSTANT_MEETINGS_PATH, payload, headers: forged });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error: 'Signature does not match' });
      expect(t.executeUpdateWithStart).not.toHaveBeenCalled();
    });

    it('with a signature over another body', async () => {
      const headers = calloutHeaders(SECRET, JSON.stringify({ recordId: CONTACT_ID, userId: USER_ID }), NOW_MS);
      const response = await app.inject({ method: 'POST', url: INSTANT_MEETINGS_PATH, payload, headers });
      expect(response.statusCode).toBe(401);
      expect(t.executeUpdateWithStart).not.toHaveBeenCalled();
    });
  });

  describe('failures of the update', () => {
    const body = { recordId: LEAD_ID, userId: USER_ID };

    it('404 when the record no longer exists', async () => {
      t.executeUpdateWithStart.mockRejectedValue(updateFailure('RecordNotFound'));
      const response = await post(body);
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ error: 'This Lead or Contact no longer exists' });
      expect(getMeeting).not.toHaveBeenCalled();
    });

    it('422 when the user has no Zoom account', async () => {
      t.executeUpdateWithStart.mockRejectedValue(updateFailure('HostNotFound'));
      const response = await post(body);
      expect(response.statusCode).toBe(422);
      expect(response.json().error).toMatch(/^Your Salesforce e-mail address is not a user of your company's Zoom/);
    });

    it('finds the type deeper in the cause chain (update → activity failure → application failure)', async () => {
      const activity = new Error('activity failed', {
        cause: ApplicationFailure.create({ type: 'HostNotFound', message: 'x', nonRetryable: true }),
      });
      t.executeUpdateWithStart.mockRejectedValue(new WorkflowUpdateFailedError('failed', activity));
      expect((await post(body)).statusCode).toBe(422);
    });

    it.each([
      ['an update failure of another type', updateFailure('ZoomUnavailable')],
      ['an untyped update failure', new WorkflowUpdateFailedError('failed', undefined)],
      ['Temporal unreachable', new Error('14 UNAVAILABLE: connection refused')],
    ])('502 on %s', async (_label, error) => {
      t.executeUpdateWithStart.mockRejectedValue(error);
      const response = await post(body);
      expect(response.statusCode).toBe(502);
      expect(response.json()).toEqual({ error: 'The Zoom meeting could not be started; try again in a moment' });
      expect(getMeeting).not.toHaveBeenCalled();
    });

    it('502 with the Event id when Zoom gives no meeting for the start URL', async () => {
      getMeeting.mockRejectedValue(new Error('zoom down'));
      const response = await post(body);
      expect(response.statusCode).toBe(502);
      expect(response.json()).toEqual({
        error: 'The Zoom meeting could not be started; try again in a moment',
        eventId: EVENT_ID,
      });
    });
  });

  it('503 without a Zoom client, before anything is started', async () => {
    await start({ zoom: false });
    const response = await post({ recordId: LEAD_ID, userId: USER_ID });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({
      error: 'Starting Zoom meetings from Salesforce is not configured on this server',
    });
    expect(t.executeUpdateWithStart).not.toHaveBeenCalled();
  });
});
