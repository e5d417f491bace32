import { DateTime, IANAZone } from 'luxon';

/**
 * Zoom's two `start_time` forms: `yyyy-MM-ddTHH:mm:ssZ` is UTC; `yyyy-MM-ddTHH:mm:ss` is a wall-clock time in
 * the meeting's `timezone` (the host's zone when none is given).
 *
 * Local times DST makes odd (Zoom does not document this; our choice):
 * - in a gap (spring forward) the time does not exist and is shifted forward by the gap, 02:30 → 03:30;
 * - in a fold (fall back) it exists twice and the earlier instant (the pre-transition offset) is taken.
 */

const UTC_FORM = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,3})?Z$/;
const LOCAL_FORM = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;

/** Epoch ms of a `start_time`, or undefined when it is in neither form or is no real date. */
export function parseStartTime(value: string, timezone: string): number | undefined {
  if (UTC_FORM.test(value)) {
    const parsed = DateTime.fromISO(value, { zone: 'utc' });
    return parsed.isValid ? parsed.toMillis() : undefined;
  }
  if (!LOCAL_FORM.test(value)) return undefined;
  const local = DateTime.fromISO(value, { zone: timezone });
  if (!local.isValid) return undefined;
  return earliestInstantOf(value, timezone) ?? local.toMillis();
}

/**
 * The earliest instant whose wall clock in `zone` reads `wallTime`, or undefined when none does (a DST gap;
 * luxon's own answer then shifts the time forward).
 */
function earliestInstantOf(wallTime: string, zone: string): number | undefined {
  const wallAsUtc = DateTime.fromISO(wallTime, { zone: 'utc' }).toMillis();
  const ianaZone = IANAZone.create(zone);
  const offsetsNearby = new Set(
    [-1, 0, 1].map((days) => ianaZone.offset(wallAsUtc + days * 86_400_000)), // minutes east of UTC
  );
  const instants = [...offsetsNearby]
    .map((offset) => wallAsUtc - offset * 60_000)
    .filter((instant) => ianaZone.offset(instant) === (wallAsUtc - instant) / 60_000);
  return instants.length > 0 ? Math.min(...instants) : undefined;
}

/** Zoom renders times as UTC without milliseconds: `2026-03-02T17:00:00Z`. */
export function formatZoomTime(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
