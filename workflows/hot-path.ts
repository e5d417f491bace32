/**
 * The hot path (issue 15 §4): a rep's own save of one Event gets its join URL inside the meeting workflow's first
 * task. The owner's e-mail, the Zoom create and the Event's write-back run as one local activity in the worker that
 * holds the task (`activities/hot-path.ts`), instead of two activity round trips through the server (README, "Exactly
 * once, nothing lost"). What needs the server stays on the remote path:
 *
 * - a bulk (a callout of more than one Event): Zoom's account-wide rate is enforced by the server on the writes queue;
 * - a create Zoom refused with a 429, or one whose local attempt failed or timed out: the remote create on the writes
 *   queue takes over with its retries, first looking for a meeting the local attempt may have made;
 * - a write-back that failed in the local activity: a local write, then the remote one with its retries and limit
 *   waits.
 *
 * Exactly once: a local activity is not in history until its task completes, so a worker that dies after Zoom made
 * the meeting leaves no trace of it, and the task's next attempt runs the create again. That attempt knows it is one
 * from the history's length, and looks for the meeting tagged with the Event before creating (`findEarlierFirst`).
 */
import {
  ActivityFailure,
  ApplicationFailure,
  log,
  patched,
  proxyLocalActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { OwnersMeeting } from '../activities/hot-path';
import { FailureTypes } from '../activities/failures';
import type { EventCalloutItem } from '../domain/event-fields';
import { scheduledEventFields, wantsZoomMeeting } from '../domain/meeting-plan';

/** Marks histories whose first callout makes its meeting and writes it back with local activities. */
export const HOT_PATH_PATCH = 'hot-path-local-activities';

/** A callout of this many Events is a rep's own save; a larger one is a bulk, paced on the writes queue. */
export const HOT_PATH_MAX_CALLOUT_EVENTS = 1;

/**
 * The history of a first task's first attempt after signal-with-start: started, signalled, task scheduled, task
 * started. An attempt that failed or timed out adds at least its end and the next task's schedule and start, so a
 * longer history (or more signals before the first task, which only costs a lookup) may hold a local create whose
 * meeting Zoom made but history never recorded.
 */
const FIRST_ATTEMPT_HISTORY_LENGTH = 4;

/**
 * One attempt each, well under the workflow task's heartbeat (80% of its 10 s timeout): the remote activities take
 * over with the retries. A create that times out aborts its request (the activity passes its cancellation signal).
 */
const local = proxyLocalActivities<Activities>({
  startToCloseTimeout: '5 seconds',
  retry: { maximumAttempts: 1 },
});

/**
 * An adopted meeting's read, followed in the same task by its write (`local`, 5 s): together under the task's
 * heartbeat at 8 s, so neither result can reach the workflow in a later task than the one that recorded it
 * (`test/replay/long-local-activity.test.ts`). The pacer's queue behind the sync's paced hand-offs is under a second.
 */
const localRead = proxyLocalActivities<Activities>({
  startToCloseTimeout: '2500 milliseconds',
  retry: { maximumAttempts: 1 },
});

type CreateInput = Parameters<Activities['createZoomMeetingForOwner']>[0];
type WriteInput = Parameters<Activities['writeEventFields']>[0];

function failureTypeOf(error: unknown): { type?: string; nonRetryable: boolean } {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof ApplicationFailure
    ? { type: cause.type ?? undefined, nonRetryable: cause.nonRetryable === true }
    : { nonRetryable: false };
}

/**
 * What a failed local create leaves to the remote one: whether it must look for a meeting first (true unless Zoom
 * answered 429, which made nothing: activities/create-attempts.ts; or the task is a retry). Rethrows what the remote
 * create would only repeat (a refusal for good, the host's daily cap), which the workflow handles as the remote one's.
 */
export function afterLocalCreateFailed(error: unknown, retriedTask: boolean): boolean {
  const { type, nonRetryable } = failureTypeOf(error);
  if (nonRetryable || type === FailureTypes.zoomDailyLimit) throw error;
  log.info('The local Zoom create gave way to the remote one', { type: type ?? 'timeout or crash' });
  return retriedTask || type !== FailureTypes.rateLimited;
}

/** Marks histories whose `meeting.ended` writes the end to the Event by a local activity before Zoom is read. */
export const ENDED_HOT_PATH_PATCH = 'ended-hot-path';

/**
 * The end a `meeting.ended` webhook reports, on the Event within the webhook's own task: one local write, before
 * Zoom is read. Zoom publishes the past meeting seconds to minutes after the webhook (404/3001 until then,
 * `activities/zoom-failures.ts`), so reading it first would wait that long. Best effort: a failed write is left to
 * the full one that follows Zoom's report. Decides `decideLaterPatches` first, as `arm` does; nothing for histories
 * from before the patch.
 */
export async function writeEndNow(input: WriteInput | undefined, decideLaterPatches: () => void): Promise<void> {
  if (!input || !patched(ENDED_HOT_PATH_PATCH)) return;
  decideLaterPatches();
  try {
    await local.writeEventFields(input);
  } catch (error) {
    log.info("The end waits for Zoom's report to reach the Event", { type: failureTypeOf(error).type ?? 'timeout' });
  }
}

/**
 * Marks histories in which the outcome of a meeting adopted from the hourly sync reaches the Event by a local activity
 * in the task that read it from Zoom (older: a remote activity and one workflow task more per stale Event).
 */
export const ADOPTED_OUTCOME_PATCH = 'adopted-outcome-local-write';

/**
 * Marks histories in which a meeting adopted from the hourly sync is read from Zoom by a local activity in the task
 * that took the hand-off (older: a remote activity, and one workflow task more per stale Event).
 */
export const ADOPTED_LOCAL_READ_PATCH = 'adopted-local-read';

type OutcomeInput = Parameters<Activities['fetchMeetingOutcome']>[0];
type Outcome = Awaited<ReturnType<Activities['fetchMeetingOutcome']>>;

export interface HotPath {
  /**
   * Takes the hot path for this callout's create and write-back when it qualifies: a rep's save of one Event, the
   * run's first callout, no meeting yet. Call before the callout's first local activity: the patch decisions it takes
   * (`decideLaterPatches` too) must never be taken for the first time right after one (README, "Upgrading workflows").
   */
  arm(item: EventCalloutItem, firstCalloutOfRun: boolean, decideLaterPatches: () => void): void;
  /**
   * Takes a local activity for the Event's writes of an outcome just read from Zoom, for a meeting adopted from the
   * hourly sync: a stale Event handed over then costs one activity and two workflow tasks. Decides
   * `decideLaterPatches` first, as `arm` does; the remote write takes over when the local one fails.
   */
  armForOutcome(decideLaterPatches: () => void): void;
  /**
   * Reads an adopted meeting's outcome from Zoom by a local activity: one attempt, undefined when it failed (the
   * remote read, with its retries and waits, takes over) or for histories from before the patch. Decides
   * `decideLaterPatches` first, as `arm` does.
   */
  readAdoptedOutcome(input: OutcomeInput, decideLaterPatches: () => void): Promise<Outcome | undefined>;
  disarm(): void;
  /**
   * The owner's e-mail, the Zoom create and its write-back in one local activity when armed: `made`. Otherwise, or after the local
   * attempt, the remote path makes it (the host lookup, then the writes queue), first looking for a meeting an earlier
   * attempt may have made when `mayExistAlready`. Issues no command when not armed.
   */
  createMeeting(input: CreateInput): Promise<{ made?: OwnersMeeting; mayExistAlready: boolean }>;
  /**
   * The Event's write: nothing when it is the write-back the local create made, locally when armed, else (or after
   * the local attempt failed) `remote`.
   */
  writeEventFields(input: WriteInput, remote: (input: WriteInput) => Promise<void>): Promise<void>;
}

export function hotPath(): HotPath {
  let armed = false;
  /** An earlier attempt of this task may have run the local create: look for its meeting before making one. */
  let retriedTask = false;
  /** The fields the local create wrote to the Event (JSON): the workflow's own write of them is not repeated. */
  let writtenBack: string | undefined;

  return {
    arm(item, firstCalloutOfRun, decideLaterPatches) {
      armed = false;
      const qualifies =
        firstCalloutOfRun &&
        item.calloutEvents !== undefined &&
        item.calloutEvents <= HOT_PATH_MAX_CALLOUT_EVENTS &&
        wantsZoomMeeting(item.operation, item.event);
      if (!qualifies || !patched(HOT_PATH_PATCH)) return;
      decideLaterPatches();
      armed = true;
      retriedTask = workflowInfo().historyLength > FIRST_ATTEMPT_HISTORY_LENGTH;
    },

    armForOutcome(decideLaterPatches) {
      armed = false;
      if (!patched(ADOPTED_OUTCOME_PATCH)) return;
      decideLaterPatches();
      armed = true;
    },

    async readAdoptedOutcome(input, decideLaterPatches) {
      if (!patched(ADOPTED_LOCAL_READ_PATCH)) return undefined;
      decideLaterPatches();
      try {
        return await localRead.fetchMeetingOutcome(input);
      } catch (error) {
        log.info('The local Zoom read gave way to the remote one', { type: failureTypeOf(error).type ?? 'timeout' });
        return undefined;
      }
    },

    disarm() {
      armed = false;
      writtenBack = undefined;
    },

    async createMeeting(input) {
      if (!armed) return { mayExistAlready: false };
      try {
        const made = await local.createZoomMeetingForOwner({
          ...input,
          ...(retriedTask ? { findEarlierFirst: true } : {}),
        });
        if (made.writtenBack) writtenBack = JSON.stringify(scheduledEventFields(made.meeting));
        return { made, mayExistAlready: false };
      } catch (error) {
        return { mayExistAlready: afterLocalCreateFailed(error, retriedTask) };
      }
    },

    async writeEventFields(input, remote) {
      if (!armed) return remote(input);
      if (writtenBack === JSON.stringify(input.fields)) {
        writtenBack = undefined;
        return;
      }
      try {
        return await local.writeEventFields(input);
      } catch (error) {
        log.info('The local Event write gave way to the remote one', { type: failureTypeOf(error).type ?? 'timeout' });
        return remote(input);
      }
    },
  };
}
