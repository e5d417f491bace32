import { ApplicationFailure } from '@temporalio/common';
import type { ConnectionLike } from '@temporalio/client';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  CALLOUT_MAX_SKEW_SECONDS,
  CALLOUT_NONCE_HEADER,
  CALLOUT_SIGNATURE_HEADER,
  CALLOUT_TIMESTAMP_HEADER,
  verifyCallout,
} from '../domain/callout-signature';
import type { ZoomClient } from '../integrations/zoom/client';
import type { ZoomMeeting } from '../integrations/zoom/types';
import { ZoomApiError } from '../integrations/zoom/errors';
import type { ReplayGuard } from './replay-guard';

/** Pieces shared by the API's routes: header access, failure descriptions for logs, the org's signature. */

export function singleHeader(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** Name and gRPC code of a failure: enough to diagnose, free of payloads. */
export function describeFailure(error: unknown): { errorName: string; grpcCode?: unknown } {
  if (!(error instanceof Error)) return { errorName: typeof error };
  const code = (error as { code?: unknown }).code;
  return code === undefined ? { errorName: error.name } : { errorName: error.name, grpcCode: code };
}

/** A wait given up at its deadline; the call may still complete on the server. */
export class DeadlineExceededError extends Error {
  constructor() {
    super('no answer before the deadline');
    this.name = 'DeadlineExceededError';
  }
}

/**
 * Runs `fn`'s Temporal calls with a gRPC deadline and stops waiting at that moment whatever happens underneath
 * (the SDK's retries of an unreachable server, a connection still being made): the caller answers in time. Where
 * the connection supports it, the calls are cancelled then too, so none outlives the answer.
 */
export async function withinDeadline<T>(
  connection: Pick<ConnectionLike, 'withDeadline'> & Partial<Pick<ConnectionLike, 'withAbortSignal'>>,
  deadlineMs: number,
  fn: () => Promise<T>,
): Promise<T> {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => {
        reject(new DeadlineExceededError());
        abort.abort();
      },
      Math.max(0, deadlineMs - Date.now()),
    );
  });
  const run = connection.withAbortSignal ? () => connection.withAbortSignal!(abort.signal, fn) : fn;
  try {
    return await Promise.race([connection.withDeadline(deadlineMs, run), expired]);
  } finally {
    clearTimeout(timer);
  }
}

export interface SignatureOptions {
  /** Admit v2 only: for routes whose target is in the path, such as an Event's buttons. */
  requireRequestLine?: boolean;
  /** Where nonces are recorded (`client/replay-guard.ts`); every signed route has one. */
  replayGuard: ReplayGuard;
  /** How long the replay cache may take before the request is answered 503. */
  guardTimeoutMs: number;
  /** The 503's message when the replay cache cannot be reached. */
  unavailableMessage: string;
}

export const REPLAYED_REQUEST_MESSAGE = 'This signed request was already received; every request needs a new X-Nonce';
const RETRY_AFTER_SECONDS = 5;

/**
 * A `preHandler` that admits only requests signed by the org (`X-Timestamp`, `X-Nonce`, `X-Signature`, see
 * `domain/callout-signature.ts`), each once, and answers 401 to the rest. The signature covers the raw body, which
 * the app's `application/json` parser keeps as a Buffer; a request without a body (a GET) is signed over the empty
 * string. Only a request with a valid signature reaches the replay cache, so forgeries cost nothing there; when the
 * cache cannot be reached the answer is 503 with `Retry-After`, and the org's retry is signed anew.
 */
export function requireCalloutSignature(secret: string, now: () => number, options: SignatureOptions) {
  return async function checkCalloutSignature(
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<FastifyReply | void> {
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const timestamp = singleHeader(request, CALLOUT_TIMESTAMP_HEADER);
    const nonce = singleHeader(request, CALLOUT_NONCE_HEADER);
    const signature = verifyCallout(
      secret,
      { timestamp, nonce, signature: singleHeader(request, CALLOUT_SIGNATURE_HEADER) },
      rawBody,
      now(),
      { line: { method: request.method, path: request.url }, requireRequestLine: options.requireRequestLine },
    );
    if (!signature.ok) {
      request.log.warn({ reason: signature.reason }, 'callout signature rejected');
      return reply.code(401).send({ error: signature.reason });
    }
    const validUntilMs = (Number(timestamp) + CALLOUT_MAX_SKEW_SECONDS) * 1000;
    let first: boolean;
    try {
      first = await options.replayGuard.firstUse(nonce!, validUntilMs, Date.now() + options.guardTimeoutMs);
    } catch (error) {
      request.log.error(describeFailure(error), 'replay cache unavailable');
      return reply
        .code(503)
        .header('Retry-After', String(RETRY_AFTER_SECONDS))
        .send({ error: options.unavailableMessage });
    }
    if (first) return;
    request.log.warn({ reason: 'replayed' }, 'callout signature rejected');
    return reply.code(401).send({ error: REPLAYED_REQUEST_MESSAGE });
  };
}

/** The type of the first typed `ApplicationFailure` in the error's cause chain (update → activity → failure). */
export function failureType(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 8; depth++, current = current.cause) {
    if (current instanceof ApplicationFailure && current.type) return current.type;
  }
  return undefined;
}

/** The pause before asking Zoom for a start URL again, when Zoom did not say how long to wait. */
export const START_URL_RETRY_DELAY_MS = 250;
/** A longer `Retry-After` (a daily limit) does not fit a button's wait: the user is told to try later. */
export const START_URL_MAX_RETRY_AFTER_MS = 2_000;

/**
 * The meeting, for a fresh start URL, asking Zoom once more after an answer a retry may change (no answer, a 5xx,
 * a 429 with a short `Retry-After`). The route's own budget bounds both tries.
 */
export async function getMeetingForStart(
  zoom: Pick<ZoomClient, 'getMeeting'>,
  meetingId: string,
): Promise<ZoomMeeting> {
  try {
    return await zoom.getMeeting(meetingId);
  } catch (error) {
    if (!(error instanceof ZoomApiError) || !error.isRetryable) throw error;
    const waitMs = error.retryAfterMs ?? START_URL_RETRY_DELAY_MS;
    if (waitMs > START_URL_MAX_RETRY_AFTER_MS) throw error;
    await new Promise((resolve) => setTimeout(resolve, waitMs));
    return zoom.getMeeting(meetingId);
  }
}
