import Fastify, { type FastifyInstance } from 'fastify';
import { EmulatorAdmin } from '../common/admin';
import { DEMO_USERS } from '../demo-org';
import { registerApiGuards, type ZoomApiContext } from './api';
import { registerMeetingRoutes } from './meetings';
import { AccessTokens, registerOAuthRoutes, type ZoomCredentials } from './oauth';
import { PageTokens } from './pagination';
import { registerPastMeetingSeedRoute } from './past-meeting-seed';
import { registerPastMeetingRoutes } from './past-meetings';
import { RateLimiter, rateLimitPolicy, type RateLimitOverrides, type ZoomPlan } from './rate-limits';
import { registerRecordingRoutes } from './recordings';
import { ALL_ROUTE_SCOPES } from './scopes';
import { registerReportMeetingRoutes } from './report-meetings';
import { MeetingSimulation, registerSimulationRoutes, type SimulationOptions } from './simulation';
import { DEFAULT_PAST_DATA_DELAY_MS, ZoomStore, type ZoomUserSeed } from './store';
import { registerUserRoutes } from './users';
import { registerWebhookAdminRoutes, WebhookSender, type WebhookOptions } from './webhooks';

/**
 * A Zoom API emulator for one account: Server-to-Server OAuth, users, meetings, past meetings, participants,
 * recordings, rate limits and signed webhooks, plus the shared `/_emulator/` admin API (request log, faults,
 * reset), `POST /_emulator/tokens/expire`, the webhook admin routes and the meeting simulation
 * (`/_emulator/meetings/{id}/start|participants|end|portal-edit`, `/_emulator/past-meetings`).
 */

export interface ZoomEmulatorOptions extends SimulationOptions {
  credentials: ZoomCredentials;
  /** Users of the account; default: the demo org's Zoom users. The first one is the account owner (`me`). */
  users?: ZoomUserSeed[];
  plan?: ZoomPlan;
  /** Base of join and start URLs. */
  publicBaseUrl?: string;
  /** Clock in epoch ms, for tests. */
  now?: () => number;
  rateLimits?: boolean;
  rateLimitOverrides?: RateLimitOverrides;
  /** fastify's logger option (off by default). */
  logger?: boolean;
  /** Where to POST webhook events, signed with the secret token. Without it events are only recorded. */
  webhooks?: WebhookOptions;
  /**
   * How long after a meeting's end its past data (past meeting, participants, reports, instances) becomes
   * readable; 404/3001 before. Default `DEFAULT_PAST_DATA_DELAY_MS` (5 s); 0 for at once.
   */
  pastDataDelayMs?: number;
  /** The app's granted OAuth scopes; default every scope a route needs. `POST /_emulator/scopes` changes them. */
  grantedScopes?: readonly string[];
}

export interface ZoomEmulator {
  app: FastifyInstance;
  admin: EmulatorAdmin;
  store: ZoomStore;
  tokens: AccessTokens;
  /** Undefined when rate limits are off. */
  limiter: RateLimiter | undefined;
  /** Events sent and delivery attempts; pause, resume, redeliver. */
  webhooks: WebhookSender;
  simulation: MeetingSimulation;
  /** Starts listening (port 0 picks a free one) and returns the base URL, e.g. `http://127.0.0.1:4010`. */
  listen(port: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

export const DEFAULT_PUBLIC_BASE_URL = 'https://zoom.emulator.local';

/** The demo org's users who have a Zoom account. */
export function demoZoomUsers(): ZoomUserSeed[] {
  return DEMO_USERS.flatMap((u) =>
    u.zoomId !== null && u.pmi !== null
      ? [
          {
            id: u.zoomId,
            email: u.email,
            firstName: u.firstName,
            lastName: u.lastName,
            timezone: u.timeZone,
            pmi: u.pmi,
          },
        ]
      : [],
  );
}

export function createZoomEmulator(options: ZoomEmulatorOptions): ZoomEmulator {
  const now = options.now ?? Date.now;
  const store = new ZoomStore(
    options.users ?? demoZoomUsers(),
    now,
    options.pastDataDelayMs ?? DEFAULT_PAST_DATA_DELAY_MS,
  );
  const tokens = new AccessTokens(now, options.grantedScopes);
  const pageTokens = new PageTokens(now);
  const limiter =
    options.rateLimits === false
      ? undefined
      : new RateLimiter(rateLimitPolicy(options.plan ?? 'pro', options.rateLimitOverrides), now);
  const webhooks = new WebhookSender(options.webhooks, now);
  const context: ZoomApiContext = {
    store,
    accountId: options.credentials.accountId,
    webhooks,
    tokens,
    pageTokens,
    limiter,
    now,
    publicBaseUrl: (options.publicBaseUrl ?? DEFAULT_PUBLIC_BASE_URL).replace(/\/+$/, ''),
  };

  const simulation = new MeetingSimulation(context, {
    recordingDelayMs: options.recordingDelayMs,
    awkwardUuids: options.awkwardUuids,
  });

  const app = Fastify({ logger: options.logger ?? false });
  registerApiGuards(app, context);
  const admin = new EmulatorAdmin();
  admin.register(app);
  admin.onReset(() => {
    store.reset();
    pageTokens.reset();
    limiter?.reset();
    simulation.reset();
    webhooks.reset();
    tokens.grant(options.grantedScopes ?? ALL_ROUTE_SCOPES);
  });
  app.post('/_emulator/tokens/expire', async () => ({ expired: tokens.expireAll() }));
  // `{ granted: [scope, …] }`: the app's scopes from now on; tokens already issued keep theirs, as at Zoom.
  app.post<{ Body: { granted?: unknown } }>('/_emulator/scopes', async (request, reply) => {
    const granted = request.body?.granted;
    if (!Array.isArray(granted) || !granted.every((s) => typeof s === 'string')) {
      return reply.code(400).send({ error: 'granted must be a list of scope names' });
    }
    tokens.grant(granted);
    return { granted: tokens.grantedScopes };
  });
  app.get('/_emulator/scopes', async () => ({ granted: tokens.grantedScopes }));
  // The app's credentials as an admin changes them in the Marketplace: `{ clientSecret }` regenerates the secret (the
  // old one is refused) and `{ revokeTokens: true }` deactivates and reactivates the app. Zoom documents only that
  // tokens stop working when the app is deactivated; the stricter reading is taken for a new secret too (README).
  const credentials = { ...options.credentials };
  admin.onReset(() => Object.assign(credentials, options.credentials));
  app.post<{ Body: { clientSecret?: unknown; revokeTokens?: unknown } }>(
    '/_emulator/credentials',
    async (request, reply) => {
      const { clientSecret, revokeTokens } = request.body ?? {};
      const secretOk = clientSecret === undefined || (typeof clientSecret === 'string' && clientSecret !== '');
      if (!secretOk || (revokeTokens !== undefined && typeof revokeTokens !== 'boolean')) {
        return reply.code(400).send({ error: 'clientSecret must be a non-empty string, revokeTokens a boolean' });
      }
      if (typeof clientSecret === 'string') credentials.clientSecret = clientSecret;
      const revoked = clientSecret !== undefined || revokeTokens === true ? tokens.revokeAll() : 0;
      return { revoked };
    },
  );

  registerOAuthRoutes(app, credentials, tokens);
  registerUserRoutes(app, context, options.credentials.accountId);
  registerMeetingRoutes(app, context);
  registerPastMeetingRoutes(app, context);
  registerReportMeetingRoutes(app, context);
  registerRecordingRoutes(app, context);
  registerWebhookAdminRoutes(app, webhooks);
  registerSimulationRoutes(app, simulation, context);
  registerPastMeetingSeedRoute(app, simulation, context);

  return {
    app,
    admin,
    store,
    tokens,
    limiter,
    webhooks,
    simulation,
    async listen(port: number, host = '127.0.0.1') {
      await app.listen({ port, host });
      const address = app.server.address();
      if (address === null || typeof address === 'string') throw new Error('Zoom emulator has no TCP address');
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return `http://${shownHost}:${address.port}`;
    },
    async close() {
      simulation.close();
      webhooks.close();
      await app.close();
    },
  };
}
