import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { createHash } from 'node:crypto';
import { isObject } from '../domain/json';
import { pastInstanceFloor } from '../domain/meeting-plan';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type ConnectionLike,
  type WorkflowStartOptions,
} from '@temporalio/client';
import type { EventZoomFields } from '../domain/event-fields';
import { isSalesforceId, SALESFORCE_KEY_PREFIX, toSalesforceId18 } from '../domain/salesforce-id';
import type { ZoomClient } from '../integrations/zoom/client';
import { ZoomApiError } from '../integrations/zoom/errors';
import type { MeetingSyncInput } from '../workflows/meeting-sync';
import type { MeetingEmailInput, MeetingEmailResult } from '../activities/meeting-email';
import { durationMinutes } from '../domain/meeting-plan';
import {
  meetingStateQuery,
  meetingEmailWorkflowId,
  meetingSyncWorkflowId,
  meetingWorkflowId,
  syncNowUpdate,
  type MeetingState,
} from '../workflows/messages';
import { describeFailure, failureType, getMeetingForStart } from './request-helpers';

/**
 * The Event endpoints behind the org's buttons, signed like the callouts:
 *
 * - `GET  /v1/events/{eventId}`: the meeting workflow's state (the query while it runs, its result once closed).
 * - `POST /v1/events/{eventId}/sync`: "Sync Meeting Details": the `syncNow` update while the workflow runs, else
 *   a one-off `meetingSyncWorkflow`; answers with the fields written to the Event.
 * - `GET  /v1/events/{eventId}/start-url`: "Start Zoom Meeting": a fresh host start URL from Zoom. Start URLs are
 *   host credentials valid for 2 hours: they are never stored, logged, or sent to Temporal.
 *
 * Every answer is `Cache-Control: no-store`. Logs carry Event ids, meeting ids and error names only.
 */

export const EVENT_PATH = '/v1/events/:eventId';
export const EVENT_SYNC_PATH = '/v1/events/:eventId/sync';
export const EVENT_EMAIL_PATH = '/v1/events/:eventId/email';
export const MEETING_EMAIL_WORKFLOW_TYPE = 'meetingEmailWorkflow';
/** More addresses than a person types into the button's field. */
export const MAX_ADDITIONAL_EMAILS = 100;
export const EVENT_START_URL_PATH = '/v1/events/:eventId/start-url';
/** The workflow type registered by the worker (`workflows/meeting-sync.ts` exports `meetingSyncWorkflow`). */
export const MEETING_SYNC_WORKFLOW_TYPE = 'meetingSyncWorkflow';
/** Under Apex's 120 s callout limit with room to spare; the button shows our 504 rather than a timeout. */
export const DEFAULT_EVENT_BUDGET_MS = 25_000;
/** A PMI's id is shared by all the host's PMI meetings: only instances from this long before the start count. */
type MeetingSyncWorkflow = (input: MeetingSyncInput) => Promise<EventZoomFields>;
export type MeetingSyncStartOptions = WorkflowStartOptions<MeetingSyncWorkflow>;

/** The part of a Temporal `WorkflowHandle` the routes use. */
export interface EventWorkflowHandle {
  describe(): Promise<{ runId: string; status: { name: string } }>;
  query(query: typeof meetingStateQuery): Promise<MeetingState>;
  executeUpdate(update: typeof syncNowUpdate): Promise<EventZoomFields>;
  /** The closed run's result (`MeetingState`, or the e-mail outcome for an e-mail workflow). */
  result(): Promise<unknown>;
}

type MeetingEmailWorkflow = (input: MeetingEmailInput) => Promise<MeetingEmailResult>;
export type MeetingEmailStartOptions = WorkflowStartOptions<MeetingEmailWorkflow>;

/** The part of a Temporal `Client` the routes use; a real `Client` fits, and tests pass a small fake. */
export interface EventTemporalClient {
  workflow: {
    getHandle(workflowId: string, runId?: string): EventWorkflowHandle;
    /** Starts and awaits the sync or e-mail workflow; the caller knows which result type it gets. */
    execute(workflowType: string, options: MeetingSyncStartOptions | MeetingEmailStartOptions): Promise<unknown>;
  };
  connection: Pick<ConnectionLike, 'withDeadline'>;
}

export interface EventRoutesDeps {
  temporal: EventTemporalClient;
  taskQueue: string;
  /** Admits signed requests only (`requireCalloutSignature`). */
  requireSignature: preHandlerAsyncHookHandler;
  /** Without it, `start-url` answers 503. */
  zoom?: Pick<ZoomClient, 'getMeeting'>;
  /** Budget for one request's calls to Temporal and Zoom; default `DEFAULT_EVENT_BUDGET_MS`. */
  budgetMs?: number;
}

const MESSAGES = {
  badId: 'The id in the URL is not a Salesforce Event id',
  unknownEvent: 'The Zoom integration has no record of this Event',
  noMeetingToSync: 'This Event has no Zoom meeting to sync',
  noMeetingToStart: 'This Event has no Zoom meeting to start',
  meetingGone: 'The Zoom meeting of this Event no longer exists in Zoom',
  syncFailed: 'The meeting details could not be read from Zoom or written to Salesforce; try again in a few minutes',
  zoomFailed: 'Zoom did not answer; try again in a few minutes',
  unavailable: 'The Zoom integration is unavailable right now; try again in a few minutes',
  timeout: 'The Zoom integration took too long to answer; try again in a few minutes',
  zoomNotConfigured: 'Starting Zoom meetings from Salesforce is not configured on this server',
  noMeetingToSend: 'This Event has no Zoom meeting to send',
  emailFailed: 'The e-mail could not be sent; try again in a few minutes',
  badEmailRequest: `The body must be {"additionalEmails": [up to ${MAX_ADDITIONAL_EMAILS} addresses]}`,
} as const;

/** An answer other than 200, with a message a Salesforce user can read. */
class EventRouteError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'EventRouteError';
  }
}

class BudgetExceededError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'BudgetExceededError';
  }
}

/** Maps a failure to the answer; `EventRouteError`s pass through. */
function answerFor(error: unknown): EventRouteError {
  if (error instanceof EventRouteError) return error;
  if (error instanceof BudgetExceededError) return new EventRouteError(504, MESSAGES.timeout);
  if (error instanceof WorkflowNotFoundError) return new EventRouteError(404, MESSAGES.unknownEvent);
  const type = failureType(error);
  if (type === 'NoZoomMeeting') return new EventRouteError(409, MESSAGES.noMeetingToSync);
  if (type === 'ZoomMeetingNotFound') return new EventRouteError(409, MESSAGES.meetingGone);
  if (error instanceof WorkflowUpdateFailedError || error instanceof WorkflowFailedError) {
    return new EventRouteError(502, MESSAGES.syncFailed);
  }
  if (error instanceof ZoomApiError) {
    return error.httpStatus === 404
      ? new EventRouteError(409, MESSAGES.meetingGone)
      : new EventRouteError(502, MESSAGES.zoomFailed);
  }
  return new EventRouteError(502, MESSAGES.unavailable);
}

/** The 18-character Event id of the path, or a 400. */
function eventIdOf(request: FastifyRequest): string {
  const { eventId } = request.params as { eventId?: unknown };
  if (!isSalesforceId(eventId, SALESFORCE_KEY_PREFIX.event)) throw new EventRouteError(400, MESSAGES.badId);
  return toSalesforceId18(eventId);
}

/** The state as the API shows it: a start URL, should a workflow ever carry one, is left out. */
function publicState(state: MeetingState): MeetingState {
  const { startUrl: _startUrl, start_url: _start_url, ...rest } = state as MeetingState & Record<string, unknown>;
  return rest as MeetingState;
}

export function registerEventRoutes(app: FastifyInstance, deps: EventRoutesDeps): void {
  const { temporal, taskQueue, zoom } = deps;
  const budgetMs = deps.budgetMs ?? DEFAULT_EVENT_BUDGET_MS;

  /**
   * Runs `fn` with a gRPC deadline, and gives up waiting at the same moment (Zoom calls have no deadline); a
   * failure at or after the deadline counts as running out of time.
   */
  async function withinBudget<T>(fn: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + budgetMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new BudgetExceededError(budgetMs)), budgetMs);
    });
    try {
      return await Promise.race([temporal.connection.withDeadline(deadline, fn), timeout]);
    } catch (error) {
      throw Date.now() >= deadline ? new BudgetExceededError(budgetMs) : error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The Event's meeting workflow: its latest run, and whether it is running (404 when there is none). */
  async function latestRun(workflowId: string): Promise<{ runId: string; running: boolean }> {
    const { runId, status } = await temporal.workflow.getHandle(workflowId).describe();
    return { runId, running: status.name === 'RUNNING' };
  }

  /**
   * The state a closed run ended with: its result; for a run that failed or was terminated (no result), the
   * query, which Temporal answers for closed workflows too by replaying their history.
   */
  async function closedState(workflowId: string, runId: string): Promise<MeetingState> {
    const run = temporal.workflow.getHandle(workflowId, runId);
    try {
      return (await run.result()) as MeetingState;
    } catch (error) {
      if (error instanceof WorkflowFailedError) return run.query(meetingStateQuery);
      throw error;
    }
  }

  async function currentState(workflowId: string): Promise<{ running: boolean; state: MeetingState }> {
    const { runId, running } = await latestRun(workflowId);
    const state = running
      ? await temporal.workflow.getHandle(workflowId).query(meetingStateQuery)
      : await closedState(workflowId, runId);
    return { running, state };
  }

  async function syncMeeting(eventId: string, workflowId: string): Promise<EventZoomFields> {
    const { runId, running } = await latestRun(workflowId);
    if (running) {
      try {
        return await temporal.workflow.getHandle(workflowId).executeUpdate(syncNowUpdate);
      } catch (error) {
        // Closed between `describe` and the update: sync it as a finished workflow.
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
    }
    const state = await closedState(workflowId, runId);
    if (!state.zoomMeetingId) throw new EventRouteError(409, MESSAGES.noMeetingToSync);
    const notBefore = pastInstanceFloor(state);
    const input: MeetingSyncInput = {
      eventId,
      zoomMeetingId: state.zoomMeetingId,
      ...(state.instanceUuid !== undefined && { instanceUuid: state.instanceUuid }),
      ...(notBefore !== undefined && { notBefore }),
    };
    return (await temporal.workflow.execute(MEETING_SYNC_WORKFLOW_TYPE, {
      workflowId: meetingSyncWorkflowId(eventId),
      taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
    })) as EventZoomFields;
  }

  /** Validates the id, runs `answer` within the budget, and maps failures to plain answers (logged without PII). */
  function route(action: string, answer: (eventId: string, request: FastifyRequest) => Promise<object>) {
    return async (request: FastifyRequest, reply: FastifyReply) => {
      let eventId: string | undefined;
      try {
        eventId = eventIdOf(request);
        const id = eventId;
        return reply.code(200).send(await withinBudget(() => answer(id, request)));
      } catch (error) {
        const failure = answerFor(error);
        if (failure !== error) {
          const level = failure.statusCode >= 500 ? 'error' : 'info';
          const zoomStatus = error instanceof ZoomApiError ? error.httpStatus : undefined;
          request.log[level](
            {
              eventId,
              action,
              status: failure.statusCode,
              failureType: failureType(error),
              zoomStatus,
              ...describeFailure(error),
            },
            'event request failed',
          );
        }
        return reply.code(failure.statusCode).send({ error: failure.message });
      }
    };
  }

  const options = {
    onRequest: async (_request: FastifyRequest, reply: FastifyReply) => {
      reply.header('cache-control', 'no-store');
    },
    preHandler: deps.requireSignature,
  };

  app.get(
    EVENT_PATH,
    options,
    route('state', async (eventId) => {
      const workflowId = meetingWorkflowId(eventId);
      const { running, state } = await currentState(workflowId);
      return { eventId, workflowId, running, state: publicState(state) };
    }),
  );

  app.post(
    EVENT_SYNC_PATH,
    options,
    route('sync', async (eventId) => {
      const written = await syncMeeting(eventId, meetingWorkflowId(eventId));
      return { eventId, written };
    }),
  );

  /**
   * "Send Email": one e-mail workflow per signed request (the key is a hash of its timestamp and body), never
   * re-run once finished, so a retried request answers with the first one's outcome instead of mailing again.
   */
  async function emailAttendees(eventId: string, request: FastifyRequest): Promise<MeetingEmailResult> {
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const additionalEmails = additionalEmailsOf(raw);
    const { state } = await currentState(meetingWorkflowId(eventId));
    const cancelled = state.phase === 'cancelled';
    if ((!state.joinUrl && !cancelled) || !state.startTime || !state.endTime) {
      throw new EventRouteError(409, MESSAGES.noMeetingToSend);
    }
    // The press is its signed bytes, for this version of the meeting: the same bytes after a reschedule or a
    // cancellation (another second, or a double click across the change) are a new press.
    const timestamp = String(request.headers['x-timestamp'] ?? '');
    const version = `${state.icsSequence ?? 0}.${cancelled ? 'cancelled' : 'active'}`;
    const requestKey = createHash('sha256').update(`${version}.${timestamp}.`).update(raw).digest('hex').slice(0, 24);
    const input: MeetingEmailInput = {
      eventId,
      requestKey,
      additionalEmails,
      meeting: {
        topic: state.topic ?? 'Zoom meeting',
        startTime: state.startTime,
        durationMinutes: durationMinutes(state.startTime, state.endTime),
        ...(state.timeZone ? { timeZone: state.timeZone } : {}),
        joinUrl: state.joinUrl ?? '',
        ...(state.passcode ? { passcode: state.passcode } : {}),
        cancelled,
        sequence: state.icsSequence ?? 0,
      },
    };
    const workflowId = meetingEmailWorkflowId(eventId, requestKey);
    try {
      return (await temporal.workflow.execute(MEETING_EMAIL_WORKFLOW_TYPE, {
        workflowId,
        taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      })) as MeetingEmailResult;
    } catch (error) {
      if (error instanceof WorkflowFailedError) throw new EventRouteError(502, MESSAGES.emailFailed);
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      try {
        return (await temporal.workflow.getHandle(workflowId).result()) as MeetingEmailResult;
      } catch (earlier) {
        throw earlier instanceof WorkflowFailedError ? new EventRouteError(502, MESSAGES.emailFailed) : earlier;
      }
    }
  }

  app.post(
    EVENT_EMAIL_PATH,
    options,
    route('email', async (eventId, request) => ({ eventId, ...(await emailAttendees(eventId, request)) })),
  );

  app.get(
    EVENT_START_URL_PATH,
    options,
    route('start-url', async (eventId, request) => {
      if (!zoom) throw new EventRouteError(503, MESSAGES.zoomNotConfigured);
      const { state } = await currentState(meetingWorkflowId(eventId));
      const zoomMeetingId = state.zoomMeetingId;
      if (!zoomMeetingId) throw new EventRouteError(409, MESSAGES.noMeetingToStart);
      const meeting = await getMeetingForStart(zoom, zoomMeetingId);
      if (!meeting.start_url) throw new EventRouteError(502, MESSAGES.zoomFailed);
      request.log.info({ eventId, zoomMeetingId }, 'start URL handed out');
      return { eventId, zoomMeetingId, startUrl: meeting.start_url };
    }),
  );
}

/** The button's body: `{"additionalEmails": [...]}` (optional); addresses are validated when mailing. */
function additionalEmailsOf(raw: Buffer): string[] {
  if (raw.length === 0) return [];
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new EventRouteError(400, MESSAGES.badEmailRequest);
  }
  if (!isObject(body)) throw new EventRouteError(400, MESSAGES.badEmailRequest);
  const list = body.additionalEmails === undefined ? [] : body.additionalEmails;
  if (
    !Array.isArray(list) ||
    list.length > MAX_ADDITIONAL_EMAILS ||
    !list.every((e) => typeof e === 'string' && e.length <= 320)
  ) {
    throw new EventRouteError(400, MESSAGES.badEmailRequest);
  }
  return list as string[];
}
