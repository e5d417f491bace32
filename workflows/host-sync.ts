/**
 * The hourly sync of one host, a child of `hourlySyncWorkflow`:
 * - compares the host's upcoming managed meetings in Zoom with their Events (a lost `meeting.updated`);
 * - when external meetings are on, reads the meetings that ended in the window from Zoom's report, a UTC day at a
 *   time, and imports them in batches of 200 (one Salesforce write each) on the rate-limited Zoom import queue.
 * It continues as new between pages when its history grows, so a host with years of meetings stays small.
 */
import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { RetryPolicy } from '@temporalio/common';
import type { Activities } from '../activities';
import type { EndedMeetingRef } from '../activities/external-meetings';
import { FailureTypes, NON_RETRYABLE_FAILURE_TYPES } from '../activities/failures';
import { reportDays } from '../domain/sync-window';
import {
  IMPORT_BATCH_SIZE,
  zoomImportTaskQueue,
  type HostSyncCounts,
  type HostSyncInput,
  type HostSyncResult,
} from './messages';

const retry: RetryPolicy = {
  initialInterval: '1 second',
  maximumInterval: '2 minutes',
  nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURE_TYPES, FailureTypes.zoomPageTokenExpired],
};

const { checkUpcomingMeetings, listEndedMeetings } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  scheduleToCloseTimeout: '2 hours',
  retry,
});

/** Continue as new past this many history events (well below Temporal's suggestion, to keep replays quick). */
const MAX_HISTORY_EVENTS = 2_000;

export function emptyHostCounts(): HostSyncCounts {
  return {
    upcomingChecked: 0,
    zoomEditsFound: 0,
    meetingsSeen: 0,
    skippedManaged: 0,
    skippedNoMatch: 0,
    eventsWritten: 0,
    needsReview: 0,
    deferred: 0,
  };
}

/** The import activity, on its rate-limited queue (beside the meeting workflows' queue). */
export function importActivity() {
  return proxyActivities<Activities>({
    // Zoom's limits are account-wide: the import queue's server-side rate bounds every worker together.
    taskQueue: zoomImportTaskQueue(workflowInfo().taskQueue),
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: '1 minute',
    // Waiting in the rate-limited queue behind other hosts counts here, so it is generous.
    scheduleToCloseTimeout: '12 hours',
    retry,
  }).importExternalMeetings;
}

/** Adds counts (a host's, or one import's, whose fields are a subset) to a total. */
export function addCounts(total: HostSyncCounts, counts: Partial<HostSyncCounts>): void {
  for (const [key, value] of Object.entries(counts) as [keyof HostSyncCounts, number][]) total[key] += value;
}

/**
 * Full batches of the host's own are imported here; the rest (fewer than 200) goes back to the run, which pools
 * the hosts' remainders into full batches, so a quiet hour of many hosts still writes 200 Events per call.
 */
export async function hostSyncWorkflow(input: HostSyncInput): Promise<HostSyncResult> {
  const importExternalMeetings = importActivity();
  const { host, window, external } = input;
  const counts = input.resume?.counts ?? emptyHostCounts();
  if (!input.resume?.upcomingDone) {
    const upcoming = await checkUpcomingMeetings({ host });
    counts.upcomingChecked += upcoming.checked;
    counts.zoomEditsFound += upcoming.editsFound;
  }
  if (!external) return { counts, remainder: [] };

  const days = input.resume?.days ?? reportDays(window);
  let pageToken = input.resume?.pageToken;
  let pending: EndedMeetingRef[] = input.resume?.pending ?? [];
  /** Instances already taken from the current day, so a restart of the day after an expired page token skips them. */
  let takenToday = new Set<string>(input.resume?.takenToday ?? []);

  while (days.length > 0) {
    let page;
    try {
      page = await listEndedMeetings({ host, day: days[0], window, pageToken });
    } catch (error) {
      // Zoom's page tokens live 15 minutes; when one ran out, read the day again and skip what was taken.
      if ((error as { cause?: { type?: string } }).cause?.type !== FailureTypes.zoomPageTokenExpired) throw error;
      pageToken = undefined;
      continue;
    }
    const fresh = page.meetings.filter((m) => !takenToday.has(m.uuid));
    for (const meeting of fresh) takenToday.add(meeting.uuid);
    counts.meetingsSeen += fresh.length;
    pending.push(...fresh);
    pageToken = page.nextPageToken;
    if (!pageToken) {
      days.shift();
      takenToday = new Set();
    }
    while (pending.length >= IMPORT_BATCH_SIZE) {
      addCounts(
        counts,
        await importExternalMeetings({ groups: [{ host, meetings: pending.slice(0, IMPORT_BATCH_SIZE) }] }),
      );
      pending = pending.slice(IMPORT_BATCH_SIZE);
    }
    if (
      days.length > 0 &&
      (workflowInfo().historyLength > MAX_HISTORY_EVENTS || workflowInfo().continueAsNewSuggested)
    ) {
      return continueAsNew<typeof hostSyncWorkflow>({
        host,
        window,
        external,
        resume: { days, pageToken, counts, upcomingDone: true, pending, takenToday: [...takenToday] },
      });
    }
  }
  return { counts, remainder: pending };
}
