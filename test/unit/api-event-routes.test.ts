import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import {
  ServiceError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { createApiServer, type ApiTemporalClient } from '../../client/server';
import type {
  EventTemporalClient,
  EventWorkflowHandle,
  MeetingEmailStartOptions,
  MeetingSyncStartOptions,
} from '../../client/event-routes';
import { calloutHeaders } from '../../domain/callout-signature';
import type { EventZoomFields } from '../../domain/event-fields';
import type { ZoomClient } from '../../integrations/zoom/client';
import { ZoomApiError } from '../../integrations/zoom/errors';
import type { ZoomMeeting } from '../../integrations/zoom/types';
import { meetingStateQuery, syncNowUpdate, type MeetingState } from '../../workflows/messages';

/** A real Temporal `Client` fits the Event routes' interface (checked by `npm run typecheck`). */
export type RealClientFits = Client extends EventTemporalClient
  ? Client extends ApiTemporalClient
    ? true
    : never
  : never;
const _realClientFits: RealClientFits = true;

const SECRET = 'a-callout-secret-of-32-characters';
const NOW_MS = 1_795_716_000_000;
const TASK_QUEUE = 'test-queue';
const EVENT_ID = '00U5g00000XyZabEAF';
const EVENT_ID_15 = '00U5g00000XyZab';
const OTHER_EVENT_ID = '00U5g00000XyZacEAF';
const WORKFLOW_ID = `meeting-${EVENT_ID}`;
const SYNC_WORKFLOW_ID = `meeting-sync-${EVENT_ID}`;
const RUN_ID = 'run-0001';
const MEETING_ID = '97763643886';
const INSTANCE_UUID = '4444AAAiAAAAAiAiAiiAii==';
const START_URL = 'https://zoom.example/s/97763643886?zak=eyJhbGciOiJIUzI1NiJ9.host-credential';
const JOIN_URL = 'https://zoom.example/j/97763643886?pwd=abc';

const WRITTEN: EventZoomFields = {
  Zoom_Status__c: 'Ended',
  Zoom_Last_Synced__c: '2026-11-26T19:05:00.000Z',
  Zoom_Participant_Count__c: 3,
};

function meetingState(overrides: Partial<MeetingState> = {}): MeetingState {
  return {
    eventId: EVENT_ID,
    phase: 'scheduled',
    status: 'Scheduled',
    zoomMeetingId: MEETING_ID,
    joinUrl: JOIN_URL,
    usesPmi: false,
    startTime: '2026-11-26T18:00:00.000Z',
    endTime: '2026-11-26T19:00:00.000Z',
    appliedChanges: 1,
    ignoredStaleChanges: 0,
    ...overrides,
  };
}

interface FakeWorkflow {
  status: 'RUNNING' | 'COMPLETED' | 'TERMINATED';
  state: MeetingState;
}

/**
 * Temporal with at most one meeting workflow. Handle methods are recorded as `(workflowId, runId, ...args)`, so
 * tests see which run each call went to.
 */
function fakeTemporal() {
  const box: { workflow?: FakeWorkflow } = {};
  const fake = {
    describe: jest.fn(async (workflowId: string, _runId?: string) => {
      if (!box.workflow) throw new WorkflowNotFoundError('Workflow not found', workflowId, undefined);
      return { runId: RUN_ID, status: { name: box.workflow.status } };
    }),
    query: jest.fn(async (_workflowId: string, _runId: string | undefined, _query: typeof meetingStateQuery) => {
      if (!box.workflow) throw new Error('no workflow');
      return box.workflow.state;
    }),
    executeUpdate: jest.fn(
      async (
        _workflowId: string,
        _runId: string | undefined,
        _update: typeof syncNowUpdate,
      ): Promise<EventZoomFields> => WRITTEN,
    ),
    result: jest.fn(async (_workflowId: string, _runId?: string): Promise<unknown> => {
      if (!box.workflow || box.workflow.status === 'RUNNING') throw new Error('unexpected result()');
      if (box.workflow.status === 'TERMINATED') {
        throw new WorkflowFailedError('Workflow execution terminated', undefined, 'NON_RETRYABLE_FAILURE');
      }
      return box.workflow.state;
    }),
    execute: jest.fn(
      async (_type: string, _options: MeetingSyncStartOptions | MeetingEmailStartOptions): Promise<unknown> => WRITTEN,
    ),
    signalWithStart: jest.fn().mockResolvedValue(undefined),
  };
  const handle = (workflowId: string, runId?: string): EventWorkflowHandle => ({
    describe: () => fake.describe(workflowId, runId),
    query: (query) => fake.query(workflowId, runId, query),
    executeUpdate: (update) => fake.executeUpdate(workflowId, runId, update),
    result: () => fake.result(workflowId, runId),
  });
  const temporal: ApiTemporalClient = {
    workflow: {
      signalWithStart: fake.signalWithStart,
      // The replay cache: each test request is signed anew, so every nonce is new.
      start: jest.fn().mockResolvedValue(undefined),
      getHandle: handle,
      execute: (type, options) => fake.execute(type, options),
    },
    connection: { withDeadline: (_deadline, fn) => fn(), workflowService: { getSystemInfo: jest.fn() } },
  };
  return Object.assign(box, fake, { temporal });
}

function zoomMeeting(overrides: Partial<ZoomMeeting> = {}): ZoomMeeting {
  return {
    uuid: INSTANCE_UUID,
    id: Number(MEETING_ID),
    host_id: '30R7kT7bTIKSNUFEuH_Qlg',
    host_email: 'host@example.com',
    topic: 'Quarterly review',
    type: 2,
    created_at: '2026-11-20T09:15:03Z',
    start_url: START_URL,
    join_url: JOIN_URL,
    ...overrides,
  };
}

describe('Event routes', () => {
  let t: ReturnType<typeof fakeTemporal>;
  let getMeeting: jest.Mock<Promise<ZoomMeeting>, [string | number]>;
  let app: FastifyInstance;
  let logLines: string[];

  async function start(options: { zoom?: boolean; eventBudgetMs?: number } = {}): Promise<void> {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    const zoom: Pick<ZoomClient, 'getMeeting'> = { getMeeting };
    app = createApiServer({
      calloutSecret: SECRET,
      temporal: t.temporal,
      taskQueue: TASK_QUEUE,
      logger: pino({ level: 'debug' }, sink),
      now: () => NOW_MS,
      zoom: options.zoom === false ? undefined : zoom,
      eventBudgetMs: options.eventBudgetMs,
    });
    await app.ready();
  }

  beforeEach(async () => {
    t = fakeTemporal();
    getMeeting = jest.fn<Promise<ZoomMeeting>, [string | number]>().mockResolvedValue(zoomMeeting());
    logLines = [];
    await start();
  });

  afterEach(async () => {
    await app.close();
  });

  function running(state: MeetingState = meetingState()): void {
    t.workflow = { status: 'RUNNING', state };
  }

  function finished(state: MeetingState = meetingState({ phase: 'ended', status: 'Ended' })): void {
    t.workflow = { status: 'COMPLETED', state };
  }

  function signed(method: 'GET' | 'POST', url: string, payload = '') {
    return app.inject({
      method,
      url,
      ...(payload ? { payload } : {}),
      headers: calloutHeaders(SECRET, payload, NOW_MS, { method, path: url }),
    });
  }

  const getState = (id = EVENT_ID) => signed('GET', `/v1/events/${id}`);
  const sync = (id = EVENT_ID) => signed('POST', `/v1/events/${id}/sync`);
  const startUrl = (id = EVENT_ID) => signed('GET', `/v1/events/${id}/start-url`);

  describe('signature', () => {
    const routes: ['GET' | 'POST', string][] = [
      ['GET', `/v1/events/${EVENT_ID}`],
      ['POST', `/v1/events/${EVENT_ID}/sync`],
      ['GET', `/v1/events/${EVENT_ID}/start-url`],
    ];

    it.each(routes)('%s %s answers 401 without signature headers', async (method, url) => {
      running();
      const response = await app.inject({ method, url });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error: 'Missing X-Timestamp or X-Signature header' });
      expect(t.describe).not.toHaveBeenCalled();
      expect(getMeeting).not.toHaveBeenCalled();
    });

    it.each(routes)('%s %s answers 401 to a wrong signature', async (method, url) => {
      running();
      const forged = calloutHeaders('not-the-shared-secret-at-all!!!!', '', NOW_MS, { method, path: url });
      const response = await app.inject({ method, url, headers: forged });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error: 'Signature does not match' });
      expect(t.describe).not.toHaveBeenCalled();
    });

    it.each(routes)('%s %s refuses a v1 signature, which does not cover the path', async (method, url) => {
      running();
      const bodyOnly = calloutHeaders(SECRET, '', NOW_MS);
      const response = await app.inject({ method, url, headers: bodyOnly });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({
        error: 'This route needs a v2 signature, which also covers the method and the path',
      });
      expect(t.describe).not.toHaveBeenCalled();
    });

    it('refuses a button request replayed against another Event or another button', async () => {
      running();
      const captured = calloutHeaders(SECRET, '', NOW_MS, { method: 'GET', path: `/v1/events/${EVENT_ID}/start-url` });
      const otherEvent = `/v1/events/${OTHER_EVENT_ID}/start-url`;
      for (const [method, url] of [
        ['GET', otherEvent],
        ['GET', `/v1/events/${EVENT_ID}`],
        ['POST', `/v1/events/${EVENT_ID}/sync`],
      ] as const) {
        const response = await app.inject({ method, url, headers: captured });
        expect(response.statusCode).toBe(401);
      }
      expect(getMeeting).not.toHaveBeenCalled();
      expect(
        (await app.inject({ method: 'GET', url: `/v1/events/${EVENT_ID}/start-url`, headers: captured })).statusCode,
      ).toBe(200);
    });

    it('signs a GET over the empty body: a signature over anything else is refused', async () => {
      running();
      const overBody = calloutHeaders(SECRET, '{}', NOW_MS, { method: 'GET', path: `/v1/events/${EVENT_ID}` });
      const response = await app.inject({ method: 'GET', url: `/v1/events/${EVENT_ID}`, headers: overBody });
      expect(response.statusCode).toBe(401);
    });

    it('answers 401 to a stale timestamp', async () => {
      running();
      const stale = calloutHeaders(SECRET, '', NOW_MS - 301_000, { method: 'GET', path: `/v1/events/${EVENT_ID}` });
      const response = await app.inject({ method: 'GET', url: `/v1/events/${EVENT_ID}`, headers: stale });
      expect(response.statusCode).toBe(401);
    });

    it('accepts a sync signed over a JSON body', async () => {
      running();
      const response = await signed('POST', `/v1/events/${EVENT_ID}/sync`, '{}');
      expect(response.statusCode).toBe(200);
    });

    it('still guards the callout route', async () => {
      const payload = JSON.stringify({ events: [] });
      const forged = calloutHeaders('not-the-shared-secret-at-all!!!!', payload, NOW_MS);
      const response = await app.inject({ method: 'POST', url: '/v1/salesforce/events', payload, headers: forged });
      expect(response.statusCode).toBe(401);
      expect(t.signalWithStart).not.toHaveBeenCalled();
    });
  });

  describe('event ids', () => {
    it.each([
      ['too short', '00U5g00000XyZ'],
      ['a Contact id', '0035g00000QrStUAAV'],
      ['an 18-char id with a wrong suffix', '00U5g00000XyZabAAA'],
      ['not alphanumeric', '00U5g00000XyZa-'],
    ])('answers 400 to %s on every route', async (_label, id) => {
      running();
      for (const response of [await getState(id), await sync(id), await startUrl(id)]) {
        expect(response.statusCode).toBe(400);
        expect(response.json()).toEqual({ error: 'The id in the URL is not a Salesforce Event id' });
      }
      expect(t.describe).not.toHaveBeenCalled();
    });

    it('normalises a 15-character id to 18 characters', async () => {
      running();
      const response = await getState(EVENT_ID_15);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ eventId: EVENT_ID, workflowId: WORKFLOW_ID });
      expect(t.describe).toHaveBeenCalledWith(WORKFLOW_ID, undefined);
    });
  });

  describe('GET /v1/events/{eventId}', () => {
    it('answers the query of a running workflow', async () => {
      running();
      const response = await getState();
      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.json()).toEqual({
        eventId: EVENT_ID,
        workflowId: WORKFLOW_ID,
        running: true,
        state: meetingState(),
      });
      expect(t.query).toHaveBeenCalledWith(WORKFLOW_ID, undefined, meetingStateQuery);
      expect(t.result).not.toHaveBeenCalled();
      expect(getMeeting).not.toHaveBeenCalled();
    });

    it("answers the result of a finished workflow's closed run", async () => {
      const state = meetingState({ phase: 'closed', status: 'Ended', instanceUuid: INSTANCE_UUID });
      finished(state);
      const response = await getState();
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ eventId: EVENT_ID, workflowId: WORKFLOW_ID, running: false, state });
      expect(t.result).toHaveBeenCalledWith(WORKFLOW_ID, RUN_ID);
      expect(t.query).not.toHaveBeenCalled();
    });

    it('falls back to querying a run that ended without a result (terminated)', async () => {
      t.workflow = { status: 'TERMINATED', state: meetingState({ phase: 'started' }) };
      const response = await getState();
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ running: false, state: { phase: 'started' } });
      expect(t.query).toHaveBeenCalledWith(WORKFLOW_ID, RUN_ID, meetingStateQuery);
    });

    it('answers 404 for an Event without a workflow', async () => {
      const response = await getState();
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ error: 'The Zoom integration has no record of this Event' });
    });

    it('never includes a start URL, even one a workflow carried', async () => {
      running({ ...meetingState(), startUrl: START_URL } as MeetingState);
      const response = await getState();
      expect(response.statusCode).toBe(200);
      expect(response.body).not.toContain(START_URL);
      expect(response.json().state).not.toHaveProperty('startUrl');
    });

    it('answers 502 with a plain message when Temporal fails', async () => {
      running();
      t.query.mockRejectedValueOnce(new ServiceError('Failed to query Workflow'));
      const response = await getState();
      expect(response.statusCode).toBe(502);
      expect(response.json()).toEqual({
        error: 'The Zoom integration is unavailable right now; try again in a few minutes',
      });
    });
  });

  describe('POST /v1/events/{eventId}/sync', () => {
    it('sends the syncNow update to a running workflow', async () => {
      running();
      const response = await sync();
      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.json()).toEqual({ eventId: EVENT_ID, written: WRITTEN });
      expect(t.executeUpdate).toHaveBeenCalledTimes(1);
      expect(t.executeUpdate).toHaveBeenCalledWith(WORKFLOW_ID, undefined, syncNowUpdate);
      expect(t.execute).not.toHaveBeenCalled();
    });

    it('runs meetingSyncWorkflow for a finished workflow, from its result', async () => {
      finished(meetingState({ phase: 'closed', instanceUuid: INSTANCE_UUID }));
      const response = await sync(EVENT_ID_15);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ eventId: EVENT_ID, written: WRITTEN });
      expect(t.result).toHaveBeenCalledWith(WORKFLOW_ID, RUN_ID);
      expect(t.executeUpdate).not.toHaveBeenCalled();
      expect(t.execute).toHaveBeenCalledTimes(1);
      expect(t.execute).toHaveBeenCalledWith('meetingSyncWorkflow', {
        workflowId: SYNC_WORKFLOW_ID,
        taskQueue: TASK_QUEUE,
        args: [{ eventId: EVENT_ID, zoomMeetingId: MEETING_ID, instanceUuid: INSTANCE_UUID }],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
    });

    it('passes notBefore = start − 6 h for a PMI meeting', async () => {
      finished(meetingState({ phase: 'closed', usesPmi: true, startTime: '2026-11-26T18:00:00.000Z' }));
      const response = await sync();
      expect(response.statusCode).toBe(200);
      expect(t.execute).toHaveBeenCalledWith('meetingSyncWorkflow', {
        workflowId: SYNC_WORKFLOW_ID,
        taskQueue: TASK_QUEUE,
        args: [{ eventId: EVENT_ID, zoomMeetingId: MEETING_ID, notBefore: '2026-11-26T12:00:00.000Z' }],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
    });

    it('syncs as finished when the workflow closes between describe and the update', async () => {
      finished(meetingState({ phase: 'closed' }));
      t.describe.mockResolvedValueOnce({ runId: RUN_ID, status: { name: 'RUNNING' } });
      t.executeUpdate.mockRejectedValueOnce(
        new WorkflowNotFoundError('workflow execution already completed', WORKFLOW_ID, undefined),
      );
      const response = await sync();
      expect(response.statusCode).toBe(200);
      expect(t.execute).toHaveBeenCalledTimes(1);
    });

    it('answers 409 when the running workflow has no meeting (NoZoomMeeting)', async () => {
      running(meetingState({ phase: 'pending', zoomMeetingId: undefined }));
      t.executeUpdate.mockRejectedValueOnce(
        new WorkflowUpdateFailedError(
          'Workflow Update failed',
          ApplicationFailure.create({ type: 'NoZoomMeeting', message: 'This Event has no Zoom meeting to sync' }),
        ),
      );
      const response = await sync();
      expect(response.statusCode).toBe(409);
      expect(response.json()).toEqual({ error: 'This Event has no Zoom meeting to sync' });
    });

    it('answers 409 when the finished workflow had no meeting, and starts nothing', async () => {
      finished(meetingState({ phase: 'closed', zoomMeetingId: undefined }));
      const response = await sync();
      expect(response.statusCode).toBe(409);
      expect(response.json()).toEqual({ error: 'This Event has no Zoom meeting to sync' });
      expect(t.execute).not.toHaveBeenCalled();
    });

    it('answers 409 when Zoom no longer has the meeting', async () => {
      running();
      const gone = ApplicationFailure.create({ type: 'ZoomMeetingNotFound', message: 'Meeting does not exist' });
      t.executeUpdate.mockRejectedValueOnce(new WorkflowUpdateFailedError('Workflow Update failed', gone));
      const response = await sync();
      expect(response.statusCode).toBe(409);
      expect(response.json()).toEqual({ error: 'The Zoom meeting of this Event no longer exists in Zoom' });
    });

    it('answers 404 for an Event without a workflow', async () => {
      const response = await sync();
      expect(response.statusCode).toBe(404);
      expect(t.execute).not.toHaveBeenCalled();
    });

    it('answers 502 when the sync itself fails (Zoom or Salesforce)', async () => {
      finished();
      const failure = ApplicationFailure.create({ type: 'ZoomApiError', message: 'Internal server error' });
      t.execute.mockRejectedValueOnce(
        new WorkflowFailedError('Workflow execution failed', failure, 'NON_RETRYABLE_FAILURE'),
      );
      const response = await sync();
      expect(response.statusCode).toBe(502);
      expect(response.json()).toEqual({
        error: 'The meeting details could not be read from Zoom or written to Salesforce; try again in a few minutes',
      });
    });

    it('answers 502 when Temporal is unreachable', async () => {
      running();
      t.describe.mockRejectedValueOnce(new ServiceError('Failed to describe workflow'));
      const response = await sync();
      expect(response.statusCode).toBe(502);
      expect(response.json().error).toMatch(/unavailable/);
    });

    it('answers 504 when the sync takes longer than the budget', async () => {
      await app.close();
      await start({ eventBudgetMs: 50 });
      running();
      t.executeUpdate.mockImplementationOnce(() => new Promise<EventZoomFields>(() => undefined));
      const response = await sync();
      expect(response.statusCode).toBe(504);
      expect(response.json()).toEqual({
        error: 'The Zoom integration took too long to answer; try again in a few minutes',
      });
    });
  });

  describe('GET /v1/events/{eventId}/start-url', () => {
    it('answers a fresh start URL for a running workflow, not cached and never logged', async () => {
      running();
      const response = await startUrl();
      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.json()).toEqual({ eventId: EVENT_ID, zoomMeetingId: MEETING_ID, startUrl: START_URL });
      expect(getMeeting).toHaveBeenCalledWith(MEETING_ID);
      expect(t.query).toHaveBeenCalledWith(WORKFLOW_ID, undefined, meetingStateQuery);

      const logs = logLines.join('');
      expect(logs).toContain('start URL handed out');
      expect(logs).not.toContain(START_URL);
      expect(logs).not.toContain('zak=');
    });

    it('reads the meeting id from the result of a finished workflow', async () => {
      finished(meetingState({ phase: 'ended' }));
      const response = await startUrl();
      expect(response.statusCode).toBe(200);
      expect(response.json().startUrl).toBe(START_URL);
      expect(t.result).toHaveBeenCalledWith(WORKFLOW_ID, RUN_ID);
      expect(getMeeting).toHaveBeenCalledWith(MEETING_ID);
    });

    it('answers 404 for an Event without a workflow', async () => {
      const response = await startUrl();
      expect(response.statusCode).toBe(404);
      expect(getMeeting).not.toHaveBeenCalled();
    });

    it.each([
      ['running', () => running(meetingState({ phase: 'pending', zoomMeetingId: undefined }))],
      ['finished', () => finished(meetingState({ phase: 'cancelled', zoomMeetingId: undefined }))],
    ])('answers 409 when the %s workflow has no meeting', async (_label, arrange) => {
      arrange();
      const response = await startUrl();
      expect(response.statusCode).toBe(409);
      expect(response.json()).toEqual({ error: 'This Event has no Zoom meeting to start' });
      expect(getMeeting).not.toHaveBeenCalled();
    });

    it('answers 409 when Zoom no longer has the meeting', async () => {
      running();
      getMeeting.mockRejectedValueOnce(
        new ZoomApiError({ httpStatus: 404, code: 3001, message: 'Meeting does not exist' }),
      );
      const response = await startUrl();
      expect(response.statusCode).toBe(409);
      expect(response.json()).toEqual({ error: 'The Zoom meeting of this Event no longer exists in Zoom' });
    });

    it.each([
      ['a 500', new ZoomApiError({ httpStatus: 500, code: 200, message: 'Internal server error' })],
      ['no answer', new ZoomApiError({ httpStatus: 0, message: 'Zoom did not answer in time' })],
      ['a 429 with a short Retry-After', new ZoomApiError({ httpStatus: 429, message: 'slow', retryAfterMs: 50 })],
    ])('asks Zoom once more after %s, and answers the start URL', async (_label, failure) => {
      running();
      getMeeting.mockRejectedValueOnce(failure);
      const response = await startUrl();
      expect(response.statusCode).toBe(200);
      expect(response.json().startUrl).toBe(START_URL);
      expect(getMeeting).toHaveBeenCalledTimes(2);
    });

    it('does not ask again after an answer a retry cannot change, nor after a long Retry-After', async () => {
      running();
      getMeeting.mockRejectedValueOnce(new ZoomApiError({ httpStatus: 400, code: 300, message: 'Invalid meeting id' }));
      expect((await startUrl()).statusCode).toBe(502);
      expect(getMeeting).toHaveBeenCalledTimes(1);
      getMeeting.mockRejectedValueOnce(
        new ZoomApiError({ httpStatus: 429, message: 'daily', retryAfterMs: 3_600_000 }),
      );
      expect((await startUrl()).statusCode).toBe(502);
      expect(getMeeting).toHaveBeenCalledTimes(2);
    });

    it('answers 502 when Zoom fails twice', async () => {
      running();
      getMeeting.mockRejectedValue(new ZoomApiError({ httpStatus: 503, message: 'Service unavailable' }));
      const response = await startUrl();
      expect(getMeeting).toHaveBeenCalledTimes(2);
      expect(response.statusCode).toBe(502);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.json()).toEqual({ error: 'Zoom did not answer; try again in a few minutes' });
      expect(logLines.join('')).not.toContain(START_URL);
    });

    it('answers 503 when the API has no Zoom credentials', async () => {
      await app.close();
      await start({ zoom: false });
      running();
      const response = await startUrl();
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({
        error: 'Starting Zoom meetings from Salesforce is not configured on this server',
      });
      expect(t.describe).not.toHaveBeenCalled();
    });
  });

  it('is absent when the Temporal client cannot serve it (a callout-only fake)', async () => {
    await app.close();
    app = createApiServer({
      calloutSecret: SECRET,
      temporal: {
        workflow: { signalWithStart: jest.fn(), start: jest.fn().mockResolvedValue(undefined) },
        connection: { withDeadline: (_deadline, fn) => fn(), workflowService: { getSystemInfo: jest.fn() } },
      },
      taskQueue: TASK_QUEUE,
      logger: false,
      now: () => NOW_MS,
    });
    const response = await getState();
    expect(response.statusCode).toBe(404);
  });
});
