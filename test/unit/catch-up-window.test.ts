import { CatchUpWindow } from '../../common/catch-up-window';

/** A window on a clock the test moves: each look waits one poll, which the fake sleep adds to the clock. */
function windowOf(limit: number, pending: (ids: string[]) => Set<string>, holdMs = 30_000) {
  let clock = 0;
  const looks: string[][] = [];
  const window = new CatchUpWindow({
    limit,
    holdMs,
    pollMs: 500,
    now: () => clock,
    sleep: async (ms) => {
      clock += ms;
    },
    pending: async (ids) => {
      looks.push(ids);
      return pending(ids);
    },
  });
  return { window, looks, elapsed: () => clock };
}

test('admits at once while fewer than the limit are in flight, without looking', async () => {
  const { window, looks } = windowOf(3, () => new Set());
  for (const id of ['a', 'b', 'c']) await window.admit(id);
  expect(window.size).toBe(3);
  expect(looks).toEqual([]);
});

test('a full window admits the next one when a look finds an earlier one done', async () => {
  const done = new Set<string>();
  const { window, looks, elapsed } = windowOf(2, (ids) => new Set(ids.filter((id) => !done.has(id))));
  await window.admit('a');
  await window.admit('b');
  let admitted = false;
  const next = window.admit('c').then(() => (admitted = true));
  // Nothing done yet: every look finds both still pending.
  while (looks.length < 3) await Promise.resolve();
  expect(admitted).toBe(false);
  done.add('a');
  await next;
  expect(looks.at(-1)).toEqual(['a', 'b']);
  expect(window.size).toBe(2);
  expect(elapsed()).toBe(500 * looks.length);
});

test('several waiting share one look, and no more than the freed places are given', async () => {
  const done = new Set<string>();
  const { window, looks } = windowOf(3, (ids) => new Set(ids.filter((id) => !done.has(id))));
  for (const id of ['a', 'b', 'c']) await window.admit(id);
  done.add('a');
  const order: string[] = [];
  const waiting = ['d', 'e'].map((id) => window.admit(id).then(() => order.push(id)));
  await waiting[0];
  expect(order).toEqual(['d']);
  // Both waited on the one look that found 'a' done (two looks would each have asked about it).
  expect(looks.filter((ids) => ids.includes('a'))).toEqual([['a', 'b', 'c']]);
  expect(window.size).toBe(3);
  done.add('b');
  await Promise.all(waiting);
  expect(order).toEqual(['d', 'e']);
  expect(window.size).toBe(3);
});

test('a hand-off whose effect never shows gives its place up after holdMs', async () => {
  const { window, elapsed } = windowOf(1, (ids) => new Set(ids), 2_000);
  await window.admit('stuck');
  await window.admit('next');
  expect(elapsed()).toBe(2_000);
  expect(window.size).toBe(1);
});

test('a limit of zero is refused', () => {
  expect(() => windowOf(0, () => new Set())).toThrow('limit must be positive');
});
