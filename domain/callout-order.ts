import { SNAPSHOT_FIELDS, type EventCalloutItem } from './event-fields';

/**
 * The order of the org's callouts for one Event. Salesforce stamps each save with `SystemModstamp`, which has
 * one-second resolution: a newer stamp wins; at the same stamp a delete wins over an upsert (the record is gone); and
 * two different upserts at the same stamp are two saves in one second whose order only Salesforce knows, so the
 * workflow reads the Event again instead of dropping the second one.
 */

/** Newer SystemModstamp wins; at the same stamp a delete wins over an upsert (the record is gone). */
export function isNewer(item: EventCalloutItem, lastApplied: string | undefined, deleted: boolean): boolean {
  if (lastApplied === undefined) return true;
  if (item.event.SystemModstamp > lastApplied) return true;
  return item.event.SystemModstamp === lastApplied && item.operation === 'delete' && !deleted;
}

/**
 * An upsert at the stamp last applied that differs from the callout applied: another save in the same second. Not
 * one after a delete (nothing follows it), nor the org's repeat of the callout applied (the same snapshot again).
 */
export function isSameSecondSave(
  item: EventCalloutItem,
  lastApplied: EventCalloutItem | undefined,
  deleted: boolean,
): boolean {
  if (!lastApplied || deleted || item.operation !== 'upsert') return false;
  if (item.event.SystemModstamp !== lastApplied.event.SystemModstamp) return false;
  return canonical(item) !== canonical(lastApplied);
}

/**
 * The callout's fields in a fixed order (absent ones null), so two copies of one snapshot compare equal. The meeting id is
 * the integration's own write, not a save of the rep's: an Event read after it differs from the callout only there.
 */
function canonical(item: EventCalloutItem): string {
  const event = item.event as unknown as Record<string, unknown>;
  const fields = SNAPSHOT_FIELDS.filter((key) => key !== 'Zoom_Meeting_Id__c').map((key) => event[key] ?? null);
  return JSON.stringify([item.operation, fields]);
}

/** What the workflow does with the callouts that arrived since it last looked. */
export interface CalloutBatch {
  /** The newest of them, when any is newer than what was applied: the one to apply. */
  newest?: EventCalloutItem;
  /** None is newer, but one is another save in the second last applied: read the Event again. */
  sameSecondSave: boolean;
  /** How many are dropped as stale or superseded within the batch (all but `newest`). */
  dropped: number;
}

/** Of a batch of callouts, only the newest is applied (older and duplicate ones are counted and dropped). */
export function planCalloutBatch(
  items: readonly EventCalloutItem[],
  applied: { modstamp: string | undefined; lastCallout: EventCalloutItem | undefined; deleted: boolean },
): CalloutBatch {
  const fresh = items.filter((item) => isNewer(item, applied.modstamp, applied.deleted));
  if (fresh.length === 0) {
    const sameSecondSave = items.some((item) => isSameSecondSave(item, applied.lastCallout, applied.deleted));
    return { sameSecondSave, dropped: items.length };
  }
  const newest = fresh.reduce((a, b) => (isNewer(b, a.event.SystemModstamp, a.operation === 'delete') ? b : a));
  return { newest, sameSecondSave: false, dropped: items.length - 1 };
}
