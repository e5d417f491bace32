/**
 * The org's schema: objects and fields with the attributes `describe` reports. Standard objects are declared
 * here; custom fields and objects come from the DX metadata (see metadata.ts), so the emulator and the org
 * package share one declaration.
 */

export type FieldType =
  | 'id'
  | 'string'
  | 'textarea'
  | 'boolean'
  | 'datetime'
  | 'date'
  | 'int'
  | 'double'
  | 'currency'
  | 'percent'
  | 'picklist'
  | 'reference'
  | 'url'
  | 'email'
  | 'phone';

export interface PicklistValue {
  value: string;
  label: string;
  defaultValue: boolean;
}

export interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  /** Maximum length of text types. */
  length?: number;
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  custom: boolean;
  externalId?: boolean;
  unique?: boolean;
  /**
   * A unique text field that treats "ABC" and "abc" as different values. Only such fields compare case-sensitively
   * in SOQL and in external-id matching; every other text comparison ignores case (SOQL "Comparison Operators":
   * "Comparisons on strings are case-sensitive for unique case-sensitive fields").
   */
  caseSensitive?: boolean;
  /** Required on create (beyond the object-specific rules in records.ts). */
  required?: boolean;
  defaultValue?: boolean | string | number | null;
  picklistValues?: PicklistValue[];
  restrictedPicklist?: boolean;
  referenceTo?: string[];
  relationshipName?: string;
  /** Derived by the emulator (Name of a person, AccountId of an Event). */
  calculated?: boolean;
  inlineHelpText?: string;
  description?: string;
  precision?: number;
  scale?: number;
  /** Plain or rich long text, as describe's extraTypeInfo reports. */
  extraTypeInfo?: string;
}

export interface SObjectDef {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  custom: boolean;
  /** Custom settings cannot have owners and are not triggerable. */
  customSetting?: boolean;
  fields: Map<string, FieldDef>;
}

export class Schema {
  private readonly objects = new Map<string, SObjectDef>();

  add(object: SObjectDef): void {
    this.objects.set(object.name.toLowerCase(), object);
  }

  /** The object named `name` (any case), or undefined. */
  object(name: string): SObjectDef | undefined {
    return this.objects.get(name.toLowerCase());
  }

  list(): SObjectDef[] {
    return [...this.objects.values()];
  }

  /** The object whose ids start with `id`'s key prefix. */
  objectOfId(id: string): SObjectDef | undefined {
    const prefix = id.slice(0, 3);
    return this.list().find((o) => o.keyPrefix === prefix);
  }
}

/** The field named `name` (any case) on `object`. */
export function fieldOf(object: SObjectDef, name: string): FieldDef | undefined {
  return object.fields.get(name.toLowerCase());
}

export function addField(object: SObjectDef, field: FieldDef): void {
  object.fields.set(field.name.toLowerCase(), field);
}

/** Whether values of `field` compare case-sensitively (unique case-sensitive text fields only). */
export function isCaseSensitive(field: FieldDef): boolean {
  return field.unique === true && field.caseSensitive === true;
}

/** A text value as equality sees it: as is for a unique case-sensitive field, else lower-cased. */
export function textKey(field: FieldDef, value: string): string {
  return isCaseSensitive(field) ? value : value.toLowerCase();
}

/** Types whose values are text on the wire and compare case-insensitively in SOQL. */
export function isTextType(type: FieldType): boolean {
  return ['string', 'textarea', 'picklist', 'url', 'email', 'phone', 'id', 'reference'].includes(type);
}

// ---- Declaring the standard objects -------------------------------------------------------------------------

type FieldSpec = Partial<FieldDef> & { type: FieldType };

function field(name: string, spec: FieldSpec): FieldDef {
  return {
    name,
    label: spec.label ?? name.replace(/Id$/, ' ID').replace(/([a-z])([A-Z])/g, '$1 $2'),
    nillable: true,
    createable: true,
    updateable: true,
    custom: false,
    ...spec,
  };
}

const text = (length: number, spec: Partial<FieldDef> = {}): FieldSpec => ({ type: 'string', length, ...spec });
const readOnly = { createable: false, updateable: false } as const;
const checkbox = (defaultValue = false, spec: Partial<FieldDef> = {}): FieldSpec => ({
  type: 'boolean',
  nillable: false,
  defaultValue,
  ...spec,
});
const lookup = (referenceTo: string[], relationshipName: string, spec: Partial<FieldDef> = {}): FieldSpec => ({
  type: 'reference',
  length: 18,
  referenceTo,
  relationshipName,
  ...spec,
});
const picklist = (values: string[], spec: Partial<FieldDef> = {}): FieldSpec => ({
  type: 'picklist',
  length: 255,
  picklistValues: values.map((value) => ({ value, label: value, defaultValue: false })),
  ...spec,
});

function systemFields(options: { owner: boolean }): FieldDef[] {
  return [
    field('Id', { type: 'id', length: 18, label: 'Record ID', nillable: false, ...readOnly }),
    field('IsDeleted', checkbox(false, { label: 'Deleted', ...readOnly })),
    ...(options.owner ? [field('OwnerId', lookup(['User'], 'Owner', { label: 'Owner ID', nillable: false }))] : []),
    field('CreatedDate', { type: 'datetime', nillable: false, ...readOnly }),
    field('CreatedById', lookup(['User'], 'CreatedBy', { label: 'Created By ID', nillable: false, ...readOnly })),
    field('LastModifiedDate', { type: 'datetime', nillable: false, ...readOnly }),
    field(
      'LastModifiedById',
      lookup(['User'], 'LastModifiedBy', { label: 'Last Modified By ID', nillable: false, ...readOnly }),
    ),
    field('SystemModstamp', { type: 'datetime', label: 'System Modstamp', nillable: false, ...readOnly }),
  ];
}

function object(
  name: string,
  keyPrefix: string,
  labelPlural: string,
  fields: FieldDef[],
  options: { owner?: boolean; label?: string } = {},
): SObjectDef {
  const all = [...systemFields({ owner: options.owner ?? true }), ...fields];
  return {
    name,
    label: options.label ?? name,
    labelPlural,
    keyPrefix,
    custom: false,
    fields: new Map(all.map((f) => [f.name.toLowerCase(), f])),
  };
}

const personName = [
  field('FirstName', text(40)),
  field('LastName', text(80, { nillable: false, required: true })),
  field('Name', text(121, { label: 'Full Name', calculated: true, ...readOnly })),
];

/** The activity fields Event and Task share (custom fields on `Activity` are added to both). */
const activityFields = (): FieldDef[] => [
  field('Subject', text(255)),
  field('WhoId', lookup(['Contact', 'Lead'], 'Who', { label: 'Name ID' })),
  field('WhatId', lookup(['Account', 'Opportunity'], 'What', { label: 'Related To ID' })),
  field('AccountId', lookup(['Account'], 'Account', { label: 'Account ID', calculated: true, ...readOnly })),
  field('ActivityDate', { type: 'date', label: 'Due Date Only' }),
  field('Description', { type: 'textarea', length: 32_000, extraTypeInfo: 'plaintextarea' }),
  field('IsPrivate', checkbox()),
];

export const EVENT_DURATION_MAX_MINUTES = 14 * 24 * 60;

export function standardObjects(): SObjectDef[] {
  return [
    object(
      'User',
      '005',
      'Users',
      [
        field('Username', text(80, { nillable: false, required: true, unique: true })),
        ...personName,
        field('Email', { type: 'email', length: 128, nillable: false, required: true }),
        field('Alias', text(8)),
        field('TimeZoneSidKey', picklist([], { label: 'Time Zone', nillable: false })),
        field('IsActive', checkbox(true, { label: 'Active' })),
        field('Title', text(80)),
        // Every user has exactly one profile (Object Reference, User.ProfileId: "Required"); a hierarchy custom
        // setting's Profile level is keyed by it.
        field('ProfileId', lookup(['Profile'], 'Profile', { label: 'Profile ID', nillable: false, required: true })),
      ],
      { owner: false },
    ),
    // Only as what a user has and what a hierarchy custom setting's middle level points at.
    object('Profile', '00e', 'Profiles', [field('Name', text(255, { nillable: false, required: true }))], {
      owner: false,
    }),
    object('Account', '001', 'Accounts', [
      field('Name', text(255, { label: 'Account Name', nillable: false, required: true })),
      field('Type', picklist(['Prospect', 'Customer - Direct', 'Customer - Channel', 'Partner', 'Other'])),
      field('Industry', picklist(['Technology', 'Manufacturing', 'Finance', 'Other'])),
      field('Phone', { type: 'phone', length: 40 }),
      field('Website', { type: 'url', length: 255 }),
      field('BillingCity', text(40)),
    ]),
    object('Contact', '003', 'Contacts', [
      ...personName,
      field('AccountId', lookup(['Account'], 'Account')),
      field('Email', { type: 'email', length: 80 }),
      field('Phone', { type: 'phone', length: 40 }),
      field('Title', text(128)),
    ]),
    object('Lead', '00Q', 'Leads', [
      ...personName,
      field('Company', text(255, { nillable: false, required: true })),
      field('Email', { type: 'email', length: 80 }),
      field('Phone', { type: 'phone', length: 40 }),
      field('Title', text(128)),
      field(
        'Status',
        picklist(['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'], {
          nillable: false,
          defaultValue: 'Open - Not Contacted',
        }),
      ),
      field('IsConverted', checkbox(false, { label: 'Converted', ...readOnly })),
    ]),
    object('Opportunity', '006', 'Opportunities', [
      field('Name', text(120, { nillable: false, required: true })),
      field('AccountId', lookup(['Account'], 'Account')),
      field(
        'StageName',
        picklist(['Prospecting', 'Qualification', 'Proposal/Price Quote', 'Closed Won', 'Closed Lost'], {
          label: 'Stage',
          nillable: false,
          required: true,
        }),
      ),
      field('CloseDate', { type: 'date', nillable: false, required: true }),
      field('Amount', { type: 'currency', precision: 18, scale: 2 }),
    ]),
    // Object reference, Calendar: "a default user calendar, public calendar, resource calendar, or holiday
    // calendar" (API 45.0+; read-only through the API). Here only as what an Event's owner can be.
    object(
      'Calendar',
      '023',
      'Calendars',
      [
        field('Name', text(80, { label: 'Calendar Name', ...readOnly })),
        field('Type', picklist(['User', 'Public', 'Resource', 'Holiday'], { label: 'Calendar Type', ...readOnly })),
        field('IsActive', checkbox(true, { label: 'Active', ...readOnly })),
        field('UserId', lookup(['User'], 'User', { label: 'User ID', ...readOnly })),
      ],
      { owner: false },
    ),
    object('Event', '00U', 'Events', [
      // Object reference, Event.OwnerId: "the user or public calendar who owns the event": polymorphic, so SOQL
      // reaches only the Name object's fields through Owner.
      field('OwnerId', lookup(['Calendar', 'User'], 'Owner', { label: 'Assigned To ID', nillable: false })),
      ...activityFields(),
      field('StartDateTime', { type: 'datetime', label: 'Start Date Time' }),
      field('EndDateTime', { type: 'datetime', label: 'End Date Time' }),
      field('ActivityDateTime', { type: 'datetime', label: 'Due Date Time' }),
      field('DurationInMinutes', { type: 'int', label: 'Duration', precision: 8, scale: 0 }),
      field('IsAllDayEvent', checkbox(false, { label: 'All-Day Event' })),
      field('Location', text(255)),
      field('ShowAs', picklist(['Busy', 'OutOfOffice', 'Free'], { label: 'Show Time As', defaultValue: 'Busy' })),
      field('Type', picklist(['Call', 'Email', 'Meeting', 'Other'])),
      field('IsRecurrence', checkbox(false, { label: 'Create Recurring Series of Events' })),
      field('IsChild', checkbox(false, { label: 'Is Child', ...readOnly })),
      field('IsGroupEvent', checkbox(false, { label: 'Is Group Event', ...readOnly })),
    ]),
    object('Task', '00T', 'Tasks', [
      ...activityFields(),
      field(
        'Status',
        picklist(['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'], {
          nillable: false,
          defaultValue: 'Not Started',
        }),
      ),
      field('Priority', picklist(['High', 'Normal', 'Low'], { nillable: false, defaultValue: 'Normal' })),
      field('IsClosed', checkbox(false, { label: 'Closed', ...readOnly })),
    ]),
    object(
      'EventRelation',
      '0RE',
      'Event Relations',
      [
        field('EventId', lookup(['Event'], 'Event', { nillable: false, required: true, updateable: false })),
        field(
          'RelationId',
          lookup(['User', 'Contact', 'Lead'], 'Relation', { nillable: false, required: true, updateable: false }),
        ),
        field('Status', picklist(['New', 'Declined', 'Accepted'], { defaultValue: 'New' })),
        field('Response', text(255)),
        field('RespondedDate', { type: 'datetime' }),
        field('IsInvitee', checkbox(true)),
        field('IsParent', checkbox(false)),
        field('IsWhat', checkbox(false)),
      ],
      { owner: false, label: 'Event Relation' },
    ),
  ];
}
