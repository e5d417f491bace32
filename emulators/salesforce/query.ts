import { randomBytes } from 'node:crypto';
import { type FastifyInstance, type FastifyRequest } from 'fastify';
import { versionOf, type SalesforceApiContext } from './api';
import { SalesforceError, SalesforceErrors } from './errors';
import { executeSoql, type QueryRecord } from './soql';

/**
 * `GET /query?q=` and `/queryAll?q=`: results in batches (2,000 by default), the rest behind a query locator
 * (`nextRecordsUrl: /services/data/vXX.X/query/<locator>-<offset>`) read with `GET /query/<locator>-<offset>`.
 */

interface Cursor {
  records: QueryRecord[];
  createdAt: number;
}

/** Query locators expire after 15 minutes of inactivity in Salesforce. */
const LOCATOR_TTL_MS = 15 * 60_000;

export class QueryLocators {
  private readonly cursors = new Map<string, Cursor>();

  constructor(private readonly now: () => number) {}

  open(records: QueryRecord[]): string {
    const locator = `01g${randomBytes(8).toString('hex').slice(0, 12).toUpperCase()}`;
    this.cursors.set(locator, { records, createdAt: this.now() });
    return locator;
  }

  get(locator: string): QueryRecord[] | undefined {
    const cursor = this.cursors.get(locator);
    if (!cursor) return undefined;
    if (this.now() - cursor.createdAt > LOCATOR_TTL_MS) {
      this.cursors.delete(locator);
      return undefined;
    }
    cursor.createdAt = this.now();
    return cursor.records;
  }

  reset(): void {
    this.cursors.clear();
  }
}

function page(
  context: SalesforceApiContext,
  locators: QueryLocators,
  request: FastifyRequest,
  resource: 'query' | 'queryAll',
  records: QueryRecord[],
  totalSize: number,
  offset: number,
  locator?: string,
) {
  const size = context.queryBatchSize;
  const end = offset + size;
  const done = end >= records.length;
  const result: Record<string, unknown> = { totalSize, done, records: records.slice(offset, end) };
  if (!done) {
    const id = locator ?? locators.open(records);
    result.nextRecordsUrl = `/services/data/v${versionOf(request)}/${resource}/${id}-${end}`;
  }
  return result;
}

export function registerQueryRoutes(
  app: FastifyInstance,
  context: SalesforceApiContext,
  locators: QueryLocators,
): void {
  for (const resource of ['query', 'queryAll'] as const) {
    app.get(`/services/data/:version/${resource}`, async (request) => {
      const q = (request.query as Record<string, unknown>).q;
      if (typeof q !== 'string' || q.trim() === '') throw SalesforceErrors.malformedQuery('A query (q) is required');
      const result = executeSoql(
        q,
        {
          schema: context.schema,
          records: (o) => context.sharing.visible(request.salesforceUserId!, o, context.store.all(o)),
          find: (id) => context.store.find(id),
        },
        { now: context.now(), includeDeleted: resource === 'queryAll', apiVersion: versionOf(request) },
      );
      if (result.isAggregate && result.records.length > context.queryBatchSize) {
        throw new SalesforceError(
          400,
          'MALFORMED_QUERY',
          'Aggregate query does not support queryMore(), use LIMIT to restrict the results to a single batch',
        );
      }
      return page(context, locators, request, resource, result.records, result.totalSize, 0);
    });

    app.get(`/services/data/:version/${resource}/:cursor`, async (request) => {
      const { cursor } = request.params as { cursor: string };
      const dash = cursor.lastIndexOf('-');
      const locator = dash === -1 ? cursor : cursor.slice(0, dash);
      const offset = dash === -1 ? 0 : Number(cursor.slice(dash + 1));
      const records = locators.get(locator);
      if (!records || !Number.isInteger(offset) || offset < 0) {
        throw new SalesforceError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
      }
      return page(context, locators, request, resource, records, records.length, offset, locator);
    });
  }
}
