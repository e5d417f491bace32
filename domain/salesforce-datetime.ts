/**
 * Salesforce date-times as the REST API and Apex `JSON.serialize` write them (`2026-11-26T18:00:00.000+0000`),
 * also with `Z` or `+00:00` and with or without milliseconds. Normalised to ISO UTC with milliseconds and `Z`, a
 * fixed-width form, so two normalised values compare correctly as strings.
 */

const SALESFORCE_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(?:(Z)|([+-])(\d{2}):?(\d{2}))$/;

/** `2026-11-26T18:00:00.000Z` for a valid Salesforce date-time, `undefined` for anything else. */
export function normaliseSalesforceDateTime(text: string): string | undefined {
  const match = SALESFORCE_DATE_TIME.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction = '0', zulu, sign, offsetHours, offsetMinutes] = match;
  const fields = [year, month, day, hour, minute, second].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const [y, mo, d, h, mi, s] = fields;
  const millis = Number(fraction.padEnd(3, '0'));
  const local = new Date(Date.UTC(y, mo - 1, d, h, mi, s, millis));
  // Date.UTC rolls 31 April over to 1 May; a valid date-time survives the round trip unchanged.
  const rolledOver =
    local.getUTCFullYear() !== y ||
    local.getUTCMonth() !== mo - 1 ||
    local.getUTCDate() !== d ||
    local.getUTCHours() !== h ||
    local.getUTCMinutes() !== mi ||
    local.getUTCSeconds() !== s;
  if (rolledOver || y < 1000) return undefined;
  let offsetMs = 0;
  if (!zulu) {
    const oh = Number(offsetHours);
    const om = Number(offsetMinutes);
    if (oh > 14 || om > 59) return undefined;
    offsetMs = (sign === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  return new Date(local.getTime() - offsetMs).toISOString();
}
