import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Client } from '@temporalio/client';
import {
  parseZoomWebhook,
  urlValidationResponse,
  verifyZoomWebhook,
  ZOOM_SIGNATURE_HEADER,
  ZOOM_TIMESTAMP_HEADER,
  zoomRequestTimestampMs,
  type ZoomMeetingEvent,
} from '../domain/zoom-webhooks';
import { ZoomWebhookCounters } from './zoom-webhook-counters';
import { zoomEventSignal, zoomMeetingRouterWorkflowId, type ZoomMeetingRouterInput } from '../workflows/messages';

/**
 * `POST /v1/zoom/webhooks`: Zoom's event notifications for the meetings our workflows manage.
 *
 * The signature over the raw bytes comes first (401). Zoom retries any other non-2xx 5, 20 and 60 minutes later and
 * then sends no more of that event, so an authentic delivery is answered 2xx unless a retry can help:
 * `endpoint.url_validation` gets its token; a meeting event is handed to its meeting's router workflow
 * (`zoom-meeting-<meetingId>`, signal-with-start of `zoomEventSignal`: one call, no visibility query), which
 * forwards it to the Event's meeting workflow, or keeps it until a workflow claims the meeting. What cannot be used
 * (not JSON, a malformed handled event, a participant event without a meeting id) is acknowledged, logged and
 * counted (`GET /metrics`); other events are acknowledged and dropped. Only a failed or slow hand-over answers 500,
 * so that Zoom retries; the workflow also polls Zoom. A retry may carry its first attempt's timestamp, so a signed
 * delivery is accepted until Zoom's last retry (`ZOOM_RETRY_HORIZON_SECONDS`). The same event may thus be signalled
 * more than once, a replay too; the meeting workflow ignores a `dedupeKey` it has seen.
 *
 * Logs carry event names, meeting ids and uuids; never the secret, signatures, names or e-mails.
 */

export const ZOOM_WEBHOOK_PATH = '/v1/zoom/webhooks';
/** Zoom wants an answer within 3 s; the hand-over to the router gets this much of it. */
export const ZOOM_DELIVERY_BUDGET_MS = 2_000;
/** The workflow type registered by the worker (`workflows/zoom-meeting-router.ts`). */
const ROUTER_WORKFLOW_TYPE = 'zoomMeetingRouterWorkflow';

export type ZoomWebhookLogger = Pick<FastifyBaseLogger, 'debug' | 'info' | 'warn' | 'error'>;

export interface ZoomWebhookDeps {
  /** The Secret Token of the Zoom app's event subscription. */
  secretToken: string;
  /** Hands the event to its meeting's router workflow; resolves once Temporal has it durably. */
  deliver(event: ZoomMeetingEvent): Promise<void>;
  /** Clock for the timestamp's freshness check. */
  now?: () => number;
  /** Defaults to the request's logger. */
  log?: ZoomWebhookLogger;
  /** Budget for the hand-over; default `ZOOM_DELIVERY_BUDGET_MS`. */
  deliveryBudgetMs?: number;
  /** Where deliveries are counted; the server exposes them at `GET /metrics`. */
  counters?: ZoomWebhookCounters;
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
  const counters = deps.counters ?? new ZoomWebhookCounters();

  app.post(ZOOM_WEBHOOK_PATH, async (request: FastifyRequest, reply: FastifyReply) => {
    const log = deps.log ?? request.log;
    const body = request.body;
    if (body !== undefined && !Buffer.isBuffer(body)) {
      log.error('zoom webhook: the raw body is not available; register the buffer JSON parser');
      return reply.code(500).send({ error: 'Internal error' });
    }
    const rawBody = body ?? Buffer.alloc(0);

    const timestamp = singleHeader(request, ZOOM_TIMESTAMP_HEADER);
    const signature = verifyZoomWebhook(
      deps.secretToken,
      { timestamp, signature: singleHeader(request, ZOOM_SIGNATURE_HEADER) },
      rawBody,
      now(),
    );
    if (!signature.ok) {
      counters.count('refused');
      log.warn({ reason: signature.reason }, 'zoom webhook signature rejected');
      return reply.code(401).send({ error: signature.reason });
    }
    const late = signature.ageSeconds === undefined ? {} : { ageSeconds: signature.ageSeconds };
    if (signature.ageSeconds !== undefined) counters.late();

    let json: unknown;
    try {
      json = JSON.parse(rawBody.toString('utf8'));
    } catch {
      counters.count('unprocessable');
      log.warn(late, 'zoom webhook not usable: the body is not JSON');
      return reply.code(200).send({ status: 'unprocessable' });
    }

    const parsed = parseZoomWebhook(json, { requestTimestampMs: zoomRequestTimestampMs(timestamp!) });
    switch (parsed.kind) {
      case 'invalid': {
        // The messages name fields and types, never values.
        counters.count('unprocessable');
        log.warn(
          { zoomEvent: parsed.event, errors: parsed.errors, ...late },
          'zoom webhook not usable: malformed payload',
        );
        return reply.code(200).send({ status: 'unprocessable' });
      }
      case 'unroutable': {
        counters.count('unroutable');
        log.warn(
          { zoomEvent: parsed.event, meetingUuid: parsed.meetingUuid, ...late },
          'zoom webhook without a meeting id; not routed',
        );
        return reply.code(200).send({ status: 'unroutable' });
      }
      case 'url_validation': {
        counters.count('url_validation');
        log.info('zoom webhook: endpoint URL validation answered');
        return reply.code(200).send(urlValidationResponse(deps.secretToken, parsed.plainToken));
      }
      case 'ignored': {
        counters.count('ignored');
        log.debug({ reason: parsed.reason }, 'zoom webhook ignored');
        return reply.code(200).send({ status: 'ignored' });
      }
    }

    const { event } = parsed;
    const context = {
      zoomEvent: event.kind,
      meetingId: event.meetingId,
      dedupeKey: event.dedupeKey,
      ...late,
      ...(parsed.datedByRequest ? { datedByRequest: true } : {}),
    };
    try {
      await withinBudget(budgetMs, () => deps.deliver(event));
    } catch (error) {
      counters.count('not_delivered');
      log.error({ ...context, ...describeFailure(error) }, 'zoom webhook not delivered');
      return reply.code(500).send({ error: 'The event could not be delivered; Zoom will retry' });
    }
    counters.count('delivered');
    log.info(context, 'zoom webhook delivered to its router');
    return reply.code(200).send({ status: 'delivered' });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The Temporal implementation of the hand-over
// ---------------------------------------------------------------------------------------------------------------

/** `deliver` for `registerZoomWebhooks`: signal-with-start of the meeting's router, on the workers' task queue. */
export function createRouterDelivery(
  client: Pick<Client, 'workflow'>,
  taskQueue: string,
): (event: ZoomMeetingEvent) => Promise<void> {
  return async (event) => {
    await client.workflow.signalWithStart(ROUTER_WORKFLOW_TYPE, {
      workflowId: zoomMeetingRouterWorkflowId(event.meetingId),
      taskQueue,
      args: [{ meetingId: event.meetingId } satisfies ZoomMeetingRouterInput],
      signal: zoomEventSignal,
      signalArgs: [event],
    });
  };
}

/** Zoom's webhooks, when the app's secret token is configured: each handed to its meeting's router workflow. */
export function createZoomWebhookDeps(secretToken: string | undefined, temporal: Client, taskQueue: string) {
  if (!secretToken) return undefined;
  return { secretToken, deliver: createRouterDelivery(temporal, taskQueue) } satisfies ZoomWebhookDeps;
}
