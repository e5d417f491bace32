/**
 * One run of the hourly sync, started by the Schedule `zoom-hourly-sync` (or by hand):
 * 1. reconciliation, always on: Events that Salesforce shows behind Zoom are handed to their meeting workflows;
 * 2. per host (bounded concurrency, one child workflow each): Zoom-side edits whose webhook was lost, and, when the
 *    admin's toggle is on, the external meetings that ended in the run's window.
 * The window runs from the previous run's end (less an overlap) to this run's scheduled time; the memo shows the
 * progress in the Web UI and, once the run completes, the watermark the next run starts from.
 */
import {
  ApplicationFailure,
  condition,
  continueAsNew,
  executeChild,
  log,
  patched,
  proxyActivities,
  upsertMemo,
  workflowInfo,
} from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { Activities } from '../activities';
import { NON_RETRYABLE_FAILURE_TYPES } from '../activities/failures';
import { syncWindow, type SyncWatermark } from '../domain/sync-window';
import type { ImportGroup } from '../activities/external-meetings';
import { addCounts, emptyHostCounts, hostSyncWorkflow, importActivity } from './host-sync';
import {
  IMPORT_BATCH_SIZE,
  hostSyncWorkflowId,
  zoomImportTaskQueue,
  type HourlySyncInput,
  type HourlySyncProgress,
  type SyncHost,
} from './messages';

const syncActivityOptions = {
  startToCloseTimeout: '2 minutes',
  scheduleToCloseTimeout: '30 minutes',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: NON_RETRYABLE_FAILURE_TYPES,
  },
} as const;

const {
  readSyncWatermark,
  readSyncSettings,
  listSyncHosts,
  reconcileStaleEvents,
  nudgeCalendarsOfTickedSettings,
  startMissedEvents,
} = proxyActivities<Activities>(syncActivityOptions);

/**
 * Each handed-off Event reads Zoom at once, so the pages share the import queue's server-side rate with the
 * import batches: thousands of stale Events after an outage never storm Zoom, however many workers run.
 */
function pacedReconcileActivity() {
  return proxyActivities<Activities>({
    ...syncActivityOptions,
    taskQueue: zoomImportTaskQueue(workflowInfo().taskQueue),
    // Queued behind import batches of other runs, so generous.
    scheduleToCloseTimeout: '6 hours',
  }).reconcileStaleEvents;
}

/** Patch: reconciliation pages moved to the rate-limited import queue (earlier runs used the workflow's queue). */
export const RECONCILE_ON_IMPORT_QUEUE = 'reconcile-on-import-queue';

/**
 * Patch: the pooled import runs beside the hosts' listing (earlier runs' lanes waited for each pooled batch before
 * listing the next host, so the import queue idled while the pool filled up again).
 */
export const IMPORT_BESIDE_LISTING = 'import-beside-listing';

/**
 * Patch: a run signals the meeting workflows of hosts whose "Google Calendar Notifications" was ticked in its window,
 * so their calendars catch up without waiting for each meeting's next change (earlier runs did not).
 */
export const CALENDAR_CATCH_UP = 'calendar-catch-up';
/** Patch: upcoming Events whose callout never reached Temporal get their workflows (earlier runs skipped them). */
export const START_MISSED_EVENTS = 'start-missed-events';

/** Set by the Schedule on every run it starts: the time the run was due (a backfilled run's is in the past). */
const ScheduledStartTime = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

/** Memo keys: the run's progress, and the watermark a completed run leaves for the next one. */
export const PROGRESS_MEMO = 'progress';
export const WATERMARK_MEMO = 'watermark';

/** Where a run continued-as-new picks up. */
export interface HourlySyncCarry {
  progress: HourlySyncProgress;
  hosts: SyncHost[];
  /** Hosts' remainders not yet imported (fewer than a batch). */
  pending: ImportGroup[];
}

function runTime(input: HourlySyncInput): number {
  if (input.windowEnd) return Date.parse(input.windowEnd);
  const scheduled = workflowInfo().typedSearchAttributes.get(ScheduledStartTime);
  return scheduled ? scheduled.getTime() : workflowInfo().runStartTime.getTime();
}

/** Pages through the upcoming Events whose callout was lost and starts their workflows (activities/missed-callouts). */
async function startEventsWithMissedCallouts(progress: HourlySyncProgress): Promise<void> {
  progress.missedEventsStarted = 0;
  let afterId: string | undefined;
  do {
    const page = await startMissedEvents({ afterId, asOf: progress.window.to });
    progress.missedEventsStarted += page.started;
    if (page.invalid > 0)
      log.warn('Events asking for a meeting that the callout would refuse', { count: page.invalid });
    upsertMemo({ [PROGRESS_MEMO]: progress });
    afterId = page.lastId;
  } while (afterId !== undefined);
  if (progress.missedEventsStarted > 0)
    log.warn('Meeting workflows started for Events whose callout never arrived', {
      count: progress.missedEventsStarted,
    });
}

export async function hourlySyncWorkflow(input: HourlySyncInput, carry?: HourlySyncCarry): Promise<HourlySyncProgress> {
  let progress: HourlySyncProgress;
  let hosts: SyncHost[];
  const pending: ImportGroup[] = [...(carry?.pending ?? [])];
  const importExternalMeetings = importActivity();
  const pendingCount = () => pending.reduce((sum, g) => sum + g.meetings.length, 0);
  /** Imports the pooled remainders, 200 meetings a call (the last call may be smaller when `all`). */
  const importPending = async (all: boolean): Promise<void> => {
    while (pendingCount() >= IMPORT_BATCH_SIZE || (all && pending.length > 0)) {
      const groups: ImportGroup[] = [];
      let room = IMPORT_BATCH_SIZE;
      while (room > 0 && pending.length > 0) {
        const group = pending[0];
        const taken = group.meetings.slice(0, room);
        groups.push({ host: group.host, meetings: taken });
        room -= taken.length;
        if (taken.length === group.meetings.length) pending.shift();
        else pending[0] = { host: group.host, meetings: group.meetings.slice(taken.length) };
      }
      addCounts(progress, await importExternalMeetings({ groups }));
      upsertMemo({ [PROGRESS_MEMO]: progress });
    }
  };
  if (carry) {
    ({ progress, hosts } = carry);
  } else {
    const [previous, settings] = await Promise.all([readSyncWatermark(), readSyncSettings()]);
    const window = syncWindow(runTime(input), Date.now(), previous, settings.externalEnabled, input);
    progress = {
      window,
      externalEnabled: settings.externalEnabled,
      hostsTotal: 0,
      hostsDone: 0,
      hostsFailed: 0,
      staleEventsNudged: 0,
      ...emptyHostCounts(),
    };
    upsertMemo({ [PROGRESS_MEMO]: progress });
    // Reconciliation looks at Salesforce as it is now, so a backfill of a past slot has nothing to add to it.
    if (!window.backfill) {
      const reconcilePage = patched(RECONCILE_ON_IMPORT_QUEUE) ? pacedReconcileActivity() : reconcileStaleEvents;
      let afterId: string | undefined;
      for (;;) {
        const page = await reconcilePage({ afterId, asOf: window.to });
        progress.staleEventsNudged += page.nudged;
        upsertMemo({ [PROGRESS_MEMO]: progress });
        if (page.lastId === undefined) break;
        afterId = page.lastId;
      }
      if (patched(START_MISSED_EVENTS)) await startEventsWithMissedCallouts(progress);
      if (patched(CALENDAR_CATCH_UP)) {
        try {
          const { nudged } = await nudgeCalendarsOfTickedSettings({ since: window.from, asOf: window.to });
          if (nudged > 0) log.info('Google calendars nudged after a setting was ticked', { nudged });
        } catch (error) {
          // The calendars then catch up at each meeting's next change, as before; the run goes on.
          log.warn('Could not nudge the Google calendars', { message: (error as Error).message });
        }
      }
    }
    hosts = await listSyncHosts();
    progress.hostsTotal = hosts.length;
    upsertMemo({ [PROGRESS_MEMO]: progress });
  }

  // Hosts run a few at a time; the run continues as new between hosts when its history grows long.
  const queue = [...hosts];
  let continuing = false;
  const importBeside = patched(IMPORT_BESIDE_LISTING);
  let listingDone = false;
  const lane = async (): Promise<void> => {
    while (queue.length > 0 && !continuing) {
      const host = queue.shift()!;
      try {
        const { counts, remainder } = await executeChild(hostSyncWorkflow, {
          workflowId: hostSyncWorkflowId(workflowInfo().workflowId, host.sfUserId),
          args: [{ host, window: progress.window, external: progress.externalEnabled }],
        });
        addCounts(progress, counts);
        if (remainder.length > 0) pending.push({ host, meetings: remainder });
      } catch (error) {
        // One host's trouble (say, its Zoom user was removed) does not hold the others back.
        progress.hostsFailed += 1;
        log.warn('Host sync failed', { sfUserId: host.sfUserId, message: (error as Error).message });
      }
      progress.hostsDone += 1;
      upsertMemo({ [PROGRESS_MEMO]: progress });
      if (!importBeside) await importPending(false);
      if (workflowInfo().continueAsNewSuggested) continuing = true;
    }
  };
  /** Imports full pooled batches as the hosts' remainders come in, while the lanes go on listing. */
  const importer = async (): Promise<void> => {
    for (;;) {
      await condition(() => pendingCount() >= IMPORT_BATCH_SIZE || listingDone);
      // Another importer may have taken the batch that woke this one: then wait for the next.
      if (pendingCount() >= IMPORT_BATCH_SIZE) await importPending(false);
      else if (listingDone) return;
    }
  };
  const concurrency = Math.max(1, Math.min(input.hostConcurrency, hosts.length));
  const lanes = Promise.all(Array.from({ length: concurrency }, lane)).finally(() => (listingDone = true));
  // As many batches in flight as there were lanes: the import queue's server-side rate paces them.
  await Promise.all([lanes, ...(importBeside ? Array.from({ length: concurrency }, importer) : [])]);
  if (continuing && queue.length > 0) {
    return continueAsNew<typeof hourlySyncWorkflow>(input, { progress, hosts: queue, pending });
  }
  await importPending(true);

  // The watermark moves only when every host's window was covered: a failed host's meetings are tried again.
  if (!progress.window.backfill && progress.hostsFailed === 0) {
    const watermark: SyncWatermark = { windowEnd: progress.window.to, externalEnabled: progress.externalEnabled };
    upsertMemo({ [WATERMARK_MEMO]: watermark });
  }
  if (progress.hostsFailed > 0) {
    throw ApplicationFailure.create({
      type: 'HostSyncFailed',
      message: `${progress.hostsFailed} of ${progress.hostsTotal} hosts could not be synced; the next run covers their window again`,
      nonRetryable: true,
      details: [progress],
    });
  }
  return progress;
}
