import { DateTime } from 'luxon';
import { MAX_OCCURRENCES } from './meeting-request';
import { type Recurrence } from './store';

/**
 * Occurrences of a recurring meeting with a fixed time (type 8). They keep the wall-clock time of the first one
 * in the meeting's time zone, so a weekly 09:00 stays 09:00 across DST. Zoom's occurrence ids are the start as
 * epoch milliseconds.
 */

export interface Occurrence {
  occurrenceId: string;
  startTime: number;
}

/** Zoom numbers week days 1 = Sunday … 7 = Saturday; luxon 1 = Monday … 7 = Sunday. */
const zoomWeekday = (dt: DateTime): number => (dt.weekday % 7) + 1;

function candidates(first: DateTime, recurrence: Recurrence, step: number): DateTime[] {
  const interval = recurrence.repeat_interval;
  switch (recurrence.type) {
    case 1:
      return [first.plus({ days: step * interval })];
    case 2: {
      const days = (recurrence.weekly_days ?? String(zoomWeekday(first))).split(',').map(Number);
      const weekStart = first.minus({ days: zoomWeekday(first) - 1 }).plus({ weeks: step * interval }); // a Sunday
      return [...new Set(days)].sort((a, b) => a - b).map((day) => weekStart.plus({ days: day - 1 }));
    }
    case 3: {
      const month = first.startOf('month').plus({ months: step * interval });
      const day = recurrence.monthly_day ?? first.day;
      // A month without that day (31 in April) has no occurrence, as in Zoom.
      return day <= (month.daysInMonth ?? 31) ? [month.set({ day, hour: first.hour, minute: first.minute })] : [];
    }
  }
}

export function occurrencesOf(startTime: number, timezone: string, recurrence: Recurrence): Occurrence[] {
  const first = DateTime.fromMillis(startTime, { zone: timezone });
  const endsAt = recurrence.end_date_time ? Date.parse(recurrence.end_date_time) : Number.POSITIVE_INFINITY;
  const wanted = Math.min(recurrence.end_times ?? MAX_OCCURRENCES, MAX_OCCURRENCES);
  const starts: number[] = [];
  for (let step = 0; starts.length < wanted && step < 1000; step += 1) {
    for (const candidate of candidates(first, recurrence, step)) {
      const at = candidate.toMillis();
      if (at < startTime || starts.length >= wanted) continue;
      if (at > endsAt) return starts.map(toOccurrence);
      starts.push(at);
    }
  }
  return starts.map(toOccurrence);
}

function toOccurrence(startTime: number): Occurrence {
  return { occurrenceId: String(startTime), startTime };
}
