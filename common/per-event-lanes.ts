/**
 * Runs `task` for every item of a batch: items of the same Event one after the other, in array order (so the
 * workflow receives that Event's changes in the order the org sent them), different Events in parallel with at most
 * `concurrency` tasks in flight.
 */
export async function forEachInEventOrder<T extends { eventId: string }>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  return forEachInLanes(items, (item) => item.eventId, concurrency, task);
}

/**
 * Runs `task` for every item: items of one lane one after the other, in array order, lanes in parallel with at most
 * `concurrency` tasks in flight. After the first failure no new task starts; the failure is rethrown once the tasks
 * in flight have settled, so the caller never answers while work is still running.
 */
export async function forEachInLanes<T>(
  items: readonly T[],
  laneOf: (item: T) => string,
  concurrency: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  const lanes = new Map<string, T[]>();
  for (const item of items) {
    const lane = lanes.get(laneOf(item));
    if (lane) lane.push(item);
    else lanes.set(laneOf(item), [item]);
  }
  const queue = [...lanes.values()];
  let nextLane = 0;
  let failure: { error: unknown } | undefined;

  async function runLanes(): Promise<void> {
    while (failure === undefined && nextLane < queue.length) {
      const lane = queue[nextLane++];
      for (const item of lane) {
        if (failure !== undefined) return;
        try {
          await task(item);
        } catch (error) {
          failure ??= { error };
          return;
        }
      }
    }
  }

  const runners = Math.max(1, Math.min(concurrency, queue.length));
  await Promise.all(Array.from({ length: runners }, runLanes));
  if (failure !== undefined) throw failure.error;
}
