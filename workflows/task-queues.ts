/**
 * Task queues by latency (README, "Task queues and worker tuning"). Every worker process polls all of them; what
 * starts a workflow picks its queue by whether someone is waiting for it:
 *
 * - `<TEMPORAL_TASK_QUEUE>`, interactive: a rep's own save (a callout of a few Events), the instant-meeting click,
 *   the Zoom webhook routers, the Event page's buttons;
 * - `<TEMPORAL_TASK_QUEUE>-bulk`: a data load's callouts (more than a few Events), the hourly sync and its host
 *   children, and the meeting workflows the sync starts (missed callouts, reconciliation hand-offs).
 *
 * Each has its own workers with their own slots, so a backlog on the bulk queue takes no slot, poller or place in
 * line from the interactive one. A workflow keeps its queue for life; a later signal goes to wherever it runs.
 *
 * The rate-limited Zoom queues (`-zoom-writes`, `-zoom-import`) are one per family, shared by both classes: Zoom's
 * account-wide budget is one. There, bulk workflows' tasks carry a lower priority (inherited by their activities),
 * so an interactive create is dispatched ahead of a bulk's backlog instead of after it.
 */
import type { Priority } from '@temporalio/common';

export type LatencyClass = 'interactive' | 'bulk';

const BULK_SUFFIX = '-bulk';

/** The background queue beside `taskQueue` (the interactive one, `TEMPORAL_TASK_QUEUE`). */
export function bulkTaskQueue(taskQueue: string): string {
  return `${queueFamily(taskQueue)}${BULK_SUFFIX}`;
}

/** `TEMPORAL_TASK_QUEUE` for either class's queue: the rate-limited Zoom queues are named after it. */
export function queueFamily(taskQueue: string): string {
  return taskQueue.endsWith(BULK_SUFFIX) ? taskQueue.slice(0, -BULK_SUFFIX.length) : taskQueue;
}

/**
 * Priority keys run 1 (first) to 5; unset is 3. Bulk work goes last, so on the shared Zoom queues everything else,
 * workflows started before the queues were split included, is dispatched ahead of a bulk's backlog.
 */
export const BULK_PRIORITY: Priority = { priorityKey: 5 };

/** Where a workflow of a latency class runs: its task queue and, for bulk, its priority. */
export interface QueuePlacement {
  taskQueue: string;
  priority?: Priority;
}

export function placementFor(latency: LatencyClass, taskQueue: string): QueuePlacement {
  return latency === 'bulk'
    ? { taskQueue: bulkTaskQueue(taskQueue), priority: BULK_PRIORITY }
    : { taskQueue: queueFamily(taskQueue) };
}

/**
 * A callout of at most this many Events is a rep at work: the org's subscriber pools the changes saved in the same
 * moment (several reps' saves can share one callout), while a data load arrives 200 Events a callout.
 */
export const INTERACTIVE_CALLOUT_MAX_EVENTS = 10;

export function calloutLatency(events: number): LatencyClass {
  return events <= INTERACTIVE_CALLOUT_MAX_EVENTS ? 'interactive' : 'bulk';
}
