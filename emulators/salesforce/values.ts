import { normaliseSalesforceDateTime } from '../../domain/salesforce-datetime';
import { isSalesforceId, toSalesforceId18 } from '../../domain/salesforce-id';

/** Wire formats of field values: what the REST API returns, and what it accepts. */

export type FieldValue = string | number | boolean | null;
export type SRecord = Record<string, FieldValue>;

/** `2026-11-26T18:00:00.000+0000`, the REST API's date-time format. */
export function formatDateTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('Z', '+0000');
}

/** A date-time as the API accepts it (`Z`, `+0000`, `+00:00`, with or without ms), or undefined. */
export function parseDateTime(text: string): number | undefined {
  const iso = normaliseSalesforceDateTime(text);
  return iso === undefined ? undefined : Date.parse(iso);
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Midnight UTC of a `YYYY-MM-DD` date, or undefined. */
export function parseDate(text: string): number | undefined {
  const match = DATE.exec(text);
  if (!match) return undefined;
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return new Date(ms).toISOString().startsWith(text) ? ms : undefined;
}

export function formatDate(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

const ID_18_ANY_SUFFIX = /^[a-zA-Z0-9]{18}$/;

/**
 * The 18-char form of a 15- or 18-char id, or undefined when `value` is not an id. An 18-char id whose suffix
 * does not match its case is read by its first 15 characters (the demo org's Lead ids are such ids).
 */
export function normaliseId(value: unknown): string | undefined {
  if (isSalesforceId(value)) return toSalesforceId18(value);
  if (typeof value === 'string' && ID_18_ANY_SUFFIX.test(value)) return toSalesforceId18(value.slice(0, 15));
  return undefined;
}
