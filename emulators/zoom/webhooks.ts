import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { type FastifyInstance } from 'fastify';
import { ZOOM_ANSWER_TIMEOUT_SECONDS, ZOOM_RETRY_DELAYS_MINUTES, zoomWebhookHeaders } from '../../domain/zoom-webhooks';
import { ADMIN_PREFIX } from '../common/admin';

/**
 * Webhook delivery as Zoom does it (developers.zoom.us/blog/webhook-delays): each event is POSTed as compact JSON,
 * and exactly those bytes are signed (`x-zm-signature`, `x-zm-request-timestamp`). Delivery is asynchronous, after
 * the response to the call that caused the event, one request at a time in event order. A failed attempt (not 2xx,
 * no answer within 3 s, network error) is retried 5, 20 and 60 minutes later (times `retryScale` in tests), each
 * wait counted from the end of the attempt before; meanwhile later events go out, so a retried event may arrive
 * after newer ones, as with Zoom. A retry carries its first attempt's timestamp and signature: whether Zoom
 * re-stamps is undocumented, and this is the reading a receiver must cope with (`ZOOM_RETRY_HORIZON_SECONDS`).
 *
 * When the last retry fails too, Zoom sends "no further notifications related to that event" until a support
 * ticket resets the retry count. Read strictly (`exhausted: 'event-type'`, the default), the emulator stops sending
 * that event type: later ones are recorded as suppressed; `POST /_emulator/webhooks/reinstate` is the ticket.
 * `exhausted: 'notification'` gives up the one notification only.
 *
 * Admin routes: `GET /_emulator/webhooks` (events, delivery attempts, stopped event types, suppressed events),
 * `POST /_emulator/webhooks/pause` (deliveries queue up), `/resume`, `/reinstate`, and `/redeliver` with optional
 * `{ "last": n }` (sends the last n events, or all, again, freshly signed: Zoom's duplicates).
 */

export interface WebhookOptions {
  /** Receiver of every event. */
  url: string;
  /** The app's secret token, key of the signature. */
  secretToken: string;
  /** Multiplies Zoom's retry waits (5, 20, 60 minutes), so tests see the schedule in milliseconds. Default 1. */
  retryScale?: number;
  /** An attempt fails when the receiver has not answered by then. Default Zoom's 3 s. */
  timeoutMs?: number;
  /** What the last failed retry stops: the event type (default, the stricter reading) or that notification. */
  exhausted?: 'event-type' | 'notification';
}

const MINUTE_MS = 60_000;

export interface WebhookEvent {
  /** Order of emission, from 1. */
  seq: number;
  event: string;
  /** `event_ts`, epoch ms. */
  eventTs: number;
  /** The exact bytes sent (compact JSON). */
  body: string;
}

export interface WebhookDelivery {
  seq: number;
  event: string;
  /** 1 for the first attempt, 2… for retries (counted per send; a redelivery starts again at 1). */
  attempt: number;
  /** Sent by `/_emulator/webhooks/redeliver`. */
  redelivery: boolean;
  /** Epoch ms when the attempt started (real time). */
  time: number;
  /** HTTP status, 0 when there was no answer. */
  status: number;
  durationMs: number;
  ok: boolean;
  error?: string;
}

interface Pending {
  event: WebhookEvent;
  attempt: number;
  redelivery: boolean;
  /** Signed at the first attempt and sent again with each retry. */
  headers?: Record<string, string>;
}

export class WebhookSender {
  readonly events: WebhookEvent[] = [];
  readonly deliveries: WebhookDelivery[] = [];
  /** Event types Zoom no longer sends, their retries being spent. */
  readonly stopped = new Set<string>();
  /** `seq` of the events not sent because their type was stopped. */
  readonly suppressed: number[] = [];
  private queue: Pending[] = [];
  private paused = false;
  private pumping = false;
  private closed = false;
  private generation = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<() => void>();

  constructor(
    private readonly target: WebhookOptions | undefined,
    /** The emulated Zoom's clock: `event_ts` and the signature timestamp. */
    private readonly now: () => number,
  ) {}

  get configured(): boolean {
    return this.target !== undefined;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Records an event and queues its delivery. `extra` goes at the top level, e.g. `download_token`. */
  emit(event: string, payload: Record<string, unknown>, extra: Record<string, unknown> = {}): WebhookEvent {
    const eventTs = this.now();
    const body = JSON.stringify({ event, event_ts: eventTs, ...extra, payload });
    const recorded: WebhookEvent = { seq: this.events.length + 1, event, eventTs, body };
    this.events.push(recorded);
    if (this.stopped.has(event) && this.target) this.suppressed.push(recorded.seq);
    else this.enqueue({ event: recorded, attempt: 1, redelivery: false });
    return recorded;
  }

  /** Zoom support's reset of the retry count: stopped event types are sent again (from their next event on). */
  reinstate(): void {
    this.stopped.clear();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.schedulePump();
  }

  /** Sends the last `last` events (all when undefined) again, in their order. Returns how many. */
  redeliver(last?: number): number {
    const events = last === undefined ? this.events : this.events.slice(Math.max(0, this.events.length - last));
    for (const event of events) this.enqueue({ event, attempt: 1, redelivery: true });
    return events.length;
  }

  /** Number of deliveries waiting (queued, in flight, or waiting to be retried). */
  get pendingCount(): number {
    return this.queue.length + this.inFlight.size + this.timers.size;
  }

  /** Resolves once nothing is queued, in flight or waiting for a retry (queued items are ignored while paused). */
  async waitForIdle(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.inFlight.size > 0 || this.timers.size > 0 || (!this.paused && this.queue.length > 0) || this.pumping) {
      if (Date.now() > deadline) throw new Error('Zoom emulator webhooks still busy');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Forgets events and deliveries; cancels queued and retrying ones and aborts those in flight. */
  reset(): void {
    this.generation += 1;
    this.events.length = 0;
    this.deliveries.length = 0;
    this.stopped.clear();
    this.suppressed.length = 0;
    this.queue = [];
    this.paused = false;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const abort of this.inFlight) abort();
  }

  close(): void {
    this.closed = true;
    this.reset();
  }

  private enqueue(pending: Pending): void {
    if (!this.target || this.closed) return;
    this.queue.push(pending);
    this.schedulePump();
  }

  /** On a later turn of the event loop, so the response to the triggering call goes out first. */
  private schedulePump(): void {
    if (this.pumping || this.paused || this.closed || !this.target) return;
    this.pumping = true;
    setImmediate(() => {
      this.pump().finally(() => {
        this.pumping = false;
        if (!this.paused && this.queue.length > 0) this.schedulePump();
      });
    });
  }

  private async pump(): Promise<void> {
    while (!this.paused && !this.closed && this.queue.length > 0) {
      const pending = this.queue.shift() as Pending;
      await this.attempt(pending);
    }
  }

  private async attempt(pending: Pending): Promise<void> {
    const target = this.target as WebhookOptions;
    const generation = this.generation;
    const { event } = pending;
    const headers = pending.headers ?? zoomWebhookHeaders(target.secretToken, event.body, this.now());
    const time = Date.now();
    const timeoutMs = target.timeoutMs ?? ZOOM_ANSWER_TIMEOUT_SECONDS * 1000;
    const result = await this.post(target.url, headers, event.body, timeoutMs);
    if (generation !== this.generation) return; // reset meanwhile
    const ok = result.status >= 200 && result.status < 300;
    this.deliveries.push({
      seq: event.seq,
      event: event.event,
      attempt: pending.attempt,
      redelivery: pending.redelivery,
      time,
      status: result.status,
      durationMs: Date.now() - time,
      ok,
      ...(result.error ? { error: result.error } : {}),
    });
    if (ok) return;
    if (pending.attempt > ZOOM_RETRY_DELAYS_MINUTES.length) {
      if ((target.exhausted ?? 'event-type') === 'event-type') this.stopped.add(event.event);
      return;
    }
    const delayMs = ZOOM_RETRY_DELAYS_MINUTES[pending.attempt - 1] * MINUTE_MS * (target.retryScale ?? 1);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.enqueue({ ...pending, attempt: pending.attempt + 1, headers });
    }, delayMs);
    this.timers.add(timer);
  }

  /** One POST without keep-alive, so receivers can close promptly. Never rejects. */
  private post(
    url: string,
    headers: OutgoingHttpHeaders,
    body: string,
    timeoutMs: number,
  ): Promise<{ status: number; error?: string }> {
    return new Promise((resolve) => {
      let settled = false;
      const finish = (result: { status: number; error?: string }) => {
        if (settled) return;
        settled = true;
        this.inFlight.delete(abort);
        clearTimeout(timer);
        resolve(result);
      };
      const bytes = Buffer.from(body, 'utf8');
      const send = url.startsWith('https:') ? httpsRequest : httpRequest;
      const request = send(
        url,
        { method: 'POST', agent: false, headers: { ...headers, 'content-length': bytes.length } },
        (response) => {
          response.resume(); // drain; only the status matters
          response.on('end', () => finish({ status: response.statusCode ?? 0 }));
          response.on('error', (error) => finish({ status: response.statusCode ?? 0, error: error.message }));
        },
      );
      const abort = () => {
        request.destroy(new Error('aborted'));
        finish({ status: 0, error: 'aborted' });
      };
      const timer = setTimeout(() => {
        request.destroy(new Error('timeout'));
        finish({ status: 0, error: `no answer within ${timeoutMs} ms` });
      }, timeoutMs);
      this.inFlight.add(abort);
      request.on('error', (error) => finish({ status: 0, error: error.message }));
      request.end(bytes);
    });
  }
}

function parseLast(body: unknown): number | undefined | 'invalid' {
  if (body === undefined || body === null || body === '') return undefined;
  if (typeof body !== 'object') return 'invalid';
  const last = (body as { last?: unknown }).last;
  if (last === undefined) return undefined;
  return typeof last === 'number' && Number.isInteger(last) && last > 0 ? last : 'invalid';
}

export function registerWebhookAdminRoutes(app: FastifyInstance, webhooks: WebhookSender): void {
  const prefix = `${ADMIN_PREFIX}webhooks`;
  app.get(prefix, async () => ({
    configured: webhooks.configured,
    paused: webhooks.isPaused,
    pending: webhooks.pendingCount,
    events: webhooks.events.map((e) => ({ seq: e.seq, event: e.event, event_ts: e.eventTs, body: JSON.parse(e.body) })),
    deliveries: webhooks.deliveries,
    stopped: [...webhooks.stopped],
    suppressed: webhooks.suppressed,
  }));
  app.post(`${prefix}/reinstate`, async () => {
    webhooks.reinstate();
    return { stopped: [...webhooks.stopped] };
  });
  app.post(`${prefix}/pause`, async () => {
    webhooks.pause();
    return { paused: true, pending: webhooks.pendingCount };
  });
  app.post(`${prefix}/resume`, async () => {
    webhooks.resume();
    return { paused: false, pending: webhooks.pendingCount };
  });
  app.post(`${prefix}/redeliver`, async (request, reply) => {
    const last = parseLast(request.body);
    if (last === 'invalid') return reply.code(400).send({ error: 'last must be a positive integer' });
    return { redelivered: webhooks.redeliver(last) };
  });
}
