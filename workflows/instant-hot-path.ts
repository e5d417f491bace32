/**
 * The hot path of "Start Zoom Meeting" (issue 15 §4, `workflows/hot-path.ts` for the callout's): the click's Zoom
 * create runs as a local activity in the instant-meeting workflow's first task, between the two local activities it
 * already has, instead of an activity round trip through the server. A create that fails goes to the remote activity
 * with its retries, which first looks for the meeting tagged with the click unless Zoom answered 429. A worker killed
 * after Zoom made the meeting leaves no trace of it in history: the task's next attempt knows it is one (a longer
 * history than a first attempt's after update-with-start: started, task scheduled, task started) and looks first.
 */
import { patched, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities, ScheduledMeeting } from '../activities';
import { afterLocalCreateFailed } from './hot-path';

/** Marks instant-meeting histories whose Zoom create is a local activity of the click's first task. */
export const INSTANT_HOT_PATH_PATCH = 'instant-hot-path';

const FIRST_ATTEMPT_HISTORY_LENGTH = 3;

/** One attempt, well under the workflow task's heartbeat; the remote activity takes over with the retries. */
const local = proxyLocalActivities<Activities>({
  startToCloseTimeout: '5 seconds',
  retry: { maximumAttempts: 1 },
});

type CreateInput = Parameters<Activities['createZoomMeeting']>[0];

export interface InstantHotPath {
  /** The create: locally on the hot path, else (or after a failed local attempt) `remote`. */
  createZoomMeeting(
    input: CreateInput,
    remote: (input: CreateInput) => Promise<ScheduledMeeting>,
  ): Promise<ScheduledMeeting>;
}

/** Decides the patch: call before the click's first local activity (README, "Upgrading workflows"). */
export function instantHotPath(): InstantHotPath {
  const armed = patched(INSTANT_HOT_PATH_PATCH);
  const retriedTask = workflowInfo().historyLength > FIRST_ATTEMPT_HISTORY_LENGTH;
  const lookingFirst = (input: CreateInput, mayExistAlready: boolean): CreateInput =>
    mayExistAlready ? { ...input, findEarlierFirst: true } : input;
  return {
    async createZoomMeeting(input, remote) {
      if (!armed) return remote(input);
      try {
        return await local.createZoomMeeting(lookingFirst(input, retriedTask));
      } catch (error) {
        return remote(lookingFirst(input, afterLocalCreateFailed(error, retriedTask)));
      }
    },
  };
}
