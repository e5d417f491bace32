import { DEMO_ORG_ID } from '../demo-org';
import { applyAllDayTiming } from './all-day-events';
import { SalesforceError, SalesforceErrors } from './errors';
import { type IdGenerator } from './ids';
import { EVENT_DURATION_MAX_MINUTES, fieldOf, textKey, type FieldDef, type SObjectDef } from './schema';
import { personName, type SalesforceStore } from './store';
import {
  formatDate,
  formatDateTime,
  normaliseId,
  parseDate,
  parseDateTime,
  type FieldValue,
  type SRecord,
} from './values';

/**
 * DML as the REST API performs it: each write is first prepared (field values checked and coerced, the object's
 * rules applied to the resulting record), then committed with its timestamps. Preparing everything before
 * committing anything is what `allOrNone` needs.
 */

export type DmlOperation = 'insert' | 'update' | 'delete';

export interface PreparedWrite {
  operation: DmlOperation;
  object: SObjectDef;
  id: string;
  /** The record as it will be stored (without timestamps). */
  record: SRecord;
  before: SRecord | null;
  /** An Event's `EventWhoIds`, when the body set them: the people it is related to, WhoId first. */
  whoIds?: string[];
}

/** A committed write, as the trigger sees it (Trigger.old / Trigger.new). */
export interface DmlChange {
  operation: DmlOperation;
  object: SObjectDef;
  before: SRecord | null;
  after: SRecord;
}

type Body = Record<string, unknown>;

const IGNORED_KEYS = new Set(['attributes']);
const MINUTE = 60_000;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
/** Fields the store stamps itself, which not even the admin seed sets. */
const SYSTEM_FIELDS = new Set([
  'IsDeleted',
  'CreatedDate',
  'CreatedById',
  'LastModifiedDate',
  'LastModifiedById',
  'SystemModstamp',
]);
const CONTACT_PREFIX = '003';
const LEAD_PREFIX = '00Q';
/** Shared Activities: "An event can be related to up to 50 contacts or one lead." */
export const MAX_EVENT_CONTACTS = 50;
/** "A non-recurring event can have up to 1,000 invitees." */
export const MAX_EVENT_INVITEES = 1000;

function jsonError(type: string, value: unknown): SalesforceError {
  return SalesforceErrors.jsonParser(
    `Cannot deserialize instance of ${type} from VALUE_STRING value ${String(value)} or request may be missing a ` +
      `required field`,
  );
}

export class Dml {
  constructor(
    private readonly store: SalesforceStore,
    private readonly ids: IdGenerator,
    private readonly now: () => number,
  ) {}

  /** `seeding`: the admin seed may also set fields the API cannot (a Lead's IsConverted), never Id. */
  prepareInsert(object: SObjectDef, body: Body, runAs: string, options: { seeding?: boolean } = {}): PreparedWrite {
    const record: SRecord = {};
    for (const field of object.fields.values()) record[field.name] = field.defaultValue ?? null;
    if ('OwnerId' in record) record.OwnerId = runAs;
    const { EventWhoIds, ...fields } = body;
    const given = this.applyBody(object, fields, record, options.seeding ? 'seed' : 'create');
    const whoIds = this.applyEventWhoIds(object, EventWhoIds, record, given);
    this.applyObjectRules(object, record, given, null);
    return { operation: 'insert', object, id: this.ids.next(object.keyPrefix), record, before: null, whoIds };
  }

  prepareUpdate(object: SObjectDef | undefined, id: unknown, body: Body): PreparedWrite {
    const existing = this.live(id, object);
    const record = { ...existing.record };
    const { EventWhoIds, ...fields } = body;
    const given = this.applyBody(existing.object, fields, record, 'update');
    const whoIds = this.applyEventWhoIds(existing.object, EventWhoIds, record, given);
    this.applyObjectRules(existing.object, record, given, existing.record);
    return {
      operation: 'update',
      object: existing.object,
      id: record.Id as string,
      record,
      before: existing.record,
      whoIds,
    };
  }

  prepareDelete(object: SObjectDef | undefined, id: unknown): PreparedWrite {
    const existing = this.live(id, object);
    const record: SRecord = { ...existing.record, IsDeleted: true };
    return { operation: 'delete', object: existing.object, id: record.Id as string, record, before: existing.record };
  }

  /** Stores prepared writes, stamping each record; returns what the trigger sees. */
  commit(writes: PreparedWrite[], runAs: string): DmlChange[] {
    const now = this.now();
    return writes.map((write) => {
      const after: SRecord = { ...write.record, Id: write.id };
      const previous = write.before ? Date.parse(String(write.before.SystemModstamp).replace('+0000', 'Z')) : 0;
      // SystemModstamp moves on every write, even two within one millisecond, so it can order changes.
      const stamp = formatDateTime(Math.max(now, previous + 1));
      if (write.operation === 'insert') {
        Object.assign(after, { CreatedDate: stamp, CreatedById: runAs });
      }
      if ('SystemModstamp' in after) after.SystemModstamp = stamp;
      if (write.operation !== 'delete' && 'LastModifiedDate' in after) {
        Object.assign(after, { LastModifiedDate: stamp, LastModifiedById: runAs });
      }
      this.store.put(write.object, after);
      if (write.operation === 'delete' && write.object.name === 'Event') this.deleteRelations(write.id, stamp);
      if (write.whoIds) this.replaceWhoRelations(after, write.whoIds, runAs, stamp);
      return { operation: write.operation, object: write.object, before: write.before, after };
    });
  }

  /** A live (not deleted) record by id, of `object` when given. */
  private live(id: unknown, object: SObjectDef | undefined): { object: SObjectDef; record: SRecord } {
    const found = typeof id === 'string' ? this.store.find(id) : undefined;
    if (!found || (object && found.object !== object)) {
      if (typeof id === 'string' && normaliseId(id) === undefined) {
        throw new SalesforceError(400, 'MALFORMED_ID', `Id: malformed id ${id}`, ['Id']);
      }
      throw SalesforceErrors.notFound();
    }
    if (found.record.IsDeleted === true) throw SalesforceErrors.entityIsDeleted();
    return found;
  }

  /** EventRelations go with their Event (they fire no triggers). */
  private deleteRelations(eventId: string, stamp: string): void {
    const relations = this.store.schema.object('EventRelation');
    if (!relations) return;
    for (const relation of this.store.all(relations)) {
      if (relation.EventId === eventId && relation.IsDeleted !== true) {
        this.store.put(relations, { ...relation, IsDeleted: true, SystemModstamp: stamp });
      }
    }
  }

  /**
   * `EventWhoIds` (a JunctionIdList; Event in the Object Reference, Shared Activities): the whole list of contacts
   * or the lead the Event is related to, set in the same write as the Event. The first id becomes WhoId unless the
   * body names one, which must then be in the list (our stricter reading). The usual limits apply: up to 50
   * contacts or one lead. It is write-only here: SOQL reads the relations through EventRelation.
   */
  private applyEventWhoIds(
    object: SObjectDef,
    raw: unknown,
    record: SRecord,
    given: Set<string>,
  ): string[] | undefined {
    if (raw === undefined) return undefined;
    if (object.name !== 'Event') {
      throw SalesforceErrors.invalidField(`No such column 'EventWhoIds' on sobject of type ${object.name}`, [
        'EventWhoIds',
      ]);
    }
    if (!Array.isArray(raw)) throw jsonError('JunctionIdList', raw);
    const ids = raw.map((value) => {
      const id = normaliseId(value);
      if (!id) throw SalesforceErrors.malformedId('EventWhoIds', String(value), 'EventWhoIds');
      if (!id.startsWith(CONTACT_PREFIX) && !id.startsWith(LEAD_PREFIX)) {
        throw SalesforceErrors.fieldIntegrity(`EventWhoIds: id value of incorrect type: ${id}`, ['EventWhoIds']);
      }
      const target = this.store.find(id);
      if (!target) throw SalesforceErrors.invalidCrossReference('EventWhoIds');
      if (target.record.IsDeleted === true) throw SalesforceErrors.entityIsDeleted();
      return id;
    });
    if (new Set(ids).size !== ids.length) {
      throw SalesforceErrors.fieldIntegrity('EventWhoIds: duplicate id in the list', ['EventWhoIds']);
    }
    const leads = ids.filter((id) => id.startsWith(LEAD_PREFIX)).length;
    if (leads > 0 && ids.length > 1) {
      throw SalesforceErrors.fieldIntegrity('EventWhoIds: an event can be related to up to 50 contacts or one lead', [
        'EventWhoIds',
      ]);
    }
    if (ids.length > MAX_EVENT_CONTACTS) {
      throw SalesforceErrors.fieldIntegrity(
        `EventWhoIds: an event can be related to at most ${MAX_EVENT_CONTACTS} contacts`,
        ['EventWhoIds'],
      );
    }
    if (given.has('WhoId')) {
      if (record.WhoId !== null && !ids.includes(String(record.WhoId))) {
        throw SalesforceErrors.fieldIntegrity('Name ID: WhoId must be one of EventWhoIds', ['WhoId']);
      }
    } else {
      record.WhoId = ids[0] ?? null;
      given.add('WhoId');
    }
    return ids;
  }

  /** The Event's related people become exactly `whoIds`: rows are added, and others dropped (an invitee stays). */
  private replaceWhoRelations(event: SRecord, whoIds: string[], runAs: string, stamp: string): void {
    const relations = this.store.schema.object('EventRelation');
    if (!relations) return;
    const wanted = new Set(whoIds.filter((id) => id !== event.WhoId));
    const rows = this.store.all(relations).filter((r) => r.EventId === event.Id && r.IsDeleted !== true);
    for (const row of rows) {
      if (row.IsParent !== true || row.IsWhat === true || wanted.delete(String(row.RelationId))) continue;
      const changed: SRecord = row.IsInvitee === true ? { IsParent: false } : { IsDeleted: true };
      this.store.put(relations, { ...row, ...changed, SystemModstamp: stamp });
    }
    const added = [...wanted].map((relationId) =>
      this.prepareInsert(
        relations,
        { EventId: event.Id, RelationId: relationId, IsParent: true, IsInvitee: false },
        runAs,
      ),
    );
    this.commit(added, runAs);
  }

  /** Sets the body's fields on `record`; returns the names (canonical) of the fields given. */
  private applyBody(object: SObjectDef, body: Body, record: SRecord, mode: 'create' | 'update' | 'seed'): Set<string> {
    const given = new Set<string>();
    for (const [key, raw] of Object.entries(body)) {
      if (IGNORED_KEYS.has(key)) continue;
      const field = fieldOf(object, key);
      if (!field)
        throw SalesforceErrors.invalidField(`No such column '${key}' on sobject of type ${object.name}`, [key]);
      if (field.name === 'Id') {
        if (mode === 'update' && normaliseId(raw) === record.Id) continue;
        throw new SalesforceError(400, 'INVALID_FIELD_FOR_INSERT_UPDATE', `Unable to create/update fields: Id.`, [
          'Id',
        ]);
      }
      const allowed =
        mode === 'seed' ? !SYSTEM_FIELDS.has(field.name) : mode === 'create' ? field.createable : field.updateable;
      if (!allowed) {
        throw new SalesforceError(
          400,
          'INVALID_FIELD_FOR_INSERT_UPDATE',
          `Unable to create/update fields: ${field.name}. Please check the security settings of this field and ` +
            `verify that it is read/write for your profile or permission set.`,
          [field.name],
        );
      }
      record[field.name] = this.coerce(field, raw);
      given.add(field.name);
    }
    return given;
  }

  /** A body value as the API stores it, or the error the API gives for it. */
  private coerce(field: FieldDef, raw: unknown): FieldValue {
    if (raw === null || raw === undefined || raw === '') {
      if (field.type === 'boolean') return false;
      return null;
    }
    switch (field.type) {
      case 'boolean':
        if (typeof raw === 'boolean') return raw;
        if (raw === 'true' || raw === 'false') return raw === 'true';
        throw jsonError('boolean', raw);
      case 'datetime': {
        const ms = typeof raw === 'string' ? parseDateTime(raw) : undefined;
        if (ms === undefined) throw jsonError('datetime', raw);
        return formatDateTime(ms);
      }
      case 'date': {
        const ms = typeof raw === 'string' ? (parseDate(raw) ?? parseDateTime(raw)) : undefined;
        if (ms === undefined) throw jsonError('date', raw);
        return formatDate(ms);
      }
      case 'int':
      case 'double':
      case 'currency':
      case 'percent': {
        const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
        if (!Number.isFinite(n) || (field.type === 'int' && !Number.isInteger(n))) throw jsonError(field.type, raw);
        return n;
      }
      case 'reference':
      case 'id':
        return this.coerceReference(field, raw);
      default:
        return this.coerceText(field, raw);
    }
  }

  private coerceText(field: FieldDef, raw: unknown): FieldValue {
    if (typeof raw === 'object') throw jsonError('string', JSON.stringify(raw));
    const value = String(raw);
    if (field.length !== undefined && value.length > field.length) {
      throw SalesforceErrors.stringTooLong(field.label, value, field.length, field.name);
    }
    if (field.type === 'email' && !EMAIL.test(value)) {
      throw new SalesforceError(400, 'INVALID_EMAIL_ADDRESS', `${field.label}: invalid email address: ${value}`, [
        field.name,
      ]);
    }
    if (field.type === 'picklist' && field.restrictedPicklist) {
      if (!field.picklistValues?.some((p) => p.value === value)) {
        throw SalesforceErrors.badPicklistValue(field.label, value, field.name);
      }
    }
    return value;
  }

  private coerceReference(field: FieldDef, raw: unknown): FieldValue {
    const id = normaliseId(raw);
    if (!id) throw SalesforceErrors.malformedId(field.label, String(raw), field.name);
    // The org itself is not a stored record; hierarchy settings point at it for their organization default.
    if (field.referenceTo?.includes('Organization') && id === normaliseId(DEMO_ORG_ID)) return id;
    const targets = (field.referenceTo ?? []).map((name) => this.store.schema.object(name)).filter((o) => o);
    if (!targets.some((o) => o?.keyPrefix === id.slice(0, 3))) {
      throw SalesforceErrors.fieldIntegrity(`${field.label}: id value of incorrect type: ${String(raw)}`, [field.name]);
    }
    const target = this.store.find(id);
    if (!target) throw SalesforceErrors.invalidCrossReference(field.name);
    if (target.record.IsDeleted === true) throw SalesforceErrors.entityIsDeleted();
    return id;
  }

  /** Rules beyond single fields: required fields, derived fields, Event timing. */
  private applyObjectRules(object: SObjectDef, record: SRecord, given: Set<string>, before: SRecord | null): void {
    if (object.name === 'Event') applyEventRules(record, given, before, (id) => this.store.find(id)?.record);
    if (object.name === 'EventRelation' && before === null) this.applyEventRelationRules(object, record);
    const missing = [...object.fields.values()]
      .filter((f) => f.required && (record[f.name] === null || record[f.name] === undefined))
      .map((f) => f.name);
    if (missing.length > 0) throw SalesforceErrors.requiredFieldMissing(missing);
    if (fieldOf(object, 'LastName') && fieldOf(object, 'Name')?.calculated) record.Name = personName(record);
    for (const field of object.fields.values()) {
      if (field.unique && record[field.name] !== null && given.has(field.name)) this.checkUnique(object, field, record);
    }
  }

  /**
   * A new EventRelation, with Shared Activities on (EventRelation in the Object Reference): one row per person and
   * Event, the Event's WhoId included (it is the row with IsParent); related people (IsParent) are up to 50 contacts
   * or one lead, never both; at most 1,000 invitees on a non-recurring Event. The error codes are our best reading
   * (the reference names the rules, not the codes).
   */
  private applyEventRelationRules(object: SObjectDef, record: SRecord): void {
    const eventId = String(record.EventId);
    const relationId = String(record.RelationId);
    const event = this.store.find(eventId)?.record;
    const rows = this.store.all(object).filter((r) => r.EventId === eventId && r.IsDeleted !== true);
    const who = typeof event?.WhoId === 'string' ? event.WhoId : null;
    if (who === relationId || rows.some((r) => r.RelationId === relationId)) {
      throw new SalesforceError(
        400,
        'DUPLICATE_VALUE',
        'duplicate value found: <unknown> duplicates value on record with id: <unknown>',
        [],
      );
    }
    if (record.IsParent === true) {
      const parents = new Set(rows.filter((r) => r.IsParent === true).map((r) => String(r.RelationId)));
      if (who) parents.add(who);
      const isLead = (id: string) => id.startsWith(LEAD_PREFIX);
      if (!relationId.startsWith(CONTACT_PREFIX) && !isLead(relationId)) {
        throw SalesforceErrors.fieldIntegrity('Relation ID: only a contact or a lead can be related to an event', [
          'RelationId',
        ]);
      }
      if (parents.size > 0 && (isLead(relationId) || [...parents].some(isLead))) {
        throw SalesforceErrors.fieldIntegrity(
          'Relation ID: an event can be related to up to 50 contacts or one lead, not both',
          ['RelationId'],
        );
      }
      if (parents.size >= MAX_EVENT_CONTACTS) {
        throw SalesforceErrors.fieldIntegrity(
          `Relation ID: an event can be related to at most ${MAX_EVENT_CONTACTS} contacts`,
          ['RelationId'],
        );
      }
    }
    if (record.IsInvitee === true && rows.filter((r) => r.IsInvitee === true).length >= MAX_EVENT_INVITEES) {
      throw SalesforceErrors.fieldIntegrity(`An event can have at most ${MAX_EVENT_INVITEES} invitees`, ['EventId']);
    }
  }

  private checkUnique(object: SObjectDef, field: FieldDef, record: SRecord): void {
    const value = textKey(field, String(record[field.name]));
    const clash = this.store
      .all(object)
      .find(
        (r) =>
          r.Id !== record.Id &&
          r.IsDeleted !== true &&
          r[field.name] !== null &&
          textKey(field, String(r[field.name])) === value,
      );
    if (clash) {
      throw new SalesforceError(
        400,
        'DUPLICATE_VALUE',
        `duplicate value found: ${field.name} duplicates value on record with id: ${String(clash.Id)}`,
        [field.name],
      );
    }
  }
}

const toMs = (value: FieldValue): number | undefined => (typeof value === 'string' ? parseDateTime(value) : undefined);

/**
 * The Event's timing and relations: start with end or duration (kept consistent; a moved start keeps the
 * duration), end not before start, at most 14 days (multiday events), all-day Events as all-day-events.ts says,
 * Who a Contact or Lead and no What with a Lead, and the derived ActivityDateTime, ActivityDate and AccountId.
 */
function applyEventRules(
  record: SRecord,
  given: Set<string>,
  before: SRecord | null,
  lookup: (id: string) => SRecord | undefined,
): void {
  if (given.has('ActivityDateTime') && !given.has('StartDateTime')) record.StartDateTime = record.ActivityDateTime;
  if (given.has('ActivityDateTime') && given.has('StartDateTime') && record.ActivityDateTime !== record.StartDateTime) {
    throw SalesforceErrors.fieldIntegrity('ActivityDateTime must equal StartDateTime', ['ActivityDateTime']);
  }
  if (record.IsAllDayEvent === true) applyAllDayTiming(record, given, before);
  else applyTiming(record, given, before);

  const who = typeof record.WhoId === 'string' ? record.WhoId : null;
  const what = typeof record.WhatId === 'string' ? record.WhatId : null;
  if (who?.startsWith('00Q') && what) {
    throw SalesforceErrors.fieldIntegrity(
      'Related To ID: an Event whose Name is a Lead cannot be related to another record',
      ['WhatId'],
    );
  }
  record.AccountId = derivedAccountId(who, what, lookup);
}

/** A timed Event: start with end or duration (kept consistent; a moved start keeps the duration). */
function applyTiming(record: SRecord, given: Set<string>, before: SRecord | null): void {
  const start = toMs(record.StartDateTime);
  if (start === undefined) throw SalesforceErrors.requiredFieldMissing(['StartDateTime']);
  const endGiven = given.has('EndDateTime') && record.EndDateTime !== null;
  const durationGiven = given.has('DurationInMinutes') && record.DurationInMinutes !== null;
  let end = toMs(record.EndDateTime);
  let duration = typeof record.DurationInMinutes === 'number' ? record.DurationInMinutes : undefined;
  if (endGiven && durationGiven && end !== undefined && duration !== undefined && end - start !== duration * MINUTE) {
    throw SalesforceErrors.fieldIntegrity('DurationInMinutes and EndDateTime do not agree', [
      'DurationInMinutes',
      'EndDateTime',
    ]);
  }
  if (endGiven && end !== undefined) duration = Math.floor((end - start) / MINUTE);
  else if (durationGiven && duration !== undefined) end = start + duration * MINUTE;
  else if (before && duration !== undefined) end = start + duration * MINUTE;
  if (end === undefined || duration === undefined) throw SalesforceErrors.requiredFieldMissing(['DurationInMinutes']);
  if (end < start) {
    throw SalesforceErrors.fieldIntegrity('End Date Time: EndDateTime cannot be before StartDateTime', ['EndDateTime']);
  }
  if (duration > EVENT_DURATION_MAX_MINUTES) {
    throw SalesforceErrors.fieldIntegrity(
      `Event duration cannot exceed ${EVENT_DURATION_MAX_MINUTES} minutes (14 days)`,
      ['DurationInMinutes'],
    );
  }
  record.EndDateTime = formatDateTime(end);
  record.DurationInMinutes = duration;
  record.ActivityDateTime = formatDateTime(start);
  record.ActivityDate = formatDate(start);
}

/** AccountId of an Event: its What's account (the Account itself, or an Opportunity's), else its Contact's. */
function derivedAccountId(
  who: string | null,
  what: string | null,
  lookup: (id: string) => SRecord | undefined,
): string | null {
  if (what?.startsWith('001')) return what;
  if (what?.startsWith('006')) return (lookup(what)?.AccountId as string | null | undefined) ?? null;
  if (who?.startsWith('003')) return (lookup(who)?.AccountId as string | null | undefined) ?? null;
  return null;
}
