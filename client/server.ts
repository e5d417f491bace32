import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import type { Client, ConnectionLike, WorkflowSignalWithStartOptions } from '@temporalio/client';
import type { WithWorkflowArgs } from '@temporalio/common';
import { parseCalloutBody, type FieldError } from '../domain/callout-validation';
import type { EventCalloutItem } from '../domain/event-fields';
import type { ZoomClient } from '../integrations/zoom/client';
import {
  CALLOUT_BATCH_WORKFLOW_TYPE,
  calloutBatchStart,
  eventChangedSignalWithStart,
  MEETING_WORKFLOW_TYPE,
  meetingWorkflowId,
  type MeetingWorkflowInput,
} from '../workflows/messages';
import { calloutLatency, placementFor } from '../workflows/task-queues';
import { registerEventRoutes, type EventTemporalClient } from './event-routes';
import { forEachInEventOrder } from '../common/per-event-lanes';
import { describeFailure, requireCalloutSignature, withinDeadline } from './request-helpers';
import { temporalReplayGuard, type ReplayGuardTemporal } from './replay-guard';
import { registerZoomWebhooks, type ZoomWebhookDeps } from './zoom-webhooks';
import { ZoomWebhookCounters } from './zoom-webhook-counters';
import { registerInstantMeetings } from './instant-meetings';
import { registerExternalMeetingRoutes, type ExternalMeetingRoutesDeps } from './external-meetings';
import { registerCodecRoutes, type CodecRoutesDeps } from './codec-routes';
import { ApiMetrics } from './api-metrics';

export const CALLOUT_PATH = '/v1/salesforce/events';
/** Salesforce's own cap on a synchronous callout body. */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;
export const SIGNAL_CONCURRENCY = 32;
/**
 * Budget for the callout's Temporal calls (the replay cache, then the signals), counted from the request's arrival:
 * the org sees our 503 within 5 s, well before its 10 s callout timeout, even while Temporal is unreachable.
 */
export const DEFAULT_TEMPORAL_TIMEOUT_MS = 4_000;
/** How long a button's request may wait for the replay cache; the route's own budget follows. */
export const BUTTON_REPLAY_GUARD_TIMEOUT_MS = 3_000;
const CALLOUT_UNAVAILABLE = 'Temporal is unavailable; send the whole batch again later';
const BUTTON_UNAVAILABLE = 'The Zoom integration is unavailable right now; try again in a few minutes';
const READINESS_TIMEOUT_MS = 3_000;
const RETRY_AFTER_SECONDS = 5;

type MeetingWorkflow = (input: MeetingWorkflowInput) => Promise<unknown>;
export type MeetingSignalWithStartOptions = WithWorkflowArgs<
  MeetingWorkflow,
  WorkflowSignalWithStartOptions<[EventCalloutItem]>
>;

/**
 * The part of a Temporal `Client` the API uses; a real `Client` fits, and tests pass a small fake. `start` records
 * the nonces of signed requests (`client/replay-guard.ts`). `getHandle` and
 * `execute` serve the Event routes (`client/event-routes.ts`), which are registered only when both are present (a
 * real `Client` always has them; fakes for the callout tests may leave them out).
 */
export interface ApiTemporalClient {
  workflow: {
    signalWithStart(workflowType: string, options: MeetingSignalWithStartOptions): Promise<unknown>;
    start(workflowType: string, options: ReturnType<typeof calloutBatchStart>): Promise<unknown>;
  } & ReplayGuardTemporal['workflow'] &
    Partial<EventTemporalClient['workflow']> &
    Partial<Pick<Client['workflow'], 'executeUpdateWithStart'>>;
  connection: Pick<ConnectionLike, 'withDeadline'> & {
    workflowService: { getSystemInfo(request: object): Promise<unknown> };
  };
}

export interface ApiServerDeps {
  calloutSecret: string;
  temporal: ApiTemporalClient;
  taskQueue: string;
  /** A pino logger, or fastify logger options (`false` silences it). */
  logger?: FastifyBaseLogger | FastifyServerOptions['logger'];
  /** Clock for the signature's freshness check. */
  now?: () => number;
  /** Budget for the callout's Temporal calls, from the request's arrival: the replay cache and the signals. */
  temporalTimeoutMs?: number;
  /** Zoom's webhooks (`POST /v1/zoom/webhooks`), registered only when given with a secret token. */
  zoomWebhooks?: ZoomWebhookDeps;
  /** Zoom's API, for fresh start URLs (`GET /v1/events/{eventId}/start-url` answers 503 without it). */
  zoom?: Pick<ZoomClient, 'getMeeting'>;
  /** Budget for one request of the Event routes; default `DEFAULT_EVENT_BUDGET_MS`. */
  eventBudgetMs?: number;
  /** Zoom and Salesforce for the External Zoom Meetings page (`/v1/external-meetings…`), registered when given. */
  externalMeetings?: Pick<ExternalMeetingRoutesDeps, 'zoom' | 'salesforce'>;
  /** The codec server for the Web UI and the CLI (`/codec/encode`, `/codec/decode`), registered when given. */
  codec?: CodecRoutesDeps;
}

export interface AcceptedEvent {
  index: number;
  eventId: string;
  workflowId: string;
}

export interface RejectedEvent {
  index: number;
  eventId?: string;
  errors: FieldError[];
}

/** Counts for the request's log line; never the items themselves, which may carry PII. */
const calloutCounts = new WeakMap<FastifyRequest, { accepted: number; rejected: number }>();

function isLoggerInstance(logger: ApiServerDeps['logger']): logger is FastifyBaseLogger {
  return typeof logger === 'object' && logger !== null && typeof (logger as FastifyBaseLogger).child === 'function';
}

function hasEventMethods(temporal: ApiTemporalClient): temporal is ApiTemporalClient & EventTemporalClient {
  return typeof temporal.workflow.getHandle === 'function' && typeof temporal.workflow.execute === 'function';
}

export function createApiServer(deps: ApiServerDeps): FastifyInstance {
  const { calloutSecret, temporal, taskQueue } = deps;
  const now = deps.now ?? Date.now;
  const temporalTimeoutMs = deps.temporalTimeoutMs ?? DEFAULT_TEMPORAL_TIMEOUT_MS;
  const openApiSpec = readFileSync(join(__dirname, 'openapi.yaml'), 'utf8');
  // Every signed request is honoured once: its nonce is recorded in Temporal, shared by all replicas.
  const replayGuard = temporalReplayGuard(temporal, taskQueue, now);
  const requireCalloutSigned = requireCalloutSignature(calloutSecret, now, {
    replayGuard,
    guardTimeoutMs: temporalTimeoutMs,
    unavailableMessage: CALLOUT_UNAVAILABLE,
  });
  const buttonGuard = {
    replayGuard,
    guardTimeoutMs: BUTTON_REPLAY_GUARD_TIMEOUT_MS,
    unavailableMessage: BUTTON_UNAVAILABLE,
  };
  const requireSignature = requireCalloutSignature(calloutSecret, now, buttonGuard);
  const requireRouteSignature = requireCalloutSignature(calloutSecret, now, {
    ...buttonGuard,
    requireRequestLine: true,
  });

  // Fastify's own request lines would log URLs and headers; the onResponse hook writes one line without PII.
  const common = { bodyLimit: MAX_BODY_BYTES, logController: new LogController({ disableRequestLogging: true }) };
  const app: FastifyInstance = isLoggerInstance(deps.logger)
    ? Fastify({ ...common, loggerInstance: deps.logger })
    : Fastify({ ...common, logger: deps.logger ?? true });

  // Only JSON is accepted, kept as raw bytes: the signatures (the org's callouts, Zoom's webhooks) cover the exact
  // bytes sent.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES }, (_req, body, done) =>
    done(null, body),
  );

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply.code(415).send({ error: 'Content-Type must be application/json' });
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send({ error: `The body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB` });
    }
    if (status >= 500) {
      request.log.error(describeFailure(error), 'request failed');
      return reply.code(500).send({ error: 'Internal error' });
    }
    return reply.code(status).send({ error: error.message });
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'Not found' }));

  const metrics = new ApiMetrics();
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observe({ route, method: request.method, status: reply.statusCode, seconds: reply.elapsedTime / 1000 });
    const line = {
      method: request.method,
      route,
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime),
      ...calloutCounts.get(request),
    };
    if (route === '/healthz' || route === '/readyz' || route === '/metrics') request.log.debug(line, 'request');
    else request.log.info(line, 'request');
  });

  app.get('/healthz', async () => ({ status: 'ok' }));

  const zoomWebhookCounters = new ZoomWebhookCounters();
  app.get('/metrics', async (_request, reply) =>
    reply.type('text/plain; version=0.0.4').send(`${await metrics.text()}${zoomWebhookCounters.prometheus()}`),
  );

  app.get('/readyz', async (request, reply) => {
    try {
      await temporal.connection.withDeadline(Date.now() + READINESS_TIMEOUT_MS, () =>
        temporal.connection.workflowService.getSystemInfo({}),
      );
      return { status: 'ready' };
    } catch (error) {
      request.log.warn(describeFailure(error), 'Temporal is not reachable');
      return reply.code(503).send({ error: 'Temporal is not reachable' });
    }
  });

  app.get('/openapi.yaml', async (_request, reply) => reply.type('application/yaml').send(openApiSpec));

  app.post(CALLOUT_PATH, { preHandler: requireCalloutSigned }, async (request: FastifyRequest, reply: FastifyReply) => {
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    let json: unknown;
    try {
      json = JSON.parse(rawBody.toString('utf8'));
    } catch {
      return reply.code(400).send({ error: 'The body is not valid JSON' });
    }
    const parsed = parseCalloutBody(json, { nowMs: now() });
    if (!parsed.ok)
      return reply.code(400).send({ error: 'The body is not a valid batch of events', errors: parsed.errors });

    const valid: { index: number; eventId: string; item: EventCalloutItem }[] = [];
    const rejected: RejectedEvent[] = [];
    for (const { index, eventId, item, errors } of parsed.results) {
      if (item && eventId !== undefined) valid.push({ index, eventId, item });
      else rejected.push(eventId === undefined ? { index, errors } : { index, eventId, errors });
    }
    calloutCounts.set(request, { accepted: valid.length, rejected: rejected.length });

    // The budget runs from the request's arrival: the replay cache has used part of it.
    const deadline = Date.now() - reply.elapsedTime + temporalTimeoutMs;
    // A rep's save goes to the interactive queue; a data load's 200 to the bulk queue, not in front of it.
    const latency = calloutLatency(parsed.results.length);
    const placement = placementFor(latency, taskQueue);
    // The callout's size tells a rep's own save (the hot path, workflows/hot-path.ts) from a bulk.
    const items = valid.map(({ eventId, item }) => ({
      eventId,
      item: { ...item, calloutEvents: parsed.results.length } satisfies EventCalloutItem,
    }));
    try {
      await withinDeadline(temporal.connection, deadline, async () => {
        if (latency === 'bulk') {
          // One start accepts a data load, so its answer never waits on 200 signals (workflows/callout-batch.ts).
          const digest = createHash('sha256').update(rawBody).digest('hex');
          await temporal.workflow.start(CALLOUT_BATCH_WORKFLOW_TYPE, calloutBatchStart(digest, { items }, placement));
          return;
        }
        await forEachInEventOrder(items, SIGNAL_CONCURRENCY, async ({ eventId, item }) => {
          await temporal.workflow.signalWithStart(
            MEETING_WORKFLOW_TYPE,
            eventChangedSignalWithStart(eventId, item, placement),
          );
        });
      });
    } catch (error) {
      calloutCounts.set(request, { accepted: 0, rejected: rejected.length });
      request.log.error(describeFailure(error), 'signalling Temporal failed');
      // Signals are idempotent on the workflow side (SystemModstamp), so the org may resend the whole batch.
      return reply.code(503).header('Retry-After', String(RETRY_AFTER_SECONDS)).send({ error: CALLOUT_UNAVAILABLE });
    }

    const accepted: AcceptedEvent[] = valid.map(({ index, eventId }) => ({
      index,
      eventId,
      workflowId: meetingWorkflowId(eventId),
    }));
    return reply.code(202).send({ accepted, rejected });
  });

  if (deps.zoomWebhooks?.secretToken) {
    registerZoomWebhooks(app, { now, counters: zoomWebhookCounters, ...deps.zoomWebhooks });
  }
  if (hasEventMethods(temporal)) {
    registerEventRoutes(app, {
      temporal,
      taskQueue,
      requireSignature: requireRouteSignature,
      zoom: deps.zoom,
      budgetMs: deps.eventBudgetMs,
    });
  }
  const { executeUpdateWithStart } = temporal.workflow;
  if (executeUpdateWithStart) {
    const workflow = { executeUpdateWithStart: executeUpdateWithStart.bind(temporal.workflow) };
    registerInstantMeetings(app, { temporal: { workflow }, taskQueue, requireSignature, zoom: deps.zoom });
  }

  if (deps.externalMeetings) {
    registerExternalMeetingRoutes(app, { ...deps.externalMeetings, requireSignature: requireRouteSignature, now });
  }
  if (deps.codec) registerCodecRoutes(app, deps.codec);

  return app;
}
