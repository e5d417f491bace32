/**
 * Salesforce record ids: 15 case-sensitive alphanumerics, or 18 where the last 3 characters encode the case of
 * the first 15 (so the id survives case-insensitive systems). The first 3 characters are the object's key prefix.
 */

/** Key prefixes of the objects the integration meets. */
export const SALESFORCE_KEY_PREFIX = {
  event: '00U',
  user: '005',
  contact: '003',
  lead: '00Q',
  profile: '00e',
  organization: '00D',
} as const;

const ID_15 = /^[a-zA-Z0-9]{15}$/;
const ID_18 = /^[a-zA-Z0-9]{18}$/;
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** Each 5-character chunk of the 15-char id gives one suffix character: bit i is set when character i is A–Z. */
function checksumSuffix(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const char = id15.charAt(chunk * 5 + i);
      if (char >= 'A' && char <= 'Z') bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET.charAt(bits);
  }
  return suffix;
}

function hasPrefix(id: string, prefix: string | readonly string[] | undefined): boolean {
  if (prefix === undefined) return true;
  const prefixes: readonly string[] = typeof prefix === 'string' ? [prefix] : prefix;
  return prefixes.some((p) => id.startsWith(p));
}

/**
 * True for a well-formed 15-char id, or an 18-char id whose suffix matches the case of its first 15 characters
 * exactly; and, when `prefix` is given, whose key prefix is (one of) `prefix`.
 */
export function isSalesforceId(id: unknown, prefix?: string | readonly string[]): id is string {
  if (typeof id !== 'string') return false;
  const wellFormed = ID_15.test(id) || (ID_18.test(id) && checksumSuffix(id.slice(0, 15)) === id.slice(15));
  return wellFormed && hasPrefix(id, prefix);
}

/**
 * The 18-char form of a Salesforce id. Accepts a 15-char id, or an 18-char id with a valid suffix (returned as is);
 * throws on anything else, so callers validate with `isSalesforceId` first.
 */
export function toSalesforceId18(id15: string): string {
  if (!isSalesforceId(id15)) throw new Error('Not a Salesforce id');
  return id15.length === 18 ? id15 : id15 + checksumSuffix(id15);
}

/** Whether two ids name the same record: a 15-char id and its 18-char form are the same (the first 15 decide). */
export function sameId(a: string | null | undefined, b: string | null | undefined): boolean {
  return typeof a === 'string' && typeof b === 'string' && a.slice(0, 15) === b.slice(0, 15);
}
