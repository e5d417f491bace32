/**
 * Spaces calls evenly at `perSecond` within this process. Temporal's task-queue rate limit bounds all workers
 * together; this keeps one activity's own calls from bursting past the per-second window inside that bound.
 *
 * Each call's slot is set when the previous one actually went, not booked in advance: after an event-loop stall
 * (a GC pause, a busy core) the calls it delayed go out one gap apart instead of all at once, which Zoom's sliding
 * per-second window would refuse. A timer that fires up to half a gap late costs nothing (the next slot keeps the
 * schedule), so ordinary timer lateness does not slow the rate.
 *
 * With `catchUpMs`, a call late by up to that much keeps the schedule instead: the slots nobody asked for during a
 * short pause are granted at once. For a pacer whose callers do not call Zoom themselves (the hourly sync's hand-offs,
 * whose reads go through the Zoom client's own pacers), so the pause between two pages is not lost each time.
 *
 * A caller may ask `first`: it is granted the next slot before every `normal` caller already waiting, so work that
 * must not wait behind a long queue of background calls (Zoom's meeting creates behind the import's reads) keeps
 * its pace, and the others take every slot it leaves unused.
 */
export type PacerPriority = 'first' | 'normal';

export interface RatePacerOptions {
  /** How late a call may be and still keep the schedule (half a gap when not given). */
  catchUpMs?: number;
  now?: () => number;
}

export class RatePacer {
  private readonly gapMs: number;
  private readonly catchUpMs: number;
  private readonly now: () => number;
  /** When the next call may go. */
  private nextSlot = -Infinity;
  private readonly waiting: Record<PacerPriority, (() => void)[]> = { first: [], normal: [] };
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(perSecond: number, options: RatePacerOptions = {}) {
    if (!(perSecond > 0)) throw new Error('perSecond must be positive');
    this.gapMs = 1000 / perSecond;
    this.catchUpMs = Math.max(options.catchUpMs ?? 0, this.gapMs / 2);
    this.now = options.now ?? Date.now;
  }

  /**
   * Resolves when the caller may make its call. A caller whose `signal` aborts while it waits leaves the queue (its
   * slot goes to the next) and gets the signal's reason.
   */
  acquire(priority: PacerPriority = 'normal', signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const queue = this.waiting[priority];
      const leave = () => {
        queue.splice(queue.indexOf(grant), 1);
        reject(signal!.reason);
      };
      const grant = () => {
        signal?.removeEventListener('abort', leave);
        resolve();
      };
      signal?.addEventListener('abort', leave, { once: true });
      queue.push(grant);
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
    // Late by a timer's jitter (or within the catch-up): keep the schedule. Idle, or late after a stall: count from
    // this call's own time.
    const onSchedule = now - this.nextSlot <= this.catchUpMs;
    this.nextSlot = (onSchedule ? this.nextSlot : now) + this.gapMs;
    grant();
    this.grantDue();
  }
}
