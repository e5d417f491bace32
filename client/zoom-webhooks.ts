import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Client } from '@temporalio/client';
import {
  parseZoomWebhook,
  urlValidationResponse,
  verifyZoomWebhook,
  ZOOM_SIGNATURE_HEADER,
  ZOOM_TIMESTAMP_HEADER,
  type ZoomMeetingEvent,
} from '../domain/zoom-webhooks';
import { zoomEventSignal, zoomMeetingRouterWorkflowId, type ZoomMeetingRouterInput } from '../workflows/messages';

/**
 * `POST /v1/zoom/webhooks`: Zoom's event notifications for the meetings our workflows manage.
 *
 * Order of checks: signature over the raw bytes (401), JSON (400), the event's shape (400), then the answer:
 * `endpoint.url_validation` gets its token; a meeting event is handed to its meeting's router workflow
 * (`zoom-meeting-<meetingId>`, signal-with-start of `zoomEventSignal`: one call, no visibility query), which
 * forwards it to the Event's meeting workflow, or keeps it until a workflow claims the meeting; anything else is
 * acknowledged with 200 and dropped. When the hand-over fails or exceeds its budget the answer is 500, so Zoom
 * retries (5, 20 and 60 minutes later); the workflow also polls Zoom. The same event may thus be signalled more
 * than once; the meeting workflow de-duplicates on `dedupeKey`.
 *
 * Logs carry event kinds and meeting ids; never the secret, signatures, names or e-mails.
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
    try {
      await withinBudget(budgetMs, () => deps.deliver(event));
    } catch (error) {
      log.error({ ...context, ...describeFailure(error) }, 'zoom webhook not delivered');
      return reply.code(500).send({ error: 'The event could not be delivered; Zoom will retry' });
    }
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
