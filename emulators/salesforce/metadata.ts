import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { addField, type FieldDef, type FieldType, type PicklistValue, type Schema, type SObjectDef } from './schema';

/**
 * Reads the org package's DX source (`objects/<Object>/fields/*.field-meta.xml`, `objects/<X__c>/<X__c>.object-meta.xml`)
 * into the emulator's schema, so a field exists in the emulator exactly when the package declares it.
 * Fields under `objects/Activity` apply to Event and Task, as they do in an org. Platform events (`X__e`) are not
 * records the REST API reads or writes, so they are skipped.
 */

/** The package's metadata directory, from the repository root. */
export const DEFAULT_METADATA_DIR = resolve(__dirname, '../../salesforce/force-app/main/default');

const ACTIVITY_OBJECTS = ['Event', 'Task'];

const xml = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  isArray: (name) => name === 'value' || name === 'fields',
});

type Xml = Record<string, unknown>;

function readXml(path: string, root: string): Xml {
  const parsed = xml.parse(readFileSync(path, 'utf8')) as Xml;
  const element = parsed[root];
  if (typeof element !== 'object' || element === null) throw new Error(`${path}: expected a <${root}> element`);
  return element as Xml;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const bool = (value: unknown): boolean => value === 'true';
const num = (value: unknown): number | undefined => (typeof value === 'string' ? Number(value) : undefined);

const TYPE_OF_METADATA: Record<string, FieldType> = {
  Checkbox: 'boolean',
  Text: 'string',
  TextArea: 'textarea',
  LongTextArea: 'textarea',
  Html: 'textarea',
  Url: 'url',
  Email: 'email',
  Phone: 'phone',
  Picklist: 'picklist',
  DateTime: 'datetime',
  Date: 'date',
  Number: 'double',
  Currency: 'currency',
  Percent: 'percent',
  Lookup: 'reference',
  MasterDetail: 'reference',
};

const DEFAULT_LENGTH: Partial<Record<string, number>> = {
  TextArea: 255,
  Url: 255,
  Email: 80,
  Phone: 40,
  Picklist: 255,
};

function picklistValues(valueSet: unknown): { values: PicklistValue[]; restricted: boolean } {
  const set = (valueSet ?? {}) as Xml;
  const definition = (set.valueSetDefinition ?? {}) as Xml;
  const values = ((definition.value as Xml[] | undefined) ?? []).map((v) => ({
    value: str(v.fullName) ?? '',
    label: str(v.label) ?? str(v.fullName) ?? '',
    defaultValue: bool(v.default),
  }));
  return { values, restricted: bool(set.restricted) };
}

/** A `CustomField` element as the emulator's field definition. */
export function fieldFromMetadata(element: Xml, source: string): FieldDef {
  const name = str(element.fullName);
  const metadataType = str(element.type);
  if (!name || !metadataType) throw new Error(`${source}: fullName and type are required`);
  const type = TYPE_OF_METADATA[metadataType];
  if (!type) throw new Error(`${source}: field type ${metadataType} is not supported by the emulator`);
  const field: FieldDef = {
    name,
    label: str(element.label) ?? name,
    type,
    nillable: type !== 'boolean' && !bool(element.required),
    createable: true,
    updateable: true,
    custom: true,
    externalId: bool(element.externalId),
    unique: bool(element.unique),
    caseSensitive: bool(element.caseSensitive),
    required: bool(element.required),
    inlineHelpText: str(element.inlineHelpText),
    description: str(element.description),
  };
  const length = num(element.length) ?? DEFAULT_LENGTH[metadataType];
  if (length !== undefined) field.length = length;
  if (metadataType === 'LongTextArea') field.extraTypeInfo = 'plaintextarea';
  if (metadataType === 'Html') field.extraTypeInfo = 'richtextarea';
  if (type === 'boolean') field.defaultValue = bool(element.defaultValue);
  if (type === 'picklist') {
    const { values, restricted } = picklistValues(element.valueSet);
    field.picklistValues = values;
    field.restrictedPicklist = restricted;
  }
  if (type === 'reference') {
    const target = str(element.referenceTo);
    if (!target) throw new Error(`${source}: a lookup needs referenceTo`);
    field.referenceTo = [target];
    field.length = 18;
    const relationship = str(element.relationshipName);
    if (relationship) field.relationshipName = `${relationship}__r`;
  }
  if (['double', 'currency', 'percent'].includes(type)) {
    field.precision = num(element.precision) ?? 18;
    field.scale = num(element.scale) ?? 0;
  }
  return field;
}

function customObject(name: string, element: Xml, keyPrefix: string): SObjectDef {
  const label = str(element.label) ?? name;
  const customSetting = str(element.customSettingsType) !== undefined;
  const nameField = (element.nameField ?? {}) as Xml;
  const fields: FieldDef[] = [
    {
      name: 'Id',
      label: 'Record ID',
      type: 'id',
      length: 18,
      nillable: false,
      createable: false,
      updateable: false,
      custom: false,
    },
    {
      name: 'IsDeleted',
      label: 'Deleted',
      type: 'boolean',
      nillable: false,
      createable: false,
      updateable: false,
      custom: false,
      defaultValue: false,
    },
    {
      name: 'Name',
      label: str(nameField.label) ?? `${label} Name`,
      type: 'string',
      length: 80,
      nillable: true,
      createable: true,
      updateable: true,
      custom: false,
    },
    ...(customSetting
      ? [
          {
            name: 'SetupOwnerId',
            label: 'Location ID',
            type: 'reference',
            length: 18,
            // The organization (its default), a profile or a user: the levels of a hierarchy setting, one record
            // each (a second record for the same location is a duplicate).
            referenceTo: ['Organization', 'Profile', 'User'],
            unique: true,
            relationshipName: 'SetupOwner',
            nillable: true,
            createable: true,
            updateable: true,
            custom: false,
          } satisfies FieldDef,
        ]
      : [
          {
            name: 'OwnerId',
            label: 'Owner ID',
            type: 'reference',
            length: 18,
            referenceTo: ['User'],
            relationshipName: 'Owner',
            nillable: false,
            createable: true,
            updateable: true,
            custom: false,
          } satisfies FieldDef,
        ]),
    ...['CreatedDate', 'LastModifiedDate', 'SystemModstamp'].map((f): FieldDef => ({
      name: f,
      label: f,
      type: 'datetime',
      nillable: false,
      createable: false,
      updateable: false,
      custom: false,
    })),
    ...['CreatedById', 'LastModifiedById'].map((f): FieldDef => ({
      name: f,
      label: f,
      type: 'reference',
      length: 18,
      referenceTo: ['User'],
      relationshipName: f.replace(/Id$/, ''),
      nillable: false,
      createable: false,
      updateable: false,
      custom: false,
    })),
  ];
  return {
    name,
    label,
    labelPlural: str(element.pluralLabel) ?? `${label}s`,
    keyPrefix,
    custom: true,
    customSetting,
    fields: new Map(fields.map((f) => [f.name.toLowerCase(), f])),
  };
}

/** Key prefixes for custom objects, in the `a0A`… range orgs use, in load order. */
function customKeyPrefix(index: number): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  return `a${alphabet[Math.floor(index / alphabet.length) % alphabet.length]}${alphabet[index % alphabet.length]}`;
}

function listFiles(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(suffix))
    .sort();
}

/** Adds the custom objects and fields under `metadataDir` to `schema`; returns the names of what was loaded. */
export function loadMetadata(schema: Schema, metadataDir: string): string[] {
  const objectsDir = join(metadataDir, 'objects');
  const loaded: string[] = [];
  const objectDirs = existsSync(objectsDir) ? readdirSync(objectsDir).sort() : [];
  let customIndex = 0;
  for (const objectName of objectDirs) {
    const definition = join(objectsDir, objectName, `${objectName}.object-meta.xml`);
    if (objectName.endsWith('__c') && existsSync(definition) && !schema.object(objectName)) {
      schema.add(customObject(objectName, readXml(definition, 'CustomObject'), customKeyPrefix(10 + customIndex++)));
      loaded.push(objectName);
    }
  }
  for (const objectName of objectDirs.filter((name) => !name.endsWith('__e'))) {
    const fieldsDir = join(objectsDir, objectName, 'fields');
    const targets = objectName === 'Activity' ? ACTIVITY_OBJECTS : [objectName];
    for (const file of listFiles(fieldsDir, '.field-meta.xml')) {
      const source = join(fieldsDir, file);
      const field = fieldFromMetadata(readXml(source, 'CustomField'), source);
      for (const target of targets) {
        const object = schema.object(target);
        if (!object) throw new Error(`${source}: object ${target} is not known to the emulator`);
        addField(object, field);
        loaded.push(`${object.name}.${field.name}`);
      }
    }
  }
  return loaded;
}
