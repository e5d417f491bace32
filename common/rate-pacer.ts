/**
 * Spaces calls evenly at `perSecond` within this process. Temporal's task-queue rate limit bounds all workers
 * together; this keeps one activity's own calls from bursting past the per-second window inside that bound.
 */
export class RatePacer {
  private nextSlot = 0;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(perSecond > 0)) throw new Error('perSecond must be positive');
  }

  /** Resolves when the caller may make its call. */
  async acquire(): Promise<void> {
    const now = this.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + 1000 / this.perSecond;
    if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
  }
}
