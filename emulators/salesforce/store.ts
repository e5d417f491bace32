import { type Schema, type SObjectDef } from './schema';
import { formatDateTime, normaliseId, type FieldValue, type SRecord } from './values';

/**
 * The org's records, per object, keyed by 18-char id, every field of the object present (null when empty).
 * Deleted records stay, flagged `IsDeleted`, as in the recycle bin: `queryAll` still sees them.
 */

export interface SeedRecord {
  Id: string;
  [field: string]: FieldValue;
}

/** Records to load, per object name. */
export type OrgSeed = Record<string, SeedRecord[]>;

export interface StoredRecord {
  object: SObjectDef;
  record: SRecord;
}

export class SalesforceStore {
  private readonly byObject = new Map<string, Map<string, SRecord>>();

  constructor(
    readonly schema: Schema,
    private readonly seed: OrgSeed,
    private readonly now: () => number,
    /** The user seeded records are created by. */
    private readonly seedUserId: string,
  ) {
    this.reset();
  }

  /** Back to the seed: every record created since is gone, every change undone. */
  reset(): void {
    this.byObject.clear();
    for (const object of this.schema.list()) this.byObject.set(object.name, new Map());
    const stamp = formatDateTime(this.now());
    for (const [objectName, records] of Object.entries(this.seed)) {
      const object = this.schema.object(objectName);
      if (!object) throw new Error(`Seed names an unknown object: ${objectName}`);
      for (const seed of records) this.put(object, this.blankRecord(object, seed, stamp));
    }
  }

  /** A record of `object` with every field, defaults applied, then `values`. */
  private blankRecord(object: SObjectDef, values: SeedRecord, stamp: string): SRecord {
    const record: SRecord = {};
    for (const field of object.fields.values()) record[field.name] = field.defaultValue ?? null;
    for (const [name, value] of Object.entries(values)) {
      const field = object.fields.get(name.toLowerCase());
      if (!field) throw new Error(`Seed field ${object.name}.${name} is not in the schema`);
      record[field.name] = field.type === 'reference' ? (normaliseId(value) ?? value) : value;
    }
    const id = normaliseId(values.Id);
    if (!id) throw new Error(`Seed ${object.name} has an invalid Id: ${values.Id}`);
    record.Id = id;
    for (const f of ['CreatedDate', 'LastModifiedDate', 'SystemModstamp']) {
      if (f in record && record[f] === null) record[f] = stamp;
    }
    for (const f of ['CreatedById', 'LastModifiedById'])
      if (f in record && record[f] === null) record[f] = this.seedUserId;
    if ('OwnerId' in record && record.OwnerId === null) record.OwnerId = this.seedUserId;
    if ('Name' in record && record.Name === null && 'LastName' in record) record.Name = personName(record);
    return record;
  }

  put(object: SObjectDef, record: SRecord): void {
    this.table(object).set(record.Id as string, record);
  }

  /** All records of `object`, deleted ones included, in creation order. */
  all(object: SObjectDef): SRecord[] {
    return [...this.table(object).values()];
  }

  /** The record with this id (15 or 18 chars, of any object), deleted or not. */
  find(id: string): StoredRecord | undefined {
    const id18 = normaliseId(id);
    if (!id18) return undefined;
    const object = this.schema.objectOfId(id18);
    const record = object && this.table(object).get(id18);
    return object && record ? { object, record } : undefined;
  }

  private table(object: SObjectDef): Map<string, SRecord> {
    let table = this.byObject.get(object.name);
    if (!table) {
      table = new Map();
      this.byObject.set(object.name, table);
    }
    return table;
  }
}

/** `Name` of a User, Contact or Lead: first and last name. */
export function personName(record: SRecord): string | null {
  const parts = [record.FirstName, record.LastName].filter((p): p is string => typeof p === 'string' && p !== '');
  return parts.length > 0 ? parts.join(' ') : null;
}
