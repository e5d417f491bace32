import { SalesforceErrors } from './errors';

/**
 * SOQL date literals (TODAY, LAST_N_DAYS:30, THIS_MONTH…) as half-open ranges of epoch milliseconds, in the
 * org's time zone, which the emulator takes to be UTC. Weeks start on Sunday (en_US).
 */

export interface DateRange {
  start: number;
  end: number;
}

const DAY = 86_400_000;

function startOfDay(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}

function monthStart(ms: number, offset: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1);
}

function quarterStart(ms: number, offset: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), Math.floor(d.getUTCMonth() / 3) * 3 + offset * 3, 1);
}

function yearStart(ms: number, offset: number): number {
  return Date.UTC(new Date(ms).getUTCFullYear() + offset, 0, 1);
}

function weekStart(ms: number, offset: number): number {
  const today = startOfDay(ms);
  return today - new Date(today).getUTCDay() * DAY + offset * 7 * DAY;
}

type Unit = (ms: number, offset: number) => number;
const UNITS: Record<string, Unit> = {
  DAY: (ms, offset) => startOfDay(ms) + offset * DAY,
  DAYS: (ms, offset) => startOfDay(ms) + offset * DAY,
  WEEK: weekStart,
  WEEKS: weekStart,
  MONTH: monthStart,
  MONTHS: monthStart,
  QUARTER: quarterStart,
  QUARTERS: quarterStart,
  YEAR: yearStart,
  YEARS: yearStart,
};

function period(unit: Unit, now: number, from: number, to: number): DateRange {
  return { start: unit(now, from), end: unit(now, to) };
}

/** The range of a date literal such as `TODAY`, `THIS_WEEK`, `LAST_N_DAYS:30`. */
export function dateLiteralRange(literal: string, now: number): DateRange {
  const upper = literal.toUpperCase();
  const [name, nText] = upper.split(':');
  const day = UNITS.DAY;
  switch (name) {
    case 'YESTERDAY':
      return period(day, now, -1, 0);
    case 'TODAY':
      return period(day, now, 0, 1);
    case 'TOMORROW':
      return period(day, now, 1, 2);
    case 'LAST_90_DAYS':
      return period(day, now, -90, 1);
    case 'NEXT_90_DAYS':
      return period(day, now, 1, 91);
  }
  const relative = /^(THIS|LAST|NEXT)_(WEEK|MONTH|QUARTER|YEAR)$/.exec(name);
  if (relative) {
    const unit = UNITS[relative[2]];
    const offset = relative[1] === 'THIS' ? 0 : relative[1] === 'LAST' ? -1 : 1;
    return period(unit, now, offset, offset + 1);
  }
  const n = Number(nText);
  const withN = /^(LAST|NEXT)_N_(DAYS|WEEKS|MONTHS|QUARTERS|YEARS)$|^N_(DAYS|WEEKS|MONTHS|QUARTERS|YEARS)_AGO$/.exec(
    name,
  );
  if (withN && Number.isInteger(n) && n >= 0) {
    if (withN[3]) return period(UNITS[withN[3]], now, -n, -n + 1);
    const unit = UNITS[withN[2]];
    if (withN[2] === 'DAYS') return withN[1] === 'LAST' ? period(unit, now, -n, 1) : period(unit, now, 1, n + 1);
    return withN[1] === 'LAST' ? period(unit, now, -n, 0) : period(unit, now, 1, n + 1);
  }
  throw SalesforceErrors.malformedQuery(`Date literal ${literal} is not supported by this org`);
}
