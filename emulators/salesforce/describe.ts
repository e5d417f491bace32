import { isCaseSensitive, type FieldDef, type Schema, type SObjectDef } from './schema';

/** `describe` and `describeGlobal` answers, in the shape jsforce and the Salesforce CLI read. */

const SOAP_TYPES: Record<string, string> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  boolean: 'xsd:boolean',
  datetime: 'xsd:dateTime',
  date: 'xsd:date',
  int: 'xsd:int',
  double: 'xsd:double',
  currency: 'xsd:double',
  percent: 'xsd:double',
};

function objectUrls(object: SObjectDef, version: string): Record<string, string> {
  const base = `/services/data/v${version}/sobjects/${object.name}`;
  return { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` };
}

function objectSummary(object: SObjectDef, version: string) {
  return {
    name: object.name,
    label: object.label,
    labelPlural: object.labelPlural,
    keyPrefix: object.keyPrefix,
    custom: object.custom,
    customSetting: object.customSetting ?? false,
    activateable: false,
    createable: true,
    updateable: true,
    deletable: !['User', 'Profile'].includes(object.name),
    queryable: true,
    retrieveable: true,
    searchable: object.name !== 'EventRelation',
    triggerable: !object.customSetting && object.name !== 'EventRelation',
    layoutable: true,
    replicateable: true,
    undeletable: !['User', 'Profile'].includes(object.name),
    mergeable: ['Account', 'Contact', 'Lead'].includes(object.name),
    urls: objectUrls(object, version),
  };
}

function describeField(field: FieldDef) {
  const isText = field.length !== undefined && !['reference', 'id'].includes(field.type);
  const isNumber = ['int', 'double', 'currency', 'percent'].includes(field.type);
  return {
    name: field.name,
    label: field.label,
    type: field.type,
    soapType: SOAP_TYPES[field.type] ?? 'xsd:string',
    length: isText || field.type === 'reference' || field.type === 'id' ? (field.length ?? 0) : 0,
    byteLength: (field.length ?? 0) * 3,
    precision: isNumber ? (field.precision ?? 18) : 0,
    scale: isNumber ? (field.scale ?? 0) : 0,
    digits: field.type === 'int' ? 9 : 0,
    nillable: field.nillable,
    createable: field.createable,
    updateable: field.updateable,
    custom: field.custom,
    calculated: field.calculated ?? false,
    externalId: field.externalId ?? false,
    idLookup: field.name === 'Id' || (field.externalId ?? false) || (field.unique ?? false),
    unique: field.unique ?? false,
    caseSensitive: isCaseSensitive(field),
    nameField: field.name === 'Name',
    autoNumber: false,
    defaultedOnCreate: field.defaultValue !== undefined || ['Id', 'OwnerId', 'CreatedDate'].includes(field.name),
    defaultValue: field.defaultValue ?? null,
    filterable: field.type !== 'textarea' || (field.length ?? 0) <= 255,
    sortable: field.type !== 'textarea' || (field.length ?? 0) <= 255,
    groupable: !['textarea', 'datetime', 'double', 'currency', 'percent'].includes(field.type),
    aggregatable: true,
    htmlFormatted: field.extraTypeInfo === 'richtextarea',
    extraTypeInfo: field.extraTypeInfo ?? null,
    inlineHelpText: field.inlineHelpText ?? null,
    picklistValues: (field.picklistValues ?? []).map((p) => ({
      active: true,
      defaultValue: p.defaultValue,
      label: p.label,
      validFor: null,
      value: p.value,
    })),
    restrictedPicklist: field.restrictedPicklist ?? false,
    dependentPicklist: false,
    referenceTo: field.referenceTo ?? [],
    relationshipName: field.relationshipName ?? null,
    polymorphicForeignKey: (field.referenceTo?.length ?? 0) > 1,
    cascadeDelete: false,
    restrictedDelete: false,
    deprecatedAndHidden: false,
    permissionable: field.custom,
    writeRequiresMasterRead: false,
  };
}

export function describeGlobal(schema: Schema, version: string) {
  return {
    encoding: 'UTF-8',
    maxBatchSize: 200,
    sobjects: schema.list().map((o) => objectSummary(o, version)),
  };
}

export function describeObjectBasics(object: SObjectDef, version: string) {
  return { objectDescribe: objectSummary(object, version), recentItems: [] };
}

export function describeObject(schema: Schema, object: SObjectDef, version: string) {
  const childRelationships = schema.list().flatMap((child) =>
    [...child.fields.values()]
      .filter((f) => f.referenceTo?.includes(object.name) && child.name === 'EventRelation')
      .map((f) => ({
        childSObject: child.name,
        field: f.name,
        relationshipName: `${child.name}s`,
        cascadeDelete: true,
        deprecatedAndHidden: false,
        restrictedDelete: false,
      })),
  );
  return {
    ...objectSummary(object, version),
    fields: [...object.fields.values()].map(describeField),
    childRelationships,
    recordTypeInfos: [],
    supportedScopes: [{ label: 'All', name: 'everything' }],
  };
}
