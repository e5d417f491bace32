import type { FastifyInstance } from 'fastify';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { createApiServer, type ApiTemporalClient } from '../../client/server';
import type { EventWorkflowHandle, MeetingEmailStartOptions, MeetingSyncStartOptions } from '../../client/event-routes';
import type { MeetingEmailInput, MeetingEmailResult } from '../../activities/meeting-email';
import { calloutHeaders } from '../../domain/callout-signature';
import type { MeetingState } from '../../workflows/messages';

const SECRET = 'a-callout-secret-of-32-characters';
const NOW_MS = 1_795_716_000_000;
const TASK_QUEUE = 'test-queue';
const EVENT_ID = '00U5g00000XyZabEAF';
const EVENT_ID_15 = '00U5g00000XyZab';
const MEETING_WORKFLOW_ID = `meeting-${EVENT_ID}`;
const RUN_ID = 'run-0001';
const JOIN_URL = 'https://zoom.example/j/97763643886?pwd=abc';
const EMAIL_ID = new RegExp(`^meeting-email-${EVENT_ID}-[0-9a-f]{24}$`);

const RESULT: MeetingEmailResult = {
  recipients: [
    { email: 'marie@acme.example', outcome: 'sent' },
    { email: 'bad-address', outcome: 'invalid', reason: 'not an e-mail address' },
    { email: 'gone@acme.example', outcome: 'refused', reason: '550 5.1.1 no such user' },
  ],
};

function meetingState(overrides: Partial<MeetingState> = {}): MeetingState {
  return {
    eventId: EVENT_ID,
    phase: 'scheduled',
    status: 'Scheduled',
    zoomMeetingId: '97763643886',
    joinUrl: JOIN_URL,
    usesPmi: false,
    startTime: '2026-11-26T18:00:00.000Z',
    endTime: '2026-11-26T19:00:00.000Z',
    timeZone: 'America/New_York',
    topic: 'Quarterly review',
    passcode: 'abc',
    icsSequence: 2,
    appliedChanges: 1,
    ignoredStaleChanges: 0,
    ...overrides,
  };
}

/** Temporal with one running meeting workflow (or none) and the e-mail workflows' `execute` and `result`. */
function fakeTemporal() {
  const box: { meeting?: MeetingState } = { meeting: meetingState() };
  const describe = jest.fn(async (workflowId: string) => {
    if (workflowId !== MEETING_WORKFLOW_ID || !box.meeting) {
      throw new WorkflowNotFoundError('Workflow not found', workflowId, undefined);
    }
    return { runId: RUN_ID, status: { name: 'RUNNING' } };
  });
  const query = jest.fn(async (_workflowId: string) => {
    if (!box.meeting) throw new Error('no workflow');
    return box.meeting;
  });
  const result = jest.fn(async (_workflowId: string): Promise<unknown> => RESULT);
  const execute = jest.fn(
    async (_type: string, _options: MeetingSyncStartOptions | MeetingEmailStartOptions): Promise<unknown> => RESULT,
  );
  const handle = (workflowId: string): EventWorkflowHandle => ({
    describe: () => describe(workflowId),
    query: () => query(workflowId),
    executeUpdate: () => Promise.reject(new Error('unexpected executeUpdate')),
    result: () => result(workflowId),
  });
  const temporal: ApiTemporalClient = {
    workflow: {
      signalWithStart: jest.fn().mockResolvedValue(undefined),
      // The replay cache: each test request is signed anew, so every nonce is new.
      start: jest.fn().mockResolvedValue(undefined),
      getHandle: handle,
      execute: (type, options) => execute(type, options),
    },
    connection: { withDeadline: (_deadline, fn) => fn(), workflowService: { getSystemInfo: jest.fn() } },
  };
  return Object.assign(box, { describe, query, result, execute, temporal });
}

describe('POST /v1/events/{eventId}/email', () => {
  let t: ReturnType<typeof fakeTemporal>;
  let app: FastifyInstance;

  beforeEach(async () => {
    t = fakeTemporal();
    app = createApiServer({
      calloutSecret: SECRET,
      temporal: t.temporal,
      taskQueue: TASK_QUEUE,
      logger: false,
      now: () => NOW_MS,
    });
    await app.ready();
  });

  afterEach(async () => {
    await app.close();
  });

  function sendEmail(payload: string, options: { id?: string; signedAtMs?: number } = {}) {
    const url = `/v1/events/${options.id ?? EVENT_ID}/email`;
    return app.inject({
      method: 'POST',
      url,
      ...(payload ? { payload } : {}),
      headers: calloutHeaders(SECRET, payload, options.signedAtMs ?? NOW_MS, { method: 'POST', path: url }),
    });
  }

  function emailCall(index: number): { type: string; options: MeetingEmailStartOptions } {
    const [type, options] = t.execute.mock.calls[index];
    return { type, options: options as MeetingEmailStartOptions };
  }

  it('refuses a body that is not an object with a list of addresses', async () => {
    for (const body of ['[]', '[1,2]', '{"additionalEmails": null}', '"x"']) {
      expect((await sendEmail(body)).statusCode).toBe(400);
    }
    expect(t.execute).not.toHaveBeenCalled();
  });

  it('runs the e-mail workflow and passes its recipients through', async () => {
    const response = await sendEmail(JSON.stringify({ additionalEmails: ['niels@acme.example'] }), {
      id: EVENT_ID_15,
    });

    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.json()).toEqual({ eventId: EVENT_ID, recipients: RESULT.recipients });

    expect(t.execute).toHaveBeenCalledTimes(1);
    const { type, options } = emailCall(0);
    expect(type).toBe('meetingEmailWorkflow');
    expect(options.workflowId).toMatch(EMAIL_ID);
    expect(options).toMatchObject({
      taskQueue: TASK_QUEUE,
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    const input: MeetingEmailInput = options.args[0];
    expect(input).toEqual({
      eventId: EVENT_ID,
      requestKey: options.workflowId.slice(`meeting-email-${EVENT_ID}-`.length),
      additionalEmails: ['niels@acme.example'],
      meeting: {
        topic: 'Quarterly review',
        startTime: '2026-11-26T18:00:00.000Z',
        durationMinutes: 60,
        timeZone: 'America/New_York',
        joinUrl: JOIN_URL,
        passcode: 'abc',
        cancelled: false,
        sequence: 2,
      },
    });
    expect(t.query).toHaveBeenCalledWith(MEETING_WORKFLOW_ID);
  });

  it('accepts an empty body as no additional addresses', async () => {
    const response = await sendEmail('');
    expect(response.statusCode).toBe(200);
    expect(emailCall(0).options.args[0].additionalEmails).toEqual([]);
  });

  it('keys the workflow on the signed request: the same request twice gets the same id', async () => {
    const payload = JSON.stringify({ additionalEmails: ['niels@acme.example'] });
    expect((await sendEmail(payload)).statusCode).toBe(200);
    expect((await sendEmail(payload)).statusCode).toBe(200);
    expect((await sendEmail(JSON.stringify({ additionalEmails: ['other@acme.example'] }))).statusCode).toBe(200);
    expect((await sendEmail(payload, { signedAtMs: NOW_MS - 1_000 })).statusCode).toBe(200);

    const ids = t.execute.mock.calls.map((_call, index) => emailCall(index).options.workflowId);
    expect(ids).toHaveLength(4);
    ids.forEach((id) => expect(id).toMatch(EMAIL_ID));
    expect(ids[1]).toBe(ids[0]);
    expect(ids[2]).not.toBe(ids[0]);
    expect(ids[3]).not.toBe(ids[0]);
    expect(ids[3]).not.toBe(ids[2]);
  });

  it("answers a repeat of a finished request with the first run's result, without mailing again", async () => {
    const earlier: MeetingEmailResult = { recipients: [{ email: 'marie@acme.example', outcome: 'sent' }] };
    t.execute.mockImplementationOnce(async (type, options) => {
      throw new WorkflowExecutionAlreadyStartedError('Workflow execution already started', options.workflowId, type);
    });
    t.result.mockResolvedValueOnce(earlier);

    const response = await sendEmail(JSON.stringify({ additionalEmails: [] }));

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ eventId: EVENT_ID, recipients: earlier.recipients });
    expect(t.execute).toHaveBeenCalledTimes(1);
    expect(t.result).toHaveBeenCalledTimes(1);
    expect(t.result).toHaveBeenCalledWith(emailCall(0).options.workflowId);
  });

  it('sends the cancellation of a cancelled meeting', async () => {
    t.meeting = meetingState({ phase: 'cancelled', status: 'Cancelled', joinUrl: undefined });
    const response = await sendEmail('');
    expect(response.statusCode).toBe(200);
    expect(emailCall(0).options.args[0].meeting).toMatchObject({ cancelled: true, joinUrl: '' });
  });

  it.each([
    ['no join URL yet', meetingState({ phase: 'pending', joinUrl: undefined, zoomMeetingId: undefined })],
    ['no start time', meetingState({ startTime: undefined })],
    ['no end time', meetingState({ endTime: undefined })],
  ])('409 when the Event has no meeting to send (%s)', async (_label, state) => {
    t.meeting = state;
    const response = await sendEmail('');
    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({ error: 'This Event has no Zoom meeting to send' });
    expect(t.execute).not.toHaveBeenCalled();
  });

  it('404 when the Event has no meeting workflow', async () => {
    t.meeting = undefined;
    const response = await sendEmail('');
    expect(response.statusCode).toBe(404);
    expect(t.execute).not.toHaveBeenCalled();
  });

  it.each([
    ['not JSON', '{"additionalEmails": ['],
    ['additionalEmails not an array', JSON.stringify({ additionalEmails: 'niels@acme.example' })],
    ['101 addresses', JSON.stringify({ additionalEmails: Array.from({ length: 101 }, (_v, i) => `a${i}@x.example`) })],
    ['an address that is not a string', JSON.stringify({ additionalEmails: [42] })],
    ['an address longer than 320 characters', JSON.stringify({ additionalEmails: ['a'.repeat(321)] })],
    ['JSON null', 'null'],
  ])('400 on a body with %s', async (_label, payload) => {
    const response = await sendEmail(payload);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'The body must be {"additionalEmails": [up to 100 addresses]}' });
    expect(t.describe).not.toHaveBeenCalled();
    expect(t.execute).not.toHaveBeenCalled();
  });

  it('accepts exactly 100 addresses', async () => {
    const additionalEmails = Array.from({ length: 100 }, (_v, i) => `a${i}@x.example`);
    const response = await sendEmail(JSON.stringify({ additionalEmails }));
    expect(response.statusCode).toBe(200);
    expect(emailCall(0).options.args[0].additionalEmails).toHaveLength(100);
  });

  it('400 on an id that is not an Event id', async () => {
    const response = await sendEmail('', { id: '0035g00000QrStUAAV' });
    expect(response.statusCode).toBe(400);
    expect(t.execute).not.toHaveBeenCalled();
  });

  it('401 without a valid signature, nothing started', async () => {
    const payload = JSON.stringify({ additionalEmails: [] });
    const unsigned = await app.inject({
      method: 'POST',
      url: `/v1/events/${EVENT_ID}/email`,
      payload,
      headers: { 'content-type': 'application/json' },
    });
    const forged = await app.inject({
      method: 'POST',
      url: `/v1/events/${EVENT_ID}/email`,
      payload,
      headers: calloutHeaders('not-the-shared-secret-at-all!!!!', payload, NOW_MS, {
        method: 'POST',
        path: `/v1/events/${EVENT_ID}/email`,
      }),
    });
    expect(unsigned.statusCode).toBe(401);
    expect(forged.statusCode).toBe(401);
    expect(t.describe).not.toHaveBeenCalled();
    expect(t.execute).not.toHaveBeenCalled();
  });
});
