/**
 * RatePacer spaces calls at its rate even when the event loop stalls: the calls a stall delayed go out one gap
 * apart afterwards, not all at once (Zoom counts its per-second limits over a sliding window, so a burst after a
 * stall is refused as 429s). Real timers and a real stall (a busy loop), as a GC pause or a busy core makes one.
 */
import { RatePacer } from '../../common/rate-pacer';

/** Blocks the event loop: no timer fires, no I/O is served. */
function stallEventLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy
  }
}

/** The most release times that fall within any window of `windowMs`. */
function busiestWindow(times: number[], windowMs: number): number {
  let most = 0;
  for (let i = 0, j = 0; j < times.length; j += 1) {
    while (times[j] - times[i] >= windowMs) i += 1;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

/** Acquires `count` slots at once; `onFirst` runs when the first is granted. Returns the grant times in order. */
async function grantTimes(pacer: RatePacer, count: number, onFirst: () => void = () => {}): Promise<number[]> {
  const times: number[] = [];
  await Promise.all(
    Array.from({ length: count }, () =>
      pacer.acquire().then(() => {
        times.push(Date.now());
        if (times.length === 1) onFirst();
      }),
    ),
  );
  return times;
}

describe('RatePacer', () => {
  const perSecond = 50;
  const gapMs = 1000 / perSecond;

  it('grants the first call at once', async () => {
    const started = Date.now();
    await new RatePacer(perSecond).acquire();
    expect(Date.now() - started).toBeLessThan(gapMs);
  });

  it('after an event-loop stall, the delayed calls go out spaced at the rate, not in a burst', async () => {
    const times = await grantTimes(new RatePacer(perSecond), 20, () => stallEventLoop(250));
    // A 250 ms stall delays the next dozen slots. At the rate, 100 ms hold 5 gaps, so 6 calls; a late timer may let
    // one more through (half a gap is absorbed to keep the rate), never more.
    expect(busiestWindow(times, 100)).toBeLessThanOrEqual(100 / gapMs + 2);
    for (let i = 1; i < times.length; i += 1) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(gapMs / 2 - 1);
  });

  it('keeps its rate over many calls when its timers fire a little late', async () => {
    const started = Date.now();
    const times = await grantTimes(new RatePacer(perSecond), 41);
    const ideal = 40 * gapMs;
    expect(times[40] - started).toBeGreaterThanOrEqual(ideal - 1);
    // A millisecond or two of timer lateness per call would add up to 5–10% over 40 calls; it must not accumulate.
    expect(times[40] - started).toBeLessThan(ideal * 1.1);
  });

  it('grants a caller asking first before the normal callers already waiting, and the rest keep their order', async () => {
    const pacer = new RatePacer(perSecond);
    const order: string[] = [];
    const reads = Array.from({ length: 6 }, (_, i) => pacer.acquire().then(() => order.push(`read ${i}`)));
    const create = pacer.acquire('first').then(() => order.push('create'));
    await Promise.all([...reads, create]);
    // The idle pacer granted the first read at once; the create takes the next slot, ahead of five waiting reads.
    expect(order).toEqual(['read 0', 'create', 'read 1', 'read 2', 'read 3', 'read 4', 'read 5']);
  });

  describe('with a catch-up allowance', () => {
    const slowRate = 20;
    const slowGapMs = 1000 / slowRate;
    const idle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    it('grants at once the slots nobody asked for during a short pause, keeping the schedule it had', async () => {
      const pacer = new RatePacer(slowRate, { catchUpMs: 1000 });
      await pacer.acquire();
      const started = Date.now();
      await idle(6 * slowGapMs);
      const times = await grantTimes(pacer, 10);
      // Slots 1–6 fell in the pause and go at once; 7–10 keep the schedule: the tenth at 10 gaps from the first.
      expect(times[5] - started).toBeLessThan(7 * slowGapMs);
      expect(times[9] - started).toBeGreaterThanOrEqual(10 * slowGapMs - 2);
      expect(times[9] - started).toBeLessThan(12 * slowGapMs);
    });

    it('after a pause longer than the allowance, counts from the next call again', async () => {
      const pacer = new RatePacer(slowRate, { catchUpMs: 2 * slowGapMs });
      await pacer.acquire();
      await idle(8 * slowGapMs);
      const times = await grantTimes(pacer, 6);
      expect(times[5] - times[0]).toBeGreaterThanOrEqual(5 * slowGapMs - 2);
    });
  });
});

describe('RatePacer with an abort signal', () => {
  it('lets a caller that gives up while waiting leave, and the next caller takes its slot', async () => {
    const gapMs = 200;
    const pacer = new RatePacer(1000 / gapMs);
    await pacer.acquire();
    const givingUp = new AbortController();
    const abandoned = pacer.acquire('normal', givingUp.signal);
    const started = Date.now();
    const next = pacer.acquire();
    givingUp.abort(new Error('the local activity timed out'));
    await expect(abandoned).rejects.toThrow('the local activity timed out');
    await next;
    // The next caller went in the abandoned slot, one gap after the first, not two.
    expect(Date.now() - started).toBeLessThan(1.5 * gapMs);
  });

  it('refuses at once a caller whose signal is already aborted', async () => {
    const pacer = new RatePacer(10);
    await expect(pacer.acquire('normal', AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
  });
});
