import { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import { SalesforceError, SalesforceErrors } from './errors';
import { accessTokenOf, baseUrlOf, type Sessions } from './oauth';
import { type Schema } from './schema';
import { type Sharing } from './sharing';
import { type SalesforceStore } from './store';
import { type Dml, type DmlChange } from './writes';

/**
 * What every REST route shares: the org state, and the guards that run first (a valid session, then the daily
 * API allowance), the `Sforce-Limit-Info` header, Salesforce's error bodies, and the version and identity
 * resources.
 */

export interface SalesforceApiContext {
  schema: Schema;
  store: SalesforceStore;
  dml: Dml;
  /** Who may see and edit which Events. */
  sharing: Sharing;
  sessions: Sessions;
  usage: ApiUsage;
  orgId: string;
  now: () => number;
  queryBatchSize: number;
  /** Hands a request's committed DML to the trigger once its response is sent. */
  afterResponse(request: FastifyRequest, changes: DmlChange[]): void;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The user whose session made the call (set by the session guard). */
    salesforceUserId?: string;
  }
}

/** The org's rolling 24-hour API allowance. */
export class ApiUsage {
  used = 0;

  constructor(public max: number) {}

  /** Counts one call; false when the allowance is spent. */
  admit(): boolean {
    if (this.used >= this.max) return false;
    this.used += 1;
    return true;
  }

  get remaining(): number {
    return Math.max(0, this.max - this.used);
  }

  reset(): void {
    this.used = 0;
  }
}

export const VERSIONED_PREFIX = /^\/services\/data\/v(\d{2,3}\.\d)(\/|$|\?)/;
const MIN_VERSION = 31;
const MAX_VERSION = 66;
const SEASONS = ['Winter', 'Spring', 'Summer'];

/** The API version of a request path, e.g. '62.0'. */
export function versionOf(request: FastifyRequest): string {
  return VERSIONED_PREFIX.exec(request.url)?.[1] ?? '62.0';
}

/** Release name of a version: 62.0 is Winter '25, three releases a year. */
function releaseLabel(version: number): string {
  const offset = version - 62;
  const season = SEASONS[((offset % 3) + 3) % 3];
  return `${season} '${25 + Math.floor(offset / 3)}`;
}

function isApiCall(request: FastifyRequest): boolean {
  return VERSIONED_PREFIX.test(request.url) || request.url.startsWith('/id/');
}

export function registerApiGuards(app: FastifyInstance, context: SalesforceApiContext): void {
  app.addHook('preHandler', async (request) => {
    if (request.url.startsWith('/services/data/') && !VERSIONED_PREFIX.test(request.url)) {
      throw SalesforceErrors.notFound();
    }
    if (!isApiCall(request)) return;
    const token = accessTokenOf(request);
    const userId = token ? context.sessions.userOfAccessToken(token) : undefined;
    if (!userId) throw SalesforceErrors.invalidSession();
    request.salesforceUserId = userId;
    if (VERSIONED_PREFIX.test(request.url) && !context.usage.admit()) throw SalesforceErrors.requestLimitExceeded();
  });

  // "This response header is returned in each request to REST API (except for calls to the Versions URI, /, which do
  // not count towards your org's limit)": REST API Developer Guide, "Limit Info Header"; refusals included.
  app.addHook('onSend', async (request, reply, payload) => {
    if (VERSIONED_PREFIX.test(request.url)) {
      reply.header('sforce-limit-info', `api-usage=${context.usage.used}/${context.usage.max}`);
    }
    return payload;
  });

  app.setNotFoundHandler(async (_request, reply) => reply.code(404).send(SalesforceErrors.notFound().toBody()));

  app.setErrorHandler(async (error: FastifyError | SalesforceError, request, reply) => {
    if (error instanceof SalesforceError) return reply.code(error.httpStatus).send(error.toBody());
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(400).send(SalesforceErrors.jsonParser(error.message).toBody());
    }
    request.log.error(error);
    return reply.code(500).send([
      {
        message: 'An unexpected error occurred. Please include this ErrorId if you contact support.',
        errorCode: 'UNKNOWN_EXCEPTION',
      },
    ]);
  });

  // Versions and the version root are what jsforce and the CLI read before anything else.
  app.get('/services/data', async () =>
    Array.from({ length: MAX_VERSION - MIN_VERSION + 1 }, (_, i) => {
      const version = `${MIN_VERSION + i}.0`;
      return { label: releaseLabel(MIN_VERSION + i), url: `/services/data/v${version}`, version };
    }),
  );
  app.get('/services/data/:version', async (request) => {
    const base = `/services/data/v${versionOf(request)}`;
    return {
      tooling: `${base}/tooling`,
      metadata: `${base}/metadata`,
      composite: `${base}/composite`,
      query: `${base}/query`,
      queryAll: `${base}/queryAll`,
      limits: `${base}/limits`,
      sobjects: `${base}/sobjects`,
      search: `${base}/search`,
      identity: `${baseUrlOf(request)}/id/${context.orgId}/${request.salesforceUserId}`,
      analytics: `${base}/analytics`,
    };
  });

  app.get('/services/data/:version/limits', async () => ({
    DailyApiRequests: { Max: context.usage.max, Remaining: context.usage.remaining },
    DailyAsyncApexExecutions: { Max: 250_000, Remaining: 250_000 },
    DailyBulkV2QueryJobs: { Max: 10_000, Remaining: 10_000 },
    DailyBulkApiBatches: { Max: 15_000, Remaining: 15_000 },
    ConcurrentAsyncGetReportInstances: { Max: 200, Remaining: 200 },
    DataStorageMB: { Max: 5, Remaining: 5 },
    FileStorageMB: { Max: 20, Remaining: 20 },
    SingleEmail: { Max: 15, Remaining: 15 },
  }));

  app.get('/id/:orgId/:userId', async (request, reply) => {
    const { orgId, userId } = request.params as { orgId: string; userId: string };
    const user = context.store.find(userId);
    if (
      orgId !== context.orgId ||
      !user ||
      user.object.name !== 'User' ||
      user.record.Id !== request.salesforceUserId
    ) {
      return reply.code(403).send('Bad_Id');
    }
    const base = baseUrlOf(request);
    const record = user.record;
    const urls = Object.fromEntries(
      ['rest', 'sobjects', 'search', 'query', 'recent', 'limits'].map((name) => [
        name,
        `${base}/services/data/v{version}/${name === 'rest' ? '' : name === 'limits' ? 'limits' : name}`,
      ]),
    );
    return {
      id: `${base}/id/${orgId}/${record.Id}`,
      asserted_user: true,
      user_id: record.Id,
      organization_id: orgId,
      username: record.Username,
      nick_name: String(record.Username).split('@')[0],
      display_name: record.Name,
      email: record.Email,
      email_verified: true,
      first_name: record.FirstName,
      last_name: record.LastName,
      timezone: record.TimeZoneSidKey,
      active: record.IsActive,
      user_type: 'STANDARD',
      language: 'en_US',
      locale: 'en_US',
      utcOffset: 0,
      last_modified_date: record.LastModifiedDate,
      is_app_installed: true,
      urls: { ...urls, custom_domain: base, profile: `${base}/${record.Id}` },
    };
  });
}
