import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { EmulatorAdmin } from '../common/admin';
import {
  DEMO_ACCOUNTS,
  DEMO_CONTACTS,
  DEMO_CREDENTIALS,
  DEMO_LEADS,
  DEMO_OPPORTUNITIES,
  DEMO_ORG_ID,
  DEMO_PROFILES,
  DEMO_USERS,
} from '../demo-org';
import { ApiUsage, registerApiGuards, type SalesforceApiContext } from './api';
import { SalesforceError, SalesforceErrors } from './errors';
import { IdGenerator } from './ids';
import { DEFAULT_METADATA_DIR, loadMetadata } from './metadata';
import { registerOAuthRoutes, Sessions, type UserCredentials } from './oauth';
import { QueryLocators, registerQueryRoutes } from './query';
import { Schema, standardObjects } from './schema';
import { INTEGRATION_USER_DEFAULT_PERMISSIONS, Sharing, type UserPermissions } from './sharing';
import { registerSObjectRoutes } from './sobjects';
import { SalesforceStore, type OrgSeed, type SeedRecord } from './store';
import { ApexTriggerPlay, type CalloutTarget } from './trigger';
import { Dml, type DmlChange } from './writes';

/**
 * A Salesforce org emulator for one org: OAuth 2.0, REST (sObjects, Collections, SOQL, describe, limits) over
 * the standard objects and the custom schema of the DX package, the org's Apex trigger on Event (signed
 * callouts to the integration), plus the shared `/_emulator/` admin API and:
 *   POST /_emulator/sessions/expire   every access token becomes invalid (jsforce must refresh)
 *   GET  /_emulator/callouts          the trigger's callouts
 *   POST /_emulator/trigger           {"enabled": bool}
 *   POST /_emulator/limits            {"used"?: n, "max"?: n} daily API allowance
 *   POST /_emulator/permissions       {"viewAllData"?: bool, "modifyAllData"?: bool} of the integration user
 *   POST /_emulator/records/{sobject} {"records": [{field: value}, ...]} → {"ids": [...]}: bulk seeding for tests
 *                                     and benchmarks (any number, all or none, no trigger, no API call counted;
 *                                     read-only fields such as Lead.IsConverted may be set). Gone on reset.
 */

export interface SalesforceEmulatorOptions {
  /** The connected app's consumer key and secret. */
  clientId: string;
  clientSecret: string;
  /** The "Run As" user of the client-credentials flow, who can also log in with the password grant. */
  integrationUser?: UserCredentials;
  /** Records per object; default: the demo org. The integration user is added when absent. */
  seed?: OrgSeed;
  /**
   * The integration user's system permissions; default: both, as the README requires. Without them it sees and
   * edits only the Events it owns (activities shared Private; see sharing.ts).
   */
  integrationUserPermissions?: Partial<UserPermissions>;
  /** Daily API requests (Developer Edition: 15,000). */
  dailyApiLimit?: number;
  /** Clock in epoch ms, for tests. */
  now?: () => number;
  /** Where the org's trigger calls out; without it, no callouts. */
  callout?: CalloutTarget;
  /** The DX source's `main/default` directory; default: this repository's `salesforce/force-app/main/default`. */
  metadataDir?: string;
  /** Records per query batch (Salesforce: 2,000). */
  queryBatchSize?: number;
  /** fastify's logger option (off by default). */
  logger?: boolean;
}

export interface SalesforceEmulator {
  app: FastifyInstance;
  admin: EmulatorAdmin;
  store: SalesforceStore;
  schema: Schema;
  sessions: Sessions;
  usage: ApiUsage;
  trigger: ApexTriggerPlay;
  /** The integration user's id (the client-credentials "Run As" user). */
  integrationUserId: string;
  orgId: string;
  /** Starts listening (port 0 picks a free one) and returns the base URL, e.g. `http://127.0.0.1:4020`. */
  listen(port: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

export const INTEGRATION_USER_ID = '005000000000009AAA';
const SEED_BODY_LIMIT = 256 * 1024 * 1024;

/** The demo org as Salesforce records. */
export function demoOrgSeed(): OrgSeed {
  return {
    Profile: Object.values(DEMO_PROFILES).map((p) => ({ ...p })),
    User: DEMO_USERS.map((u) => ({
      Id: u.salesforceId,
      Username: u.email,
      Email: u.email,
      FirstName: u.firstName,
      LastName: u.lastName,
      Alias: (u.firstName[0] + u.lastName).slice(0, 8).toLowerCase(),
      TimeZoneSidKey: u.timeZone,
      IsActive: true,
      ProfileId: DEMO_PROFILES.standardUser.Id,
    })),
    Account: DEMO_ACCOUNTS.map((a) => ({ ...a })),
    Contact: DEMO_CONTACTS.map((c) => ({ ...c })),
    Lead: DEMO_LEADS.map((l) => ({ ...l })),
    Opportunity: DEMO_OPPORTUNITIES.map((o) => ({ ...o })),
  };
}

/** The seed with the integration user added (unless a user with its username is there already). */
function withIntegrationUser(seed: OrgSeed, credentials: UserCredentials): { seed: OrgSeed; userId: string } {
  const users = seed.User ?? [];
  const existing = users.find((u) => String(u.Username).toLowerCase() === credentials.username.toLowerCase());
  if (existing) return { seed, userId: existing.Id };
  const user: SeedRecord = {
    Id: INTEGRATION_USER_ID,
    Username: credentials.username,
    Email: credentials.username,
    FirstName: 'Zoom',
    LastName: 'Integration',
    Alias: 'zoomint',
    TimeZoneSidKey: 'GMT',
    IsActive: true,
    ProfileId: DEMO_PROFILES.apiOnlyIntegration.Id,
  };
  return { seed: { ...seed, User: [...users, user] }, userId: INTEGRATION_USER_ID };
}

/** Form bodies (the token endpoint), and JSON bodies that may be empty (jsforce sends a content type on DELETE). */
function registerBodyParsers(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      done(SalesforceErrors.jsonParser(`Unexpected character in JSON: ${(error as Error).message}`), undefined);
    }
  });
}

export function createSalesforceEmulator(options: SalesforceEmulatorOptions): SalesforceEmulator {
  const now = options.now ?? Date.now;
  const orgId = DEMO_ORG_ID;
  const credentials = options.integrationUser ?? {
    username: DEMO_CREDENTIALS.salesforce.username,
    password: DEMO_CREDENTIALS.salesforce.password,
  };

  const schema = new Schema();
  for (const object of standardObjects()) schema.add(object);
  loadMetadata(schema, options.metadataDir ?? DEFAULT_METADATA_DIR);

  const { seed, userId: integrationUserId } = withIntegrationUser(options.seed ?? demoOrgSeed(), credentials);
  const store = new SalesforceStore(schema, seed, now, integrationUserId);
  const sharing = new Sharing(
    integrationUserId,
    { ...INTEGRATION_USER_DEFAULT_PERMISSIONS, ...options.integrationUserPermissions },
    (id) => store.find(id)?.record,
  );
  const sessions = new Sessions(orgId);
  const usage = new ApiUsage(options.dailyApiLimit ?? 15_000);
  const trigger = new ApexTriggerPlay(options.callout, now);
  const locators = new QueryLocators(now);
  const pending = new WeakMap<FastifyRequest, DmlChange[]>();

  const context: SalesforceApiContext = {
    schema,
    store,
    dml: new Dml(store, new IdGenerator(), now),
    sharing,
    sessions,
    usage,
    orgId,
    now,
    queryBatchSize: options.queryBatchSize ?? 2000,
    afterResponse(request, changes) {
      pending.set(request, [...(pending.get(request) ?? []), ...changes]);
    },
  };

  const app = Fastify({ logger: options.logger ?? false });
  registerBodyParsers(app);
  const admin = new EmulatorAdmin();
  admin.register(app);
  registerApiGuards(app, context);
  // The trigger runs after commit and its callout after the response: the API call never waits for it.
  app.addHook('onResponse', async (request) => {
    const changes = pending.get(request);
    if (changes && changes.length > 0) trigger.afterCommit(changes);
  });
  admin.onReset(() => {
    store.reset();
    usage.reset();
    locators.reset();
    trigger.reset();
    sharing.reset();
  });

  app.post('/_emulator/sessions/expire', async () => ({ expired: sessions.expireAll() }));
  app.get('/_emulator/callouts', async () => ({ enabled: trigger.isEnabled, callouts: trigger.callouts }));
  app.post('/_emulator/trigger', async (request) => {
    const body = (request.body ?? {}) as { enabled?: unknown };
    trigger.setEnabled(body.enabled !== false);
    return { enabled: trigger.isEnabled };
  });
  app.post('/_emulator/limits', async (request) => {
    const body = (request.body ?? {}) as { used?: unknown; max?: unknown };
    if (typeof body.max === 'number') usage.max = body.max;
    if (typeof body.used === 'number') usage.used = body.used;
    return { used: usage.used, max: usage.max };
  });

  app.post('/_emulator/permissions', async (request) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const flag = (name: keyof UserPermissions) => (typeof body[name] === 'boolean' ? { [name]: body[name] } : {});
    return sharing.setPermissions({ ...flag('viewAllData'), ...flag('modifyAllData') });
  });

  // Seeding 50,000 Contacts is a body of several megabytes: past fastify's 1 MB default.
  app.post('/_emulator/records/:sobject', { bodyLimit: SEED_BODY_LIMIT }, async (request, reply) => {
    const { sobject } = request.params as { sobject: string };
    const object = schema.object(sobject);
    if (!object) return reply.code(404).send(SalesforceErrors.notFound(`Unknown sObject ${sobject}`).toBody());
    const body = request.body as { records?: unknown } | unknown[] | undefined;
    const records = Array.isArray(body) ? body : body?.records;
    if (!Array.isArray(records))
      return reply.code(400).send(SalesforceErrors.jsonParser('records must be a list').toBody());
    const writes = [];
    for (const [index, record] of records.entries()) {
      try {
        if (typeof record !== 'object' || record === null) throw SalesforceErrors.jsonParser('a record is an object');
        writes.push(
          context.dml.prepareInsert(object, record as Record<string, unknown>, integrationUserId, { seeding: true }),
        );
      } catch (error) {
        if (!(error instanceof SalesforceError)) throw error;
        return reply.code(400).send({ index, errors: error.toBody() });
      }
    }
    context.dml.commit(writes, integrationUserId);
    return { ids: writes.map((w) => w.id) };
  });

  registerOAuthRoutes(app, {
    app: { clientId: options.clientId, clientSecret: options.clientSecret },
    orgId,
    runAsUserId: integrationUserId,
    authenticate: (username, password) =>
      username.toLowerCase() === credentials.username.toLowerCase() && password === credentials.password
        ? integrationUserId
        : undefined,
    sessions,
    now,
  });
  registerSObjectRoutes(app, context);
  registerQueryRoutes(app, context, locators);

  return {
    app,
    admin,
    store,
    schema,
    sessions,
    usage,
    trigger,
    integrationUserId,
    orgId,
    async listen(port: number, host = '127.0.0.1') {
      await app.listen({ port, host });
      const address = app.server.address();
      if (address === null || typeof address === 'string') throw new Error('Salesforce emulator has no TCP address');
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return `http://${shownHost}:${address.port}`;
    },
    async close() {
      await app.close();
    },
  };
}
