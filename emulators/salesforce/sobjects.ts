import { type FastifyInstance, type FastifyRequest } from 'fastify';
import { versionOf, type SalesforceApiContext } from './api';
import { describeGlobal, describeObject, describeObjectBasics } from './describe';
import { MultipleChoices, SalesforceError, SalesforceErrors, type CollectionItemError } from './errors';
import { fieldOf, textKey, type FieldDef, type SObjectDef } from './schema';
import { normaliseId, type SRecord } from './values';
import { type DmlChange, type PreparedWrite } from './writes';

/**
 * sObject REST: describe, single-record create/retrieve/update/delete, upsert by external id, and sObject
 * Collections (up to 200 records, `allOrNone`, per-item results with `statusCode` errors).
 */

type Body = Record<string, unknown>;

export const MAX_COLLECTION_SIZE = 200;

interface SaveResult {
  id?: string;
  success: boolean;
  errors: CollectionItemError[];
  created?: boolean;
}

const ROLLED_BACK: CollectionItemError = {
  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: [],
};

function objectOrNotFound(context: SalesforceApiContext, type: string): SObjectDef {
  const object = context.schema.object(type);
  if (!object) throw SalesforceErrors.notFound();
  return object;
}

function bodyOf(request: FastifyRequest): Body {
  const body = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw SalesforceErrors.jsonParser('The request body must be a JSON object');
  }
  return body as Body;
}

function runAs(request: FastifyRequest): string {
  return request.salesforceUserId!;
}

/** The stored record `id` names, when the session user may see it (an unknown id is left to the DML's answer). */
function seenRecord(context: SalesforceApiContext, request: FastifyRequest, id: unknown) {
  const found = typeof id === 'string' ? context.store.find(id) : undefined;
  if (found && !context.sharing.canRead(runAs(request), found.object, found.record)) throw SalesforceErrors.notFound();
  return found;
}

/**
 * Refuses an update or delete the session user has no access for (see sharing.ts). A deleted record the user sees
 * is left to the DML, which answers ENTITY_IS_DELETED.
 */
function assertEditable(context: SalesforceApiContext, request: FastifyRequest, id: unknown): void {
  const found = seenRecord(context, request, id);
  if (found && found.record.IsDeleted !== true)
    context.sharing.assertEditable(runAs(request), found.object, found.record);
}

/** The record as the REST API returns it: `attributes`, then the requested fields (all when none). */
function restRecord(object: SObjectDef, record: SRecord, version: string, fields?: string[]): Record<string, unknown> {
  const names = fields ?? [...object.fields.values()].map((f) => f.name);
  const out: Record<string, unknown> = {
    attributes: { type: object.name, url: `/services/data/v${version}/sobjects/${object.name}/${String(record.Id)}` },
  };
  for (const name of names) {
    const field = fieldOf(object, name);
    if (!field) throw SalesforceErrors.invalidField(`No such column '${name}' on sobject of type ${object.name}`);
    out[field.name] = record[field.name] ?? null;
  }
  return out;
}

function fieldList(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  return value.split(',').map((f) => f.trim());
}

function itemError(error: unknown): CollectionItemError {
  if (error instanceof SalesforceError) return error.toItemError();
  throw error;
}

/** Runs a collection's writes: each on its own, or all-or-none (prepare all, commit only if all are valid). */
function runCollection(
  context: SalesforceApiContext,
  request: FastifyRequest,
  count: number,
  allOrNone: boolean,
  prepare: (index: number) => PreparedWrite,
  resultOf: (write: PreparedWrite) => SaveResult,
  idOf: (index: number) => string | undefined,
): SaveResult[] {
  if (count > MAX_COLLECTION_SIZE) {
    throw new SalesforceError(
      400,
      'EXCEEDED_ID_LIMIT',
      `record limit reached. cannot submit more than ${MAX_COLLECTION_SIZE} records into this call`,
    );
  }
  const changes: DmlChange[] = [];
  const failed = (index: number, error: unknown): SaveResult => {
    const id = idOf(index);
    return { ...(id ? { id } : {}), success: false, errors: [itemError(error)] };
  };
  if (!allOrNone) {
    const results = Array.from({ length: count }, (_, index) => {
      try {
        const write = prepare(index);
        changes.push(...context.dml.commit([write], runAs(request)));
        return resultOf(write);
      } catch (error) {
        return failed(index, error);
      }
    });
    context.afterResponse(request, changes);
    return results;
  }
  const prepared = Array.from({ length: count }, (_, index) => {
    try {
      return { write: prepare(index) };
    } catch (error) {
      return { error };
    }
  });
  if (prepared.some((p) => 'error' in p)) {
    return prepared.map((p, index) =>
      'error' in p
        ? failed(index, p.error)
        : { ...(idOf(index) ? { id: idOf(index) } : {}), success: false, errors: [ROLLED_BACK] },
    );
  }
  const writes = prepared.map((p) => (p as { write: PreparedWrite }).write);
  context.afterResponse(request, context.dml.commit(writes, runAs(request)));
  return writes.map(resultOf);
}

/** The live records of `object` the session user sees whose external id `field` equals `value`. */
function matchesOf(
  context: SalesforceApiContext,
  request: FastifyRequest,
  object: SObjectDef,
  fieldName: string,
  value: string,
): SRecord[] {
  const seen = (r: SRecord) => context.sharing.canRead(runAs(request), object, r);
  const field = fieldOf(object, fieldName);
  if (!field || !(field.externalId || field.name === 'Id' || field.unique)) {
    throw SalesforceErrors.notFound(`Provided external ID field does not exist or is not accessible: ${fieldName}`);
  }
  if (field.name === 'Id') {
    const id = normaliseId(value);
    const found = id ? context.store.find(id) : undefined;
    return found && found.object === object && found.record.IsDeleted !== true && seen(found.record)
      ? [found.record]
      : [];
  }
  // Case-insensitive unless the field is unique and case-sensitive, as SOQL's `=` (see isCaseSensitive).
  const wanted = textKey(field, value);
  return context.store
    .all(object)
    .filter(
      (r) =>
        r.IsDeleted !== true &&
        typeof r[field.name] === 'string' &&
        textKey(field, String(r[field.name])) === wanted &&
        seen(r),
    );
}

function multipleChoices(
  object: SObjectDef,
  field: string,
  value: string,
  matches: SRecord[],
  version: string,
): MultipleChoices {
  const urls = matches.map((r) => `/services/data/v${version}/sobjects/${object.name}/${String(r.Id)}`);
  return new MultipleChoices(fieldOf(object, field)?.name ?? field, value, urls);
}

/** Prepares the upsert of one record: insert when no record has the external id, update when one has. */
function prepareUpsert(
  context: SalesforceApiContext,
  request: FastifyRequest,
  object: SObjectDef,
  fieldName: string,
  value: string,
  body: Body,
): PreparedWrite {
  const matches = matchesOf(context, request, object, fieldName, value);
  const canonical = fieldOf(object, fieldName)!.name;
  const rest = Object.fromEntries(Object.entries(body).filter(([k]) => k.toLowerCase() !== canonical.toLowerCase()));
  if (matches.length > 1) throw multipleChoices(object, canonical, value, matches, versionOf(request));
  if (matches.length === 1) {
    context.sharing.assertEditable(runAs(request), object, matches[0]);
    return context.dml.prepareUpdate(object, matches[0].Id, rest);
  }
  if (canonical === 'Id') throw SalesforceErrors.notFound();
  return context.dml.prepareInsert(object, { ...rest, [canonical]: value }, runAs(request));
}

export function registerSObjectRoutes(app: FastifyInstance, context: SalesforceApiContext): void {
  const base = '/services/data/:version';

  app.get(`${base}/sobjects`, async (request) => describeGlobal(context.schema, versionOf(request)));

  app.get(`${base}/sobjects/:type`, async (request) => {
    const { type } = request.params as { type: string };
    return describeObjectBasics(objectOrNotFound(context, type), versionOf(request));
  });

  app.get(`${base}/sobjects/:type/describe`, async (request) => {
    const { type } = request.params as { type: string };
    return describeObject(context.schema, objectOrNotFound(context, type), versionOf(request));
  });

  app.post(`${base}/sobjects/:type`, async (request, reply) => {
    const { type } = request.params as { type: string };
    const object = objectOrNotFound(context, type);
    const write = context.dml.prepareInsert(object, bodyOf(request), runAs(request));
    context.afterResponse(request, context.dml.commit([write], runAs(request)));
    return reply.code(201).send({ id: write.id, success: true, errors: [] });
  });

  app.get(`${base}/sobjects/:type/:id`, async (request) => {
    const { type, id } = request.params as { type: string; id: string };
    const object = objectOrNotFound(context, type);
    const found = seenRecord(context, request, id);
    if (!found || found.object !== object) throw SalesforceErrors.notFound();
    if (found.record.IsDeleted === true) throw SalesforceErrors.entityIsDeleted();
    const fields = fieldList((request.query as Record<string, unknown>).fields);
    return restRecord(object, found.record, versionOf(request), fields);
  });

  app.patch(`${base}/sobjects/:type/:id`, async (request, reply) => {
    const { type, id } = request.params as { type: string; id: string };
    const object = objectOrNotFound(context, type);
    assertEditable(context, request, id);
    const write = context.dml.prepareUpdate(object, id, bodyOf(request));
    context.afterResponse(request, context.dml.commit([write], runAs(request)));
    return reply.code(204).send();
  });

  app.delete(`${base}/sobjects/:type/:id`, async (request, reply) => {
    const { type, id } = request.params as { type: string; id: string };
    const object = objectOrNotFound(context, type);
    assertEditable(context, request, id);
    const write = context.dml.prepareDelete(object, id);
    context.afterResponse(request, context.dml.commit([write], runAs(request)));
    return reply.code(204).send();
  });

  app.get(`${base}/sobjects/:type/:field/:value`, async (request) => {
    const { type, field, value } = request.params as { type: string; field: string; value: string };
    const object = objectOrNotFound(context, type);
    const matches = matchesOf(context, request, object, field, value);
    if (matches.length === 0) throw SalesforceErrors.notFound();
    if (matches.length > 1) throw multipleChoices(object, field, value, matches, versionOf(request));
    const fields = fieldList((request.query as Record<string, unknown>).fields);
    return restRecord(object, matches[0], versionOf(request), fields);
  });

  app.patch(`${base}/sobjects/:type/:field/:value`, async (request, reply) => {
    const { type, field, value } = request.params as { type: string; field: string; value: string };
    const object = objectOrNotFound(context, type);
    const write = prepareUpsert(context, request, object, field, value, bodyOf(request));
    context.afterResponse(request, context.dml.commit([write], runAs(request)));
    const created = write.operation === 'insert';
    return reply.code(created ? 201 : 200).send({ id: write.id, success: true, errors: [], created });
  });

  // ---- sObject Collections ----

  const collectionBody = (request: FastifyRequest) => {
    const body = bodyOf(request);
    if (!Array.isArray(body.records)) throw SalesforceErrors.jsonParser('records must be a list');
    return { records: body.records as Body[], allOrNone: body.allOrNone === true };
  };

  const typeOf = (record: Body): SObjectDef => {
    const type = (record.attributes as { type?: unknown } | undefined)?.type;
    if (typeof type !== 'string') {
      throw new SalesforceError(400, 'INVALID_TYPE', 'Must specify a type in attributes for each record');
    }
    const object = context.schema.object(type);
    if (!object) throw new SalesforceError(400, 'INVALID_TYPE', `sObject type '${type}' is not supported.`);
    return object;
  };

  const withoutId = (record: Body): Body =>
    Object.fromEntries(Object.entries(record).filter(([k]) => k !== 'id' && k !== 'Id' && k !== 'attributes'));

  app.post(`${base}/composite/sobjects`, async (request) => {
    const { records, allOrNone } = collectionBody(request);
    // With allOrNone nothing is stored until all are prepared: a person named twice for one Event is caught here.
    const relations = new Set<string>();
    return runCollection(
      context,
      request,
      records.length,
      allOrNone,
      (i) => {
        const object = typeOf(records[i]);
        const write = context.dml.prepareInsert(object, withoutId(records[i]), runAs(request));
        if (object.name === 'EventRelation') {
          const pair = `${String(write.record.EventId)}/${String(write.record.RelationId)}`;
          if (relations.has(pair)) {
            throw new SalesforceError(
              400,
              'DUPLICATE_VALUE',
              'duplicate value found: <unknown> duplicates value on record with id: <unknown>',
              [],
            );
          }
          relations.add(pair);
        }
        return write;
      },
      (write) => ({ id: write.id, success: true, errors: [] }),
      () => undefined,
    );
  });

  app.patch(`${base}/composite/sobjects`, async (request) => {
    const { records, allOrNone } = collectionBody(request);
    const idOf = (i: number) => {
      const id = records[i].id ?? records[i].Id;
      return typeof id === 'string' ? (normaliseId(id) ?? id) : undefined;
    };
    const seen = new Set<string>();
    return runCollection(
      context,
      request,
      records.length,
      allOrNone,
      (i) => {
        const id = idOf(i);
        if (!id) throw SalesforceErrors.requiredFieldMissing(['Id']);
        if (seen.has(id)) throw new SalesforceError(400, 'DUPLICATE_ID', 'Duplicate id in list', ['Id']);
        seen.add(id);
        const object = typeOf(records[i]);
        assertEditable(context, request, id);
        return context.dml.prepareUpdate(object, id, withoutId(records[i]));
      },
      (write) => ({ id: write.id, success: true, errors: [] }),
      idOf,
    );
  });

  app.delete(`${base}/composite/sobjects`, async (request) => {
    const query = request.query as Record<string, unknown>;
    const ids = fieldList(query.ids) ?? [];
    const allOrNone = query.allOrNone === 'true';
    return runCollection(
      context,
      request,
      ids.length,
      allOrNone,
      (i) => {
        assertEditable(context, request, ids[i]);
        return context.dml.prepareDelete(undefined, ids[i]);
      },
      (write) => ({ id: write.id, success: true, errors: [] }),
      (i) => ids[i],
    );
  });

  const retrieveMany = (request: FastifyRequest, type: string, ids: string[], fields: string[] | undefined) => {
    const object = objectOrNotFound(context, type);
    if (ids.length > 2000) throw new SalesforceError(400, 'EXCEEDED_ID_LIMIT', 'too many ids');
    if (!fields || fields.length === 0) throw SalesforceErrors.requiredFieldMissing(['fields']);
    return ids.map((id) => {
      const found = context.store.find(id);
      if (!found || found.object !== object || found.record.IsDeleted === true) return null;
      if (!context.sharing.canRead(runAs(request), object, found.record)) return null;
      return restRecord(object, found.record, versionOf(request), fields);
    });
  };

  app.get(`${base}/composite/sobjects/:type`, async (request) => {
    const { type } = request.params as { type: string };
    const query = request.query as Record<string, unknown>;
    return retrieveMany(request, type, fieldList(query.ids) ?? [], fieldList(query.fields));
  });

  app.post(`${base}/composite/sobjects/:type`, async (request) => {
    const { type } = request.params as { type: string };
    const body = bodyOf(request);
    return retrieveMany(request, type, fieldList(body.ids) ?? [], fieldList(body.fields));
  });

  // Upsert Records Using sObject Collections (REST API guide): up to 200 records of the URI's type, each with
  // `attributes.type`, matched on an external id field only ("Only external ids are supported. Don't use record
  // ids."), results in request order with `created`.
  app.patch(`${base}/composite/sobjects/:type/:field`, async (request) => {
    const { type, field } = request.params as { type: string; field: string };
    const object = objectOrNotFound(context, type);
    const external = externalIdField(object, field);
    const { records, allOrNone } = collectionBody(request);
    const valueOf = (record: Body): string | undefined => {
      const key = Object.keys(record).find((k) => k.toLowerCase() === external.name.toLowerCase());
      const value = key ? record[key] : undefined;
      return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
    };
    const repeated = repeatedValues(external, records.map(valueOf));
    return runCollection(
      context,
      request,
      records.length,
      allOrNone,
      (i) => {
        if (typeOf(records[i]) !== object) {
          throw new SalesforceError(400, 'INVALID_TYPE', `Records must all be of type ${object.name}`);
        }
        const value = valueOf(records[i]);
        if (value === undefined || value === '') throw SalesforceErrors.requiredFieldMissing([external.name]);
        // Apex and the API refuse a list naming one external id twice, every row carrying it ("DUPLICATE_VALUE,
        // Duplicate external id specified: 1: [Test__c]", salesforce.stackexchange.com/questions/296121).
        if (repeated.has(textKey(external, value))) {
          throw new SalesforceError(400, 'DUPLICATE_VALUE', `Duplicate external id specified: ${value}`, [
            external.name,
          ]);
        }
        return prepareUpsert(context, request, object, external.name, value, withoutId(records[i]));
      },
      (write) => ({ id: write.id, success: true, errors: [], created: write.operation === 'insert' }),
      () => undefined,
    );
  });
}

/** The external id field an sObject Collections upsert matches on: never Id, never a field that is not one. */
function externalIdField(object: SObjectDef, name: string): FieldDef {
  const field = fieldOf(object, name);
  if (!field || field.name === 'Id' || !field.externalId) {
    throw SalesforceErrors.notFound(`Provided external ID field does not exist or is not accessible: ${name}`);
  }
  return field;
}

/** The values (as equality sees them) that occur more than once in one request. */
function repeatedValues(field: FieldDef, values: (string | undefined)[]): Set<string> {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const value of values) {
    if (value === undefined) continue;
    const key = textKey(field, value);
    if (seen.has(key)) repeated.add(key);
    seen.add(key);
  }
  return repeated;
}
