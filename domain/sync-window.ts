/**
 * Which stretch of time one run of the hourly sync covers, and how it is cut into the date ranges Zoom's report
 * API accepts. Pure: the workflow passes in the run's time and what the last completed run recorded.
 */

const DAY_MS = 24 * 60 * 60_000;

/** What a completed run leaves behind for the next one (kept in its memo). */
export interface SyncWatermark {
  /** End of the window the run covered (ISO). */
  windowEnd: string;
  /** Whether the run imported external meetings (the admin's toggle as the run saw it). */
  externalEnabled: boolean;
}

export interface SyncWindowSettings {
  intervalMs: number;
  overlapMs: number;
  /** How far back the first run (or the first after the toggle is turned on) looks for external meetings. */
  lookbackMs: number;
}

export interface SyncWindow {
  /** Start of the window (ISO, inclusive): meetings that ended at or after it are covered. */
  from: string;
  /** End of the window (ISO, exclusive). */
  to: string;
  /** A backfilled (or caught-up) run for a past time: it covers its own slot and leaves the watermark alone. */
  backfill: boolean;
}

/**
 * The window of a run that ends at `runAt` (the Schedule's scheduled time, or a time given by hand):
 * - a run for the past (more than one interval before `now`) is a backfill: its own slot, `interval + overlap`;
 * - otherwise from the previous run's end minus the overlap, or `lookback` back when there was no previous run or
 *   external import was off in it (the toggle has just been turned on); never more than `lookback`.
 */
export function syncWindow(
  runAt: number,
  now: number,
  previous: SyncWatermark | undefined,
  externalEnabled: boolean,
  settings: SyncWindowSettings,
): SyncWindow {
  const to = new Date(runAt).toISOString();
  if (now - runAt > settings.intervalMs) {
    return { from: new Date(runAt - settings.intervalMs - settings.overlapMs).toISOString(), to, backfill: true };
  }
  const earliest = runAt - settings.lookbackMs;
  const resumable = previous !== undefined && (previous.externalEnabled || !externalEnabled);
  const from = resumable ? Math.max(earliest, Date.parse(previous.windowEnd) - settings.overlapMs) : earliest;
  return { from: new Date(Math.min(from, runAt)).toISOString(), to, backfill: false };
}

/** The later of two watermarks (a backfill's older end never moves the watermark back). */
export function laterWatermark(a: SyncWatermark | undefined, b: SyncWatermark | undefined): SyncWatermark | undefined {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(b.windowEnd) > Date.parse(a.windowEnd) ? b : a;
}

/** A UTC calendar date, as Zoom's report `from`/`to` take it. */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The UTC days to ask Zoom's report for, oldest first, so that every meeting that ended in the window is listed.
 * The report selects meetings by start date, and a meeting may run up to 30 hours (Zoom ends it then), so the
 * days begin `maxMeetingMs` before the window. One request per day keeps every range far inside Zoom's
 * one-month limit and most days on a single page.
 */
export function reportDays(window: Pick<SyncWindow, 'from' | 'to'>, maxMeetingMs = 30 * 60 * 60_000): string[] {
  const first = Date.parse(utcDate(Date.parse(window.from) - maxMeetingMs));
  const last = Date.parse(window.to);
  const days: string[] = [];
  for (let day = first; day <= last; day += DAY_MS) days.push(utcDate(day));
  return days;
}

/** Whether a meeting that ended at `endTime` belongs to the window. */
export function endedInWindow(endTime: string, window: Pick<SyncWindow, 'from' | 'to'>): boolean {
  const end = Date.parse(endTime);
  return end >= Date.parse(window.from) && end < Date.parse(window.to);
}
