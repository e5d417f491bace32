/**
 * Bounds how many hand-offs may be in flight: handed off, but their effect not yet seen. The hourly sync hands stale
 * Events to their meeting workflows faster than a worker may finish them after an outage (thousands at once); with
 * more workflows in flight than the worker caches, almost every workflow task replays its whole history first, so
 * the backlog feeds itself (10,000 stale Events took 5.6 times the Zoom floor). A hand-off waits here until one of
 * the earlier ones is seen done, or has been given `holdMs` (one Zoom has not published yet must not hold the rest).
 */
export interface CatchUpWindowOptions {
  /** Hand-offs in flight at most: keep it well under the worker's workflow cache. */
  limit: number;
  /** Of these hand-offs, the ones whose effect is not seen yet. */
  pending: (ids: string[]) => Promise<Set<string>>;
  /** How long a hand-off counts as in flight at most. */
  holdMs: number;
  /** How long a full window waits between two looks at the pending ones. */
  pollMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class CatchUpWindow {
  private readonly inFlight = new Map<string, number>();
  /** One look at a time, shared by every hand-off waiting for a place. */
  private looking: Promise<void> | undefined;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: CatchUpWindowOptions) {
    if (!(options.limit > 0)) throw new Error('limit must be positive');
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  get size(): number {
    return this.inFlight.size;
  }

  /** Resolves when `id` may be handed off, counting it in flight from then on. */
  async admit(id: string): Promise<void> {
    while (this.inFlight.size >= this.options.limit) {
      this.looking ??= this.look().finally(() => (this.looking = undefined));
      await this.looking;
    }
    this.inFlight.set(id, this.now());
  }

  private async look(): Promise<void> {
    await this.sleep(this.options.pollMs);
    const now = this.now();
    for (const [id, since] of this.inFlight) if (now - since >= this.options.holdMs) this.inFlight.delete(id);
    if (this.inFlight.size < this.options.limit) return;
    const pending = await this.options.pending([...this.inFlight.keys()]);
    for (const id of [...this.inFlight.keys()]) if (!pending.has(id)) this.inFlight.delete(id);
  }
}
