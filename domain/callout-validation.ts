import { IANAZone } from 'luxon';
import { SNAPSHOT_FIELDS, type CalloutOperation, type EventCalloutItem, type EventSnapshot } from './event-fields';
import { normaliseSalesforceDateTime } from './salesforce-datetime';
import { SALESFORCE_KEY_PREFIX, isSalesforceId, toSalesforceId18 } from './salesforce-id';
import { describeType, isObject, type JsonObject } from './json';

/**
 * Validation and normalisation of the body of `POST /v1/salesforce/events`, the org's trigger callout.
 *
 * Field names in errors are paths from the body root under the Salesforce API names, e.g.
 * `events[3].event.EndDateTime`, so an admin can find both the item and the field.
 *
 * Rules applied to every upsert: JSON types, date-time and id formats (a malformed one means a broken trigger, never
 * user input), Salesforce's own date range (1700–4000) and length limits. Every item's `SystemModstamp` must be in
 * that range and at most 5 minutes ahead of our clock. Rules that only matter for a Zoom meeting (required start, end
 * and owner, their consistency, the time zone) apply only when `Make_Zoom_Meeting__c` is true, so that unticking
 * the box always gets through and cancels the meeting. A delete carries only `Id` and `SystemModstamp`.
 */

export interface FieldError {
  field: string;
  message: string;
}

export interface ItemResult {
  index: number;
  /** The 18-char Event id, when the item's `Id` is valid. */
  eventId?: string;
  /** The normalised item; set only when `errors` is empty. */
  item?: EventCalloutItem;
  errors: FieldError[];
}

export type CalloutBodyResult = { ok: false; errors: FieldError[] } | { ok: true; results: ItemResult[] };

/** Salesforce hands a trigger at most 200 records. */
export const MAX_CALLOUT_ITEMS = 200;
/** Salesforce's cap on the length of a multiday Event. */
export const MAX_EVENT_DURATION_DAYS = 14;
export const SUBJECT_MAX_LENGTH = 255;
export const DESCRIPTION_MAX_LENGTH = 32_000;
/** The date-times Salesforce can store: 1700-01-01T00:00:00Z to 4000-12-31T23:59:59.999Z. */
export const SALESFORCE_MIN_DATE_TIME = '1700-01-01T00:00:00.000Z';
export const SALESFORCE_MAX_DATE_TIME = '4000-12-31T23:59:59.999Z';
/** How far a SystemModstamp may be ahead of our clock (clock skew); further is a broken or hostile stamp. */
export const MAX_MODSTAMP_AHEAD_MS = 5 * 60_000;

export interface ParseOptions {
  /** Our clock, for the SystemModstamp's future check; default `Date.now()`. */
  nowMs?: number;
}

/** Whether Salesforce can store the (normalised, ISO UTC) date-time; they compare as strings. */
export function isStorableDateTime(iso: string): boolean {
  return iso >= SALESFORCE_MIN_DATE_TIME && iso <= SALESFORCE_MAX_DATE_TIME;
}

/** The rejection of a date-time outside Salesforce's range; only the year is echoed. */
export function outOfRangeMessage(field: string, iso: string): string {
  return `${field} ${iso.slice(0, 4)}-… is out of range: Salesforce stores date-times from 1700-01-01 to 4000-12-31 (UTC)`;
}

/** Whether `zone` is an IANA time zone name, the rule for `Customer_Time_Zone__c` and for Zoom's `timezone`. */
export function isTimeZoneName(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

const OPERATIONS: readonly CalloutOperation[] = ['upsert', 'delete'];
const BOOLEAN_FIELDS = [
  'IsAllDayEvent',
  'Make_Zoom_Meeting__c',
  'Zoom_Use_PMI__c',
  'Zoom_Join_Before_Host__c',
] as const;
const DATE_TIME_FIELDS = ['StartDateTime', 'EndDateTime'] as const;
const ID_FIELDS = ['OwnerId', 'WhoId', 'WhatId'] as const;
const LENGTH_LIMITS = { Subject: SUBJECT_MAX_LENGTH, Description: DESCRIPTION_MAX_LENGTH } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Salesforce sends blank fields as null; treat a blank string the same for ids, date-times and time zones. */
function isAbsent(value: unknown): value is null | undefined | '' {
  return value === undefined || value === null || value === '';
}

export function parseCalloutBody(json: unknown, options: ParseOptions = {}): CalloutBodyResult {
  const nowMs = options.nowMs ?? Date.now();
  if (!isObject(json)) {
    return { ok: false, errors: [{ field: '', message: 'The body must be a JSON object with an "events" list' }] };
  }
  const { events } = json;
  if (!Array.isArray(events)) {
    return { ok: false, errors: [{ field: 'events', message: 'events is required and must be a list' }] };
  }
  if (events.length === 0) {
    return { ok: false, errors: [{ field: 'events', message: 'events must contain at least one item' }] };
  }
  if (events.length > MAX_CALLOUT_ITEMS) {
    return {
      ok: false,
      errors: [
        {
          field: 'events',
          message: `events has ${events.length} items; send at most ${MAX_CALLOUT_ITEMS} per request`,
        },
      ],
    };
  }
  const notObjects = events.flatMap((item, index) =>
    isObject(item)
      ? []
      : [{ field: `events[${index}]`, message: `Each item must be an object, not ${describeType(item)}` }],
  );
  if (notObjects.length > 0) return { ok: false, errors: notObjects };
  return { ok: true, results: (events as JsonObject[]).map((item, index) => parseItem(item, index, nowMs)) };
}

/** Collects the errors of one item while building its normalised snapshot. */
class ItemParser {
  readonly errors: FieldError[] = [];
  readonly snapshot: Partial<Record<keyof EventSnapshot, unknown>> = {};

  constructor(
    private readonly path: string,
    private readonly event: JsonObject,
  ) {}

  fail(field: string, message: string): void {
    this.errors.push({ field: `${this.path}.${field}`, message });
  }

  raw(field: keyof EventSnapshot): unknown {
    return this.event[field];
  }

  /** The value when it is a string or null (kept), otherwise an error. */
  stringOrNull(field: keyof EventSnapshot): string | null | undefined {
    const value = this.event[field];
    if (value === undefined || value === null || typeof value === 'string') return value;
    this.fail(field, `${field} must be text or null, not ${describeType(value)}`);
    return undefined;
  }
}

function parseItem(raw: JsonObject, index: number, nowMs: number): ItemResult {
  const path = `events[${index}]`;
  const errors: FieldError[] = [];
  const operation = raw.operation;
  if (typeof operation !== 'string' || !(OPERATIONS as readonly string[]).includes(operation)) {
    errors.push({ field: `${path}.operation`, message: 'operation must be "upsert" or "delete"' });
  }
  if (!isObject(raw.event)) {
    errors.push({ field: `${path}.event`, message: `event must be an object with the Event's fields` });
    return { index, errors };
  }

  const parser = new ItemParser(`${path}.event`, raw.event);
  const eventId = parseEventId(parser);
  parseModstamp(parser, nowMs);
  if (operation === 'upsert') parseUpsertFields(parser);
  errors.push(...parser.errors);

  const result: ItemResult = { index, errors };
  if (eventId !== undefined) result.eventId = eventId;
  if (errors.length === 0) {
    result.item = { operation: operation as CalloutOperation, event: orderedSnapshot(parser.snapshot) };
  }
  return result;
}

function parseEventId(parser: ItemParser): string | undefined {
  const id = parser.raw('Id');
  if (isAbsent(id)) {
    parser.fail('Id', 'Id is required');
    return undefined;
  }
  if (!isSalesforceId(id)) {
    parser.fail('Id', 'Id must be a 15- or 18-character Salesforce record id (an 18-character id must keep its case)');
    return undefined;
  }
  if (!isSalesforceId(id, SALESFORCE_KEY_PREFIX.event)) {
    parser.fail('Id', `Id must be the id of an Event (starting with ${SALESFORCE_KEY_PREFIX.event})`);
    return undefined;
  }
  const id18 = toSalesforceId18(id);
  parser.snapshot.Id = id18;
  return id18;
}

const DATE_TIME_HINT = 'a Salesforce date-time such as 2026-11-26T18:00:00.000+0000';

function parseModstamp(parser: ItemParser, nowMs: number): void {
  const value = parser.raw('SystemModstamp');
  if (isAbsent(value)) {
    parser.fail('SystemModstamp', 'SystemModstamp is required (the workflow uses it to ignore out-of-date callouts)');
    return;
  }
  const normalised = typeof value === 'string' ? normaliseSalesforceDateTime(value) : undefined;
  if (normalised === undefined) {
    parser.fail('SystemModstamp', `SystemModstamp must be ${DATE_TIME_HINT}`);
    return;
  }
  // A stamp from the far future would make every later, real edit of the Event look older, and be ignored.
  if (!isStorableDateTime(normalised)) {
    parser.fail('SystemModstamp', outOfRangeMessage('SystemModstamp', normalised));
    return;
  }
  if (Date.parse(normalised) > nowMs + MAX_MODSTAMP_AHEAD_MS) {
    parser.fail(
      'SystemModstamp',
      `SystemModstamp is more than ${MAX_MODSTAMP_AHEAD_MS / 60_000} minutes in the future; Salesforce stamps a change when it is saved`,
    );
    return;
  }
  parser.snapshot.SystemModstamp = normalised;
}

function parseUpsertFields(parser: ItemParser): void {
  for (const field of BOOLEAN_FIELDS) {
    const value = parser.raw(field);
    if (value === undefined) continue;
    if (value === null || typeof value === 'boolean') parser.snapshot[field] = value;
    else parser.fail(field, `${field} must be true, false or null, not ${describeType(value)}`);
  }

  const times: Partial<Record<(typeof DATE_TIME_FIELDS)[number], string>> = {};
  for (const field of DATE_TIME_FIELDS) {
    const value = parser.stringOrNull(field);
    if (value === undefined) continue;
    if (isAbsent(value)) {
      parser.snapshot[field] = null;
      continue;
    }
    const normalised = normaliseSalesforceDateTime(value);
    if (normalised === undefined) parser.fail(field, `${field} must be ${DATE_TIME_HINT}`);
    else if (!isStorableDateTime(normalised)) parser.fail(field, outOfRangeMessage(field, normalised));
    else parser.snapshot[field] = times[field] = normalised;
  }

  for (const field of ID_FIELDS) {
    const value = parser.stringOrNull(field);
    if (value === undefined) continue;
    if (isAbsent(value)) parser.snapshot[field] = null;
    else if (isSalesforceId(value)) parser.snapshot[field] = toSalesforceId18(value);
    else parser.fail(field, `${field} must be a 15- or 18-character Salesforce record id`);
  }

  for (const field of ['Subject', 'Description', 'Zoom_Additional_Emails__c'] as const) {
    const value = parser.stringOrNull(field);
    if (value !== undefined) parser.snapshot[field] = value;
  }
  const zone = parser.stringOrNull('Customer_Time_Zone__c');
  if (zone !== undefined) parser.snapshot.Customer_Time_Zone__c = isAbsent(zone) ? null : zone.trim() || null;
  for (const [field, max] of Object.entries(LENGTH_LIMITS) as [keyof typeof LENGTH_LIMITS, number][]) {
    const value = parser.snapshot[field];
    if (typeof value === 'string' && value.length > max) {
      parser.fail(field, `${field} is ${value.length} characters long; Salesforce allows at most ${max}`);
    }
  }
  const zoomMeetingId = parser.stringOrNull('Zoom_Meeting_Id__c');
  if (zoomMeetingId !== undefined) parser.snapshot.Zoom_Meeting_Id__c = zoomMeetingId;

  if (parser.snapshot.Make_Zoom_Meeting__c === true) checkMeetingRequirements(parser, times);
}

/** What a Zoom meeting needs from its Event; checked only when the box is ticked. */
function checkMeetingRequirements(
  parser: ItemParser,
  times: Partial<Record<(typeof DATE_TIME_FIELDS)[number], string>>,
): void {
  const ticked = 'when Make_Zoom_Meeting__c is checked';
  for (const field of DATE_TIME_FIELDS) {
    if (isAbsent(parser.raw(field))) parser.fail(field, `${field} is required ${ticked}`);
  }
  // An all-day Event's times are midnight UTC of its days; its workflow puts the reason on the Event itself.
  if (times.StartDateTime && times.EndDateTime && parser.snapshot.IsAllDayEvent !== true) {
    const durationMs = Date.parse(times.EndDateTime) - Date.parse(times.StartDateTime);
    if (durationMs <= 0) parser.fail('EndDateTime', 'EndDateTime must be after StartDateTime');
    else if (durationMs > MAX_EVENT_DURATION_DAYS * DAY_MS) {
      parser.fail(
        'EndDateTime',
        `The Event lasts more than ${MAX_EVENT_DURATION_DAYS} days, the most Salesforce allows`,
      );
    }
  }

  const owner = parser.raw('OwnerId');
  if (isAbsent(owner)) parser.fail('OwnerId', `OwnerId is required ${ticked} (the owner hosts the meeting)`);
  else if (isSalesforceId(owner) && !isSalesforceId(owner, SALESFORCE_KEY_PREFIX.user)) {
    parser.fail(
      'OwnerId',
      `OwnerId must be a User (starting with ${SALESFORCE_KEY_PREFIX.user}) to host a Zoom meeting`,
    );
  }

  const who = parser.raw('WhoId');
  const contactOrLead = [SALESFORCE_KEY_PREFIX.contact, SALESFORCE_KEY_PREFIX.lead];
  if (!isAbsent(who) && isSalesforceId(who) && !isSalesforceId(who, contactOrLead)) {
    parser.fail('WhoId', `WhoId must be a Contact (${contactOrLead[0]}) or a Lead (${contactOrLead[1]})`);
  }

  const zone = parser.snapshot.Customer_Time_Zone__c;
  if (typeof zone === 'string' && !isTimeZoneName(zone)) {
    const shown = zone.length > 64 ? `${zone.slice(0, 64)}…` : zone;
    parser.fail(
      'Customer_Time_Zone__c',
      `Customer_Time_Zone__c "${shown}" is not a time zone name; use an IANA name such as "America/New_York"`,
    );
  }
}

/** The snapshot with its fields in `SNAPSHOT_FIELDS` order; fields the item did not carry stay absent. */
function orderedSnapshot(fields: Partial<Record<keyof EventSnapshot, unknown>>): EventSnapshot {
  const snapshot: Partial<Record<keyof EventSnapshot, unknown>> = {};
  for (const field of SNAPSHOT_FIELDS) {
    if (fields[field] !== undefined) snapshot[field] = fields[field];
  }
  return snapshot as unknown as EventSnapshot;
}
