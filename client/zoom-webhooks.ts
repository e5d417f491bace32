import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { WorkflowNotFoundError, type Client, type WorkflowExecutionInfo } from '@temporalio/client';
import {
  parseZoomWebhook,
  urlValidationResponse,
  verifyZoomWebhook,
  ZOOM_SIGNATURE_HEADER,
  ZOOM_TIMESTAMP_HEADER,
  type ZoomMeetingEvent,
} from '../domain/zoom-webhooks';
import { ZoomMeetingIdAttribute, zoomEventSignal } from '../workflows/messages';

/**
 * `POST /v1/zoom/webhooks`: Zoom's event notifications for the meetings our workflows manage.
 *
 * Order of checks: signature over the raw bytes (401), JSON (400), the event's shape (400), then the answer:
 * `endpoint.url_validation` gets its token; a meeting event is handed to the meeting's workflow (found by the
 * `ZoomMeetingId` search attribute) as `zoomEventSignal`; anything else, and events for meetings we do not
 * manage, are acknowledged with 200 and dropped. When the lookup or the signal fails or exceeds its budget the
 * answer is 500, so Zoom retries (5, 20 and 60 minutes later); the workflow also polls Zoom, so nothing is lost.
 * The same event may thus be signalled more than once; the workflow de-duplicates on `dedupeKey`.
 *
 * Logs carry event kinds, meeting ids and workflow ids; never the secret, signatures, names or e-mails.
 */

export const ZOOM_WEBHOOK_PATH = '/v1/zoom/webhooks';
/** Zoom wants an answer within 3 s; the lookup and the signal together get this much of it. */
export const ZOOM_DELIVERY_BUDGET_MS = 2_000;
/** The workflow type registered by the worker (as `MEETING_WORKFLOW_TYPE` in `client/server.ts`). */
const MEETING_WORKFLOW_TYPE = 'meetingWorkflow';

export type ZoomWebhookLogger = Pick<FastifyBaseLogger, 'debug' | 'info' | 'warn' | 'error'>;

export interface ZoomWebhookDeps {
  /** The Secret Token of the Zoom app's event subscription. */
  secretToken: string;
  /** The id of the workflow managing this Zoom meeting, or undefined when none does. */
  findMeetingWorkflow(meetingId: string): Promise<string | undefined>;
  signal(workflowId: string, event: ZoomMeetingEvent): Promise<void>;
  /** Clock for the timestamp's freshness check. */
  now?: () => number;
  /** Defaults to the request's logger. */
  log?: ZoomWebhookLogger;
  /** Budget for the lookup and the signal together; default `ZOOM_DELIVERY_BUDGET_MS`. */
  deliveryBudgetMs?: number;
}

class BudgetExceededError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'BudgetExceededError';
  }
}

/** Runs `fn` but gives up waiting after `ms` (the call itself goes on; its outcome is then ignored). */
async function withinBudget<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new BudgetExceededError(ms)), ms);
  });
  try {
    return await Promise.race([fn(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function singleHeader(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** Name and gRPC code of a failure: enough to diagnose, free of payloads. */
function describeFailure(error: unknown): { errorName: string; grpcCode?: unknown } {
  if (!(error instanceof Error)) return { errorName: typeof error };
  const code = (error as { code?: unknown }).code;
  return code === undefined ? { errorName: error.name } : { errorName: error.name, grpcCode: code };
}

/**
 * Registers `POST /v1/zoom/webhooks`. The app's `application/json` parser must keep the body as a Buffer (as
 * `createApiServer` does for the callouts): the signature covers the exact bytes Zoom sent.
 */
export function registerZoomWebhooks(app: FastifyInstance, deps: ZoomWebhookDeps): void {
  const now = deps.now ?? Date.now;
  const budgetMs = deps.deliveryBudgetMs ?? ZOOM_DELIVERY_BUDGET_MS;

  app.post(ZOOM_WEBHOOK_PATH, async (request: FastifyRequest, reply: FastifyReply) => {
    const log = deps.log ?? request.log;
    const body = request.body;
    if (body !== undefined && !Buffer.isBuffer(body)) {
      log.error('zoom webhook: the raw body is not available; register the buffer JSON parser');
      return reply.code(500).send({ error: 'Internal error' });
    }
    const rawBody = body ?? Buffer.alloc(0);

    const signature = verifyZoomWebhook(
      deps.secretToken,
      {
        timestamp: singleHeader(request, ZOOM_TIMESTAMP_HEADER),
        signature: singleHeader(request, ZOOM_SIGNATURE_HEADER),
      },
      rawBody,
      now(),
    );
    if (!signature.ok) {
      log.warn({ reason: signature.reason }, 'zoom webhook signature rejected');
      return reply.code(401).send({ error: signature.reason });
    }

    let json: unknown;
    try {
      json = JSON.parse(rawBody.toString('utf8'));
    } catch {
      return reply.code(400).send({ error: 'The body is not valid JSON' });
    }

    const parsed = parseZoomWebhook(json);
    switch (parsed.kind) {
      case 'invalid': {
        // The messages name fields and types, never values.
        log.warn({ errors: parsed.errors }, 'zoom webhook rejected: malformed payload');
        return reply.code(400).send({ error: 'The body is not a valid Zoom webhook', errors: parsed.errors });
      }
      case 'url_validation': {
        log.info('zoom webhook: endpoint URL validation answered');
        return reply.code(200).send(urlValidationResponse(deps.secretToken, parsed.plainToken));
      }
      case 'ignored': {
        log.debug({ reason: parsed.reason }, 'zoom webhook ignored');
        return reply.code(200).send({ status: 'ignored' });
      }
    }

    const { event } = parsed;
    const context = { zoomEvent: event.kind, meetingId: event.meetingId, dedupeKey: event.dedupeKey };
    // Filled in as the delivery goes, for the log line when it fails.
    const progress: { stage: 'lookup' | 'signal'; workflowId?: string } = { stage: 'lookup' };
    let workflowId: string | undefined;
    try {
      workflowId = await withinBudget(budgetMs, async () => {
        const found = await deps.findMeetingWorkflow(event.meetingId);
        if (found === undefined) return undefined;
        progress.stage = 'signal';
        progress.workflowId = found;
        await deps.signal(found, event);
        return found;
      });
    } catch (error) {
      const { stage, workflowId } = progress;
      if (stage === 'signal' && error instanceof WorkflowNotFoundError) {
        // The meeting's workflow has closed: nobody to tell, and a retry would not change that.
        log.info({ ...context, workflowId }, 'zoom webhook for a closed meeting workflow; ignored');
        return reply.code(200).send({ status: 'ignored' });
      }
      log.error({ ...context, workflowId, stage, ...describeFailure(error) }, 'zoom webhook not delivered');
      return reply.code(500).send({ error: 'The event could not be delivered; Zoom will retry' });
    }

    if (workflowId === undefined) {
      log.debug(context, 'zoom webhook for a meeting we do not manage; ignored');
      return reply.code(200).send({ status: 'ignored' });
    }
    log.info({ ...context, workflowId }, 'zoom webhook delivered');
    return reply.code(200).send({ status: 'delivered' });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Temporal implementations of the lookup and the signal
// ---------------------------------------------------------------------------------------------------------------

/** A string literal of Temporal's visibility query language. */
function queryString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Visibility query for the meeting workflows of one Zoom meeting (several when they share a PMI). */
export function meetingWorkflowQuery(meetingId: string): string {
  return `WorkflowType = ${queryString(MEETING_WORKFLOW_TYPE)} AND ${ZoomMeetingIdAttribute.name} = ${queryString(meetingId)}`;
}

/** The part of a Temporal `Client` the lookup uses; a real `Client` fits. */
export interface VisibilityClient {
  workflow: {
    list(options: {
      query: string;
      pageSize?: number;
    }): AsyncIterable<Pick<WorkflowExecutionInfo, 'workflowId' | 'startTime'> & { status: { name: string } }>;
  };
  options?: { namespace?: string };
}

export interface MeetingLookupOptions {
  /** Cached workflow ids; the least recently used goes first. Default 10,000. */
  maxEntries?: number;
  /** How long a cached id is trusted. Default 10 minutes. */
  ttlMs?: number;
  /** How many executions to consider per lookup. Default 100. */
  maxResults?: number;
  now?: () => number;
}

/** `findMeetingWorkflow`, plus `forget` to drop a cached id (e.g. once its workflow turned out to be closed). */
export type MeetingWorkflowLookup = ((meetingId: string) => Promise<string | undefined>) & {
  forget(meetingId: string): void;
  readonly cacheSize: number;
};

/**
 * Finds the workflow managing a Zoom meeting with a visibility query on `ZoomMeetingId`. Among the matches, a
 * running workflow wins (the newest when several share a PMI), else the newest closed one. Running answers are
 * cached (LRU with a TTL); closed and empty answers are not, so a meeting that gets a workflow is seen at once.
 * Concurrent lookups of one meeting share one query. Visibility is eventually consistent (about a second).
 *
 * `namespace`, when given, must be the client's: `client.workflow.list` always queries the client's namespace.
 */
export function createVisibilityMeetingLookup(
  client: VisibilityClient | Client,
  namespace?: string,
  options: MeetingLookupOptions = {},
): MeetingWorkflowLookup {
  const clientNamespace = client.options?.namespace;
  if (namespace !== undefined && clientNamespace !== undefined && namespace !== clientNamespace) {
    throw new Error(`The Temporal client is bound to namespace ${clientNamespace}, not ${namespace}`);
  }
  const maxEntries = options.maxEntries ?? 10_000;
  const ttlMs = options.ttlMs ?? 10 * 60 * 1000;
  const maxResults = options.maxResults ?? 100;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { workflowId: string; expiresAt: number }>();
  const inFlight = new Map<string, Promise<string | undefined>>();

  function cached(meetingId: string): string | undefined {
    const entry = cache.get(meetingId);
    if (!entry) return undefined;
    cache.delete(meetingId);
    if (entry.expiresAt <= now()) return undefined;
    cache.set(meetingId, entry); // most recently used goes last
    return entry.workflowId;
  }

  function remember(meetingId: string, workflowId: string): void {
    cache.delete(meetingId);
    cache.set(meetingId, { workflowId, expiresAt: now() + ttlMs });
    while (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
  }

  async function query(meetingId: string): Promise<string | undefined> {
    let running: { workflowId: string; startTime: Date } | undefined;
    let newest: { workflowId: string; startTime: Date } | undefined;
    let seen = 0;
    const list = (client as VisibilityClient).workflow.list({
      query: meetingWorkflowQuery(meetingId),
      pageSize: maxResults,
    });
    for await (const info of list) {
      const candidate = { workflowId: info.workflowId, startTime: info.startTime };
      if (!newest || candidate.startTime > newest.startTime) newest = candidate;
      if (info.status.name === 'RUNNING' && (!running || candidate.startTime > running.startTime)) {
        running = candidate;
      }
      if (++seen >= maxResults) break;
    }
    if (running) remember(meetingId, running.workflowId);
    return (running ?? newest)?.workflowId;
  }

  const lookup = (meetingId: string): Promise<string | undefined> => {
    const hit = cached(meetingId);
    if (hit !== undefined) return Promise.resolve(hit);
    const pending = inFlight.get(meetingId);
    if (pending) return pending;
    const started = query(meetingId).finally(() => inFlight.delete(meetingId));
    inFlight.set(meetingId, started);
    return started;
  };
  return Object.defineProperties(lookup, {
    forget: { value: (meetingId: string) => void cache.delete(meetingId) },
    cacheSize: { get: () => cache.size },
  }) as MeetingWorkflowLookup;
}

/**
 * `signal` for `registerZoomWebhooks`: `zoomEventSignal` to the workflow's current run. When the workflow has
 * closed, the lookup's cached answer is dropped and the `WorkflowNotFoundError` rethrown (the route answers 200).
 */
export function createZoomEventSignaller(
  client: Pick<Client, 'workflow'>,
  lookup?: Pick<MeetingWorkflowLookup, 'forget'>,
): (workflowId: string, event: ZoomMeetingEvent) => Promise<void> {
  return async (workflowId, event) => {
    try {
      await client.workflow.getHandle(workflowId).signal(zoomEventSignal, event);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) lookup?.forget(event.meetingId);
      throw error;
    }
  };
}

/** Zoom's webhooks, when the app's secret token is configured: workflows found by visibility, then signalled. */
export function createZoomWebhookDeps(secretToken: string | undefined, temporal: Client, namespace: string) {
  if (!secretToken) return undefined;
  const lookup = createVisibilityMeetingLookup(temporal, namespace);
  return {
    secretToken,
    findMeetingWorkflow: lookup,
    signal: createZoomEventSignaller(temporal, lookup),
  } satisfies ZoomWebhookDeps;
}
