/**
 * Spaces calls evenly at `perSecond` within this process. Temporal's task-queue rate limit bounds all workers
 * together; this keeps one activity's own calls from bursting past the per-second window inside that bound.
 *
 * Each call's slot is set when the previous one actually went, not booked in advance: after an event-loop stall
 * (a GC pause, a busy core) the calls it delayed go out one gap apart instead of all at once, which Zoom's sliding
 * per-second window would refuse. A timer that fires up to half a gap late costs nothing (the next slot keeps the
 * schedule), so ordinary timer lateness does not slow the rate.
 *
 * A caller may ask `first`: it is granted the next slot before every `normal` caller already waiting, so work that
 * must not wait behind a long queue of background calls (Zoom's meeting creates behind the import's reads) keeps
 * its pace, and the others take every slot it leaves unused.
 */
export type PacerPriority = 'first' | 'normal';

export class RatePacer {
  private readonly gapMs: number;
  /** When the next call may go. */
  private nextSlot = -Infinity;
  private readonly waiting: Record<PacerPriority, (() => void)[]> = { first: [], normal: [] };
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    perSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(perSecond > 0)) throw new Error('perSecond must be positive');
    this.gapMs = 1000 / perSecond;
  }

  /** Resolves when the caller may make its call. */
  acquire(priority: PacerPriority = 'normal'): Promise<void> {
    return new Promise((resolve) => {
      this.waiting[priority].push(resolve);
      this.grantDue();
    });
  }

  /** Grants the first waiting caller if its slot has come, then waits for the next slot. */
  private grantDue(): void {
    if (this.timer !== undefined) return;
    const queue = this.waiting.first.length > 0 ? this.waiting.first : this.waiting.normal;
    if (queue.length === 0) return;
    const now = this.now();
    if (now < this.nextSlot) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.grantDue();
      }, this.nextSlot - now);
      return;
    }
    const grant = queue.shift()!;
    // Late by a timer's jitter: keep the schedule. Idle, or late after a stall: count from this call's own time.
    const onSchedule = now - this.nextSlot <= this.gapMs / 2;
    this.nextSlot = (onSchedule ? this.nextSlot : now) + this.gapMs;
    grant();
    this.grantDue();
  }
}
