import Fastify, { type FastifyInstance } from 'fastify';
import { EmulatorAdmin } from '../common/admin';
import { DEMO_USERS } from '../demo-org';
import { registerEventRoutes } from './api';
import { CalendarStore } from './calendars';
import { AccessTokens, createDemoServiceAccount, registerTokenRoute, type ServiceAccountKey } from './oauth';

/**
 * A Google Calendar API v3 emulator for one Workspace domain: the OAuth token endpoint for a service account with
 * domain-wide delegation (`POST /token`), each user's primary calendar and its events (`/calendar/v3/…`), plus the
 * shared `/_emulator/` admin API (request log, faults, reset) and:
 *   GET  /_emulator/calendars/{email}/events   every event of the user's calendar (cancelled ones too) and the
 *                                              e-mails Google would have sent about them
 *   POST /_emulator/delegation {scopes:[…]}     the scopes the domain's admin delegates (`[]` revokes)
 *   POST /_emulator/tokens/expire               every issued access token expires
 * The service account's key pair is made at start (`serviceAccountKey`: the JSON key a client loads).
 */

export interface GoogleUserSeed {
  email: string;
  timeZone: string;
}

export interface GoogleEmulatorOptions {
  /** The domain's users, each with a primary calendar; default: the demo org's users with a Google account. */
  users?: GoogleUserSeed[];
  /** Clock in epoch ms, for tests. */
  now?: () => number;
  logger?: boolean;
  /**
   * Keep a third-party (`addOn`) conference such as Zoom's written through the API. Default false: Google refuses
   * it from a client that is not the conference's Workspace add-on (400 "Invalid conference data"; see calendars.ts).
   */
  acceptAddOnConferences?: boolean;
}

export interface GoogleEmulator {
  app: FastifyInstance;
  admin: EmulatorAdmin;
  store: CalendarStore;
  tokens: AccessTokens;
  /** The demo service account's JSON key; `token_uri` names this emulator once it listens. */
  serviceAccountKey: ServiceAccountKey;
  listen(port: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

export function demoGoogleUsers(): GoogleUserSeed[] {
  return DEMO_USERS.filter((u) => u.googleAccount).map((u) => ({ email: u.email, timeZone: u.timeZone }));
}

export function createGoogleEmulator(options: GoogleEmulatorOptions = {}): GoogleEmulator {
  const now = options.now ?? Date.now;
  const users = options.users ?? demoGoogleUsers();
  const account = createDemoServiceAccount();
  const store = new CalendarStore(users, now, options.acceptAddOnConferences ?? false);
  const tokens = new AccessTokens(
    now,
    { email: account.key.client_email, publicKey: account.publicKey },
    new Set(users.map((u) => u.email.toLowerCase())),
  );

  const app = Fastify({ logger: options.logger ?? false });
  const admin = new EmulatorAdmin();
  admin.register(app);
  admin.onReset(() => {
    store.reset();
    tokens.reset();
  });
  app.get<{ Params: { email: string } }>('/_emulator/calendars/:email/events', async (request, reply) => {
    const items = store.eventsOf(request.params.email);
    if (!items) return reply.code(404).send({ error: 'no such calendar' });
    const ids = new Set(items.map((e) => e.id));
    return {
      calendar: request.params.email,
      items,
      notifications: store.notifications.filter((n) => ids.has(n.eventId)),
    };
  });
  app.post<{ Body: { scopes?: unknown } }>('/_emulator/delegation', async (request, reply) => {
    const scopes = request.body?.scopes;
    if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string')) {
      return reply.code(400).send({ error: 'scopes must be a list of scope URLs' });
    }
    tokens.delegate(scopes);
    return { scopes: tokens.delegatedScopes };
  });
  app.post('/_emulator/tokens/expire', async () => ({ expired: tokens.expireAll() }));

  registerTokenRoute(app, tokens);
  registerEventRoutes(app, store, tokens);

  return {
    app,
    admin,
    store,
    tokens,
    serviceAccountKey: account.key,
    async listen(port: number, host = '127.0.0.1') {
      await app.listen({ port, host });
      const address = app.server.address();
      if (address === null || typeof address === 'string') throw new Error('Google emulator has no TCP address');
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      const url = `http://${shownHost}:${address.port}`;
      account.key.token_uri = `${url}/token`;
      return url;
    },
    async close() {
      await app.close();
    },
  };
}
