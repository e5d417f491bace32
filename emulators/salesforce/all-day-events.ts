import { SalesforceErrors } from './errors';
import { EVENT_DURATION_MAX_MINUTES } from './schema';
import { formatDate, formatDateTime, parseDate, parseDateTime, type FieldValue, type SRecord } from './values';

/**
 * How Salesforce stores an all-day Event (Event in the Object Reference): `ActivityDate` "is always set to
 * midnight in the Coordinated Universal Time (UTC) time zone"; `EndDateTime` or `DurationInMinutes` may be given,
 * and "if both fields are null, the duration defaults to one day". Start and end are midnight UTC of the first and
 * the last day (so a one-day Event starts and ends at the same instant) and the duration is 1440 minutes a day.
 * The object reference does not spell out the end; this is the stricter reading (real-service-findings.md § 6),
 * the one that shows a client an all-day Event is no meeting time.
 */

const DAY_MINUTES = 1440;
const DAY_MS = DAY_MINUTES * 60_000;

const utcDay = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS;
const toMs = (value: FieldValue): number | undefined => (typeof value === 'string' ? parseDateTime(value) : undefined);

export function applyAllDayTiming(record: SRecord, given: Set<string>, before: SRecord | null): void {
  const start =
    toMs(record.StartDateTime) ??
    (typeof record.ActivityDate === 'string' ? parseDate(record.ActivityDate) : undefined);
  if (start === undefined) throw SalesforceErrors.requiredFieldMissing(['ActivityDate']);
  const firstDay = utcDay(start);
  const end = given.has('EndDateTime') ? toMs(record.EndDateTime) : undefined;
  const duration =
    given.has('DurationInMinutes') && typeof record.DurationInMinutes === 'number'
      ? record.DurationInMinutes
      : undefined;
  const daysByEnd = end === undefined ? undefined : (utcDay(end) - firstDay) / DAY_MS + 1;
  const daysByDuration = duration === undefined ? undefined : Math.max(1, Math.ceil(duration / DAY_MINUTES));
  if (daysByEnd !== undefined && daysByDuration !== undefined && daysByEnd !== daysByDuration) {
    throw SalesforceErrors.fieldIntegrity('DurationInMinutes and EndDateTime do not agree', [
      'DurationInMinutes',
      'EndDateTime',
    ]);
  }
  const kept =
    before?.IsAllDayEvent === true && typeof before.DurationInMinutes === 'number'
      ? before.DurationInMinutes / DAY_MINUTES
      : 1;
  const days = daysByEnd ?? daysByDuration ?? kept;
  if (days < 1) {
    throw SalesforceErrors.fieldIntegrity('End Date Time: EndDateTime cannot be before StartDateTime', ['EndDateTime']);
  }
  if (days * DAY_MINUTES > EVENT_DURATION_MAX_MINUTES) {
    throw SalesforceErrors.fieldIntegrity(
      `Event duration cannot exceed ${EVENT_DURATION_MAX_MINUTES} minutes (14 days)`,
      ['DurationInMinutes'],
    );
  }
  record.StartDateTime = formatDateTime(firstDay);
  record.ActivityDateTime = formatDateTime(firstDay);
  record.ActivityDate = formatDate(firstDay);
  record.EndDateTime = formatDateTime(firstDay + (days - 1) * DAY_MS);
  record.DurationInMinutes = days * DAY_MINUTES;
}
