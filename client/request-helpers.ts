import { ApplicationFailure } from '@temporalio/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CALLOUT_SIGNATURE_HEADER, CALLOUT_TIMESTAMP_HEADER, verifyCallout } from '../domain/callout-signature';

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

/**
 * A `preHandler` that admits only requests signed by the org (`X-Timestamp`, `X-Signature`, see
 * `domain/callout-signature.ts`) and answers 401 to the rest. The signature covers the raw body, which the app's
 * `application/json` parser keeps as a Buffer; a request without a body (a GET) is signed over the empty string.
 * With `requireRequestLine`, only v2 signatures (over the method and path too) are admitted: for routes whose
 * target is in the path, such as an Event's buttons.
 */
export function requireCalloutSignature(
  secret: string,
  now: () => number,
  options: { requireRequestLine?: boolean } = {},
) {
  return async function checkCalloutSignature(
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<FastifyReply | void> {
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const signature = verifyCallout(
      secret,
      {
        timestamp: singleHeader(request, CALLOUT_TIMESTAMP_HEADER),
        signature: singleHeader(request, CALLOUT_SIGNATURE_HEADER),
      },
      rawBody,
      now(),
      { line: { method: request.method, path: request.url }, requireRequestLine: options.requireRequestLine },
    );
    if (signature.ok) return;
    request.log.warn({ reason: signature.reason }, 'callout signature rejected');
    return reply.code(401).send({ error: signature.reason });
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
