import { endedInWindow, laterWatermark, reportDays, syncWindow } from '../../domain/sync-window';

const HOUR = 60 * 60_000;
const settings = { intervalMs: HOUR, overlapMs: 10 * 60_000, lookbackMs: 30 * 24 * HOUR };
const at = (iso: string) => Date.parse(iso);

describe('syncWindow', () => {
  const runAt = at('2026-12-01T15:00:00Z');

  it('looks back the whole lookback on the first run', () => {
    expect(syncWindow(runAt, runAt, undefined, true, settings)).toEqual({
      from: '2026-11-01T15:00:00.000Z',
      to: '2026-12-01T15:00:00.000Z',
      backfill: false,
    });
  });

  it("starts the overlap before the previous run's end", () => {
    const previous = { windowEnd: '2026-12-01T14:00:00.000Z', externalEnabled: true };
    expect(syncWindow(runAt, runAt + 5_000, previous, true, settings).from).toBe('2026-12-01T13:50:00.000Z');
  });

  it('looks back the whole lookback when external meetings were off in the previous run', () => {
    const previous = { windowEnd: '2026-12-01T14:00:00.000Z', externalEnabled: false };
    expect(syncWindow(runAt, runAt, previous, true, settings).from).toBe('2026-11-01T15:00:00.000Z');
    // While the toggle stays off, runs still chain (reconciliation needs no window, but the watermark moves).
    expect(syncWindow(runAt, runAt, previous, false, settings).from).toBe('2026-12-01T13:50:00.000Z');
  });

  it('never looks back further than the lookback after a long pause', () => {
    const previous = { windowEnd: '2026-06-01T00:00:00.000Z', externalEnabled: true };
    expect(syncWindow(runAt, runAt, previous, true, settings).from).toBe('2026-11-01T15:00:00.000Z');
  });

  it('gives a backfilled run its own slot and marks it', () => {
    const slot = at('2026-11-20T09:00:00Z');
    const previous = { windowEnd: '2026-12-01T14:00:00.000Z', externalEnabled: true };
    expect(syncWindow(slot, runAt, previous, true, settings)).toEqual({
      from: '2026-11-20T07:50:00.000Z',
      to: '2026-11-20T09:00:00.000Z',
      backfill: true,
    });
  });

  it('never starts after its end (a watermark from the future, e.g. a clock jump)', () => {
    const previous = { windowEnd: '2026-12-02T00:00:00.000Z', externalEnabled: true };
    const window = syncWindow(runAt, runAt, previous, true, settings);
    expect(Date.parse(window.from)).toBeLessThanOrEqual(Date.parse(window.to));
  });
});

describe('laterWatermark', () => {
  it('keeps the later end, so an older backfill never moves the watermark back', () => {
    const newer = { windowEnd: '2026-12-01T14:00:00.000Z', externalEnabled: true };
    const older = { windowEnd: '2026-11-20T09:00:00.000Z', externalEnabled: false };
    expect(laterWatermark(newer, older)).toBe(newer);
    expect(laterWatermark(older, newer)).toBe(newer);
    expect(laterWatermark(undefined, older)).toBe(older);
  });
});

describe('reportDays', () => {
  it('covers meetings that started up to 30 hours before the window, a UTC day each', () => {
    expect(reportDays({ from: '2026-12-01T13:50:00.000Z', to: '2026-12-01T15:00:00.000Z' })).toEqual([
      '2026-11-30',
      '2026-12-01',
    ]);
    expect(reportDays({ from: '2026-12-01T05:00:00.000Z', to: '2026-12-01T06:00:00.000Z' })).toEqual([
      '2026-11-29',
      '2026-11-30',
      '2026-12-01',
    ]);
  });

  it('splits a 30-day lookback into days, each far inside Zoom’s one-month limit', () => {
    const days = reportDays({ from: '2026-11-01T15:00:00.000Z', to: '2026-12-01T15:00:00.000Z' });
    expect(days[0]).toBe('2026-10-31');
    expect(days.at(-1)).toBe('2026-12-01');
    expect(new Set(days).size).toBe(days.length);
    expect(days).toHaveLength(32);
  });
});

describe('endedInWindow', () => {
  const window = { from: '2026-12-01T13:50:00.000Z', to: '2026-12-01T15:00:00.000Z' };
  it('includes the start and excludes the end, so adjacent windows never both miss a meeting', () => {
    expect(endedInWindow('2026-12-01T13:50:00Z', window)).toBe(true);
    expect(endedInWindow('2026-12-01T14:59:59Z', window)).toBe(true);
    expect(endedInWindow('2026-12-01T15:00:00Z', window)).toBe(false);
    expect(endedInWindow('2026-12-01T13:49:59Z', window)).toBe(false);
  });
});
