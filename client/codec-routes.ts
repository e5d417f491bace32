/**
 * The codec server: `POST /codec/encode` and `POST /codec/decode`, the remote codec the Temporal Web UI (its "codec
 * endpoint" setting, or `temporal server start-dev --ui-codec-endpoint`) and the CLI (`--codec-endpoint`) call to
 * show payloads decrypted. Bodies are `{ "payloads": [<payload in proto3 JSON>] }` both ways.
 *
 * Decoding hands out attendee PII, so a request needs `Authorization: Bearer <CODEC_AUTH_TOKEN>`; only a loopback
 * API may serve it without (the embedded stack, whose UI cannot send a static token). Browsers may call it from the
 * configured origins only (CORS; the preflight carries no credentials, so it is answered without them).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PayloadCodec } from '@temporalio/common';
import { isPayloadJson, payloadFromJson, payloadToJson } from '../common/payload-json';

export interface CodecRoutesDeps {
  codec: PayloadCodec;
  /** Required bearer token; undefined only for a loopback-only API (checked by the configuration). */
  authToken?: string;
  /** Origins allowed to call from a browser, e.g. the Web UI's `http://127.0.0.1:8233`. */
  corsOrigins: readonly string[];
}

const ALLOWED_HEADERS = 'Content-Type, Authorization, X-Namespace';
const digest = (value: string) => createHash('sha256').update(value).digest();

function corsHeaders(request: FastifyRequest, reply: FastifyReply, origins: readonly string[]): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (!origins.includes(origin)) return false;
  reply
    .header('Access-Control-Allow-Origin', origin)
    .header('Access-Control-Allow-Credentials', 'true')
    .header('Vary', 'Origin');
  return true;
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '';
  // Hashes have equal lengths, so the comparison takes the same time whatever was presented.
  return timingSafeEqual(digest(presented), digest(token));
}

function parsePayloads(body: unknown) {
  try {
    const json = JSON.parse(Buffer.isBuffer(body) ? body.toString('utf8') : '') as { payloads?: unknown };
    const payloads = json.payloads;
    return Array.isArray(payloads) && payloads.every(isPayloadJson) ? payloads.map(payloadFromJson) : undefined;
  } catch {
    return undefined;
  }
}

export function registerCodecRoutes(app: FastifyInstance, deps: CodecRoutesDeps): void {
  const { codec, authToken, corsOrigins } = deps;
  for (const operation of ['encode', 'decode'] as const) {
    const path = `/codec/${operation}`;
    app.options(path, async (request, reply) => {
      if (!corsHeaders(request, reply, corsOrigins)) return reply.code(403).send({ error: 'Origin not allowed' });
      return reply
        .code(204)
        .header('Access-Control-Allow-Methods', 'POST, OPTIONS')
        .header('Access-Control-Allow-Headers', ALLOWED_HEADERS)
        .header('Access-Control-Max-Age', '600')
        .send();
    });
    app.post(path, async (request, reply) => {
      if (!corsHeaders(request, reply, corsOrigins)) return reply.code(403).send({ error: 'Origin not allowed' });
      if (authToken !== undefined && !bearerMatches(request.headers.authorization, authToken)) {
        return reply.code(401).header('WWW-Authenticate', 'Bearer').send({ error: 'Bearer token required' });
      }
      const payloads = parsePayloads(request.body);
      if (!payloads) return reply.code(400).send({ error: 'The body must be {"payloads": [<payload JSON>]}' });
      try {
        const result = await (operation === 'encode' ? codec.encode(payloads) : codec.decode(payloads));
        return { payloads: result.map(payloadToJson) };
      } catch (error) {
        // A payload under an unknown key or altered in transit; the message names the key id, never the key.
        return reply.code(400).send({ error: error instanceof Error ? error.message : 'Cannot decode' });
      }
    });
  }
}
