import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { SyncConfig } from '../common/config';
import { HOURLY_SYNC_SCHEDULE_ID, type HourlySyncInput } from '../workflows/messages';

/**
 * The Schedule `zoom-hourly-sync`: every `SYNC_INTERVAL` it starts `hourlySyncWorkflow`. Overlap SKIP (a run still
 * going when the next is due makes the next one wait for the following slot: the window covers it anyway), and a
 * catch-up window of one interval, so a Temporal outage ends with one run, not a burst of them.
 */

export function hourlySyncInput(sync: SyncConfig): HourlySyncInput {
  return {
    intervalMs: sync.intervalMs,
    overlapMs: sync.overlapMs,
    lookbackMs: sync.lookbackMs,
    hostConcurrency: sync.hostConcurrency,
  };
}

export function hourlySyncScheduleOptions(taskQueue: string, sync: SyncConfig): ScheduleOptions {
  return {
    scheduleId: HOURLY_SYNC_SCHEDULE_ID,
    spec: { intervals: [{ every: sync.intervalMs }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'hourlySyncWorkflow',
      // The Schedule appends each run's time to this id: `zoom-hourly-sync-2026-12-01T15:00:00Z`.
      workflowId: HOURLY_SYNC_SCHEDULE_ID,
      taskQueue,
      args: [hourlySyncInput(sync)],
    },
    policies: {
      overlap: ScheduleOverlapPolicy.SKIP,
      catchupWindow: Math.max(sync.intervalMs, 60_000),
      pauseOnFailure: false,
    },
  };
}

/** What decides whether a running Schedule needs an update. */
function fingerprint(
  spec: { every?: number },
  action: { taskQueue?: string; args?: readonly unknown[] },
  catchup?: number,
) {
  return JSON.stringify([spec.every, action.taskQueue, action.args, catchup]);
}

/**
 * Creates the Schedule when it is missing and updates it when its interval, task queue, input or catch-up window
 * changed. Idempotent, and safe when several workers start at once: a lost create race ends in `describe`.
 */
export async function ensureHourlySyncSchedule(
  client: Pick<Client, 'schedule'>,
  options: ScheduleOptions,
): Promise<'created' | 'updated' | 'unchanged'> {
  try {
    await client.schedule.create(options);
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  const handle = client.schedule.getHandle(options.scheduleId);
  const current = await handle.describe();
  const wanted = options.action as { taskQueue: string; args: unknown[] };
  const every = (options.spec.intervals?.[0]?.every ?? 0) as number;
  const have = current.action.type === 'startWorkflow' ? current.action : { taskQueue: undefined, args: undefined };
  const same =
    fingerprint({ every: current.spec.intervals?.[0]?.every }, have, current.policies.catchupWindow) ===
    fingerprint({ every }, wanted, options.policies?.catchupWindow as number);
  if (same) return 'unchanged';
  await handle.update((previous) => ({
    ...previous,
    spec: options.spec,
    action: options.action as typeof previous.action,
    policies: { ...previous.policies, ...options.policies },
  }));
  return 'updated';
}
