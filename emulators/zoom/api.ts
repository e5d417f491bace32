import { randomBytes } from 'node:crypto';
import { type FastifyError, type FastifyInstance } from 'fastify';
import { sendZoomError, ZoomError, ZoomErrors } from './errors';
import { type AccessTokens } from './oauth';
import { type PageTokens } from './pagination';
import { type RateLabel, type RateLimiter } from './rate-limits';
import { scopeRejection } from './scopes';
import { type ZoomStore } from './store';
import { type WebhookSender } from './webhooks';

/**
 * What every `/v2` route shares: the account state, and the guards that run before a handler (bearer token, the
 * route's scope (`scopes.ts`), then the route's rate-limit label, declared as `config: { rateLabel }`).
 */

declare module 'fastify' {
  interface FastifyContextConfig {
    rateLabel?: RateLabel;
  }
}

export interface ZoomApiContext {
  store: ZoomStore;
  tokens: AccessTokens;
  pageTokens: PageTokens;
  /** Undefined when the emulator runs without rate limits. */
  limiter: RateLimiter | undefined;
  now: () => number;
  /** Base of join and start URLs, e.g. `https://zoom.emulator.local`. */
  publicBaseUrl: string;
  accountId: string;
  /** Records every event and delivers it when the emulator has a webhook endpoint. */
  webhooks: WebhookSender;
}

export const API_PREFIX = '/v2/';

/** Zoom's tracking id, sent on every response so support can find a call. */
function trackingId(): string {
  return `v=2.0;clid=us05;rid=WEB_${randomBytes(16).toString('hex')}`;
}

export function registerApiGuards(app: FastifyInstance, context: ZoomApiContext): void {
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('x-zm-trackingid', trackingId());
  });

  app.addHook('preHandler', async (request) => {
    if (!request.url.startsWith(API_PREFIX)) return;
    const token = context.tokens.check(request.headers.authorization);
    if (token instanceof ZoomError) throw token;
    const outOfScope = scopeRejection(request.method, request.routeOptions.url, token.scopes);
    if (outOfScope) throw outOfScope;
    const label = request.routeOptions.config.rateLabel;
    const refused = label && context.limiter?.admit(label);
    if (refused) throw ZoomErrors.rateLimited(refused.message, refused.headers);
  });

  app.setNotFoundHandler(async (_request, reply) => sendZoomError(reply, ZoomErrors.notFound()));

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (error instanceof ZoomError) return sendZoomError(reply, error);
    // Malformed JSON, an empty JSON body or an unknown content type: Zoom's answer to a body it cannot read.
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return sendZoomError(reply, ZoomErrors.invalidBody());
    }
    request.log.error(error);
    return sendZoomError(reply, ZoomErrors.internal());
  });
}

/** Counts a meeting create/update against the host's daily cap (when rate limits are on). */
export function admitMeetingWrite(context: ZoomApiContext, hostId: string, label: RateLabel): void {
  const refused = context.limiter?.admitMeetingWrite(hostId, label);
  if (refused) throw ZoomErrors.rateLimited(refused.message, refused.headers);
}

/** Zoom wants these UUIDs double-encoded in paths. */
export function isAwkwardUuid(uuid: string): boolean {
  return uuid.startsWith('/') || uuid.includes('//');
}

/**
 * A meeting id or UUID from the path. fastify decodes the segment once; a UUID that begins with `/` or holds
 * `//` arrives double-encoded, so it still contains `%` and is decoded once more. Such a UUID sent encoded only
 * once reaches Zoom as extra path segments: 404, as the real API answers.
 */
export function meetingIdFromPath(segment: string): string {
  if (!segment.includes('%')) {
    if (isAwkwardUuid(segment)) throw ZoomErrors.notFound();
    return segment;
  }
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Zoom query values are single strings; a repeated parameter counts by its first value. */
export function queryValue(query: unknown, name: string): string | undefined {
  const value = (query as Record<string, unknown> | undefined)?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : undefined;
}
