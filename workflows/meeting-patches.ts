/**
 * The meeting workflow's upgrade markers (`patched()`), in one place: each names a change of command order, and
 * histories recorded before it replay the old order (README, "Upgrading workflows"). A long-lived run decides them
 * all before the local write of a `meeting.ended` (`decideEveryPatch`), so none is decided for the first time right
 * after a local activity; `test/unit/workflow-patches.test.ts` keeps `MEETING_WORKFLOW_PATCHES` whole.
 */
import { patched } from '@temporalio/workflow';
import { CALENDAR_CATCH_UP_PATCH, GOOGLE_CALENDAR_PATCH } from './calendar-sync';
import { ADOPTED_LOCAL_READ_PATCH, ADOPTED_OUTCOME_PATCH, ENDED_HOT_PATH_PATCH, HOT_PATH_PATCH } from './hot-path';

/** Zoom writes go through the rate-limited queue; older histories keep the workflow's queue. */
export const ZOOM_WRITES_QUEUE_PATCH = 'zoom-writes-queue';
/** Zoom's daily cap and Salesforce's request limit are waited out visibly (Pending, SyncHealth). */
export const LIMIT_WAITS_PATCH = 'limit-waits';
/** `syncNow` takes its turn in the main loop with a short timeout (older: beside it). */
export const SYNC_IN_LOOP_PATCH = 'sync-now-in-loop';
/** Concurrent org and Zoom edits are merged field by field (older: the later edit replaced all). */
export const FIELD_MERGE_PATCH = 'field-merge';
/** A newer callout cancels a callout's Zoom write still retrying (older: it waited behind it). */
export const SUPERSEDE_PATCH = 'supersede-zoom-writes';
/** A newer callout also cancels the older one's write-back to the Event. */
export const SUPERSEDE_EVENT_WRITES_PATCH = 'supersede-event-writes';
/** A different save in the same second reads the Event again (older: dropped as stale). */
export const SAME_SECOND_REREAD_PATCH = 'same-second-reread';
/** A Zoom step pauses while Zoom refuses the app's credentials (older: an Error on the Event). */
export const CREDENTIALS_PAUSE_PATCH = 'zoom-credentials-pause';
/** A refused non-critical write (the recording) is reported, not the end of the lifecycle. */
export const NON_CRITICAL_WRITES_PATCH = 'non-critical-writes';
/** No "starting now" e-mail once the meeting's scheduled end has passed. */
export const NO_LATE_LAUNCH_EMAIL_PATCH = 'no-late-launch-email';
/** Launch recipients are mailed one activity each (older: one activity for all, heartbeats). */
export const LAUNCH_EMAIL_PER_RECIPIENT_PATCH = 'launch-email-per-recipient';
/**
 * The workflow registers its meeting with the Zoom webhook router and ignores PMI instances outside its window.
 * Workflows started before it replay their history without either, then register at their next step.
 */
export const ZOOM_ROUTER_PATCH = 'zoom-webhook-router';
/**
 * A deadline already due is taken in the task that finds it, before the webhook route is brought current (older:
 * after a 1 ms timer), and a meeting adopted from the hourly sync registers no route once it is over: no timer and no
 * router workflow for a stale Event the hourly sync hands over.
 */
export const DUE_AT_ONCE_PATCH = 'due-deadline-at-once';

/** Every patch the meeting workflow can reach. */
export const MEETING_WORKFLOW_PATCHES = [
  ZOOM_WRITES_QUEUE_PATCH,
  SYNC_IN_LOOP_PATCH,
  CREDENTIALS_PAUSE_PATCH,
  SUPERSEDE_PATCH,
  SUPERSEDE_EVENT_WRITES_PATCH,
  LIMIT_WAITS_PATCH,
  FIELD_MERGE_PATCH,
  NO_LATE_LAUNCH_EMAIL_PATCH,
  LAUNCH_EMAIL_PER_RECIPIENT_PATCH,
  ZOOM_ROUTER_PATCH,
  NON_CRITICAL_WRITES_PATCH,
  SAME_SECOND_REREAD_PATCH,
  GOOGLE_CALENDAR_PATCH,
  CALENDAR_CATCH_UP_PATCH,
  HOT_PATH_PATCH,
  ENDED_HOT_PATH_PATCH,
  DUE_AT_ONCE_PATCH,
  ADOPTED_OUTCOME_PATCH,
  ADOPTED_LOCAL_READ_PATCH,
] as const;

/**
 * The patches the rest of a hot first task may reach after its local activities, decided before them. A separate
 * list from `MEETING_WORKFLOW_PATCHES`: committed histories recorded exactly these markers in that first task.
 */
const FIRST_TASK_PATCHES = [
  ZOOM_ROUTER_PATCH,
  GOOGLE_CALENDAR_PATCH,
  SUPERSEDE_PATCH,
  SUPERSEDE_EVENT_WRITES_PATCH,
  LIMIT_WAITS_PATCH,
  SAME_SECOND_REREAD_PATCH,
  FIELD_MERGE_PATCH,
];

export function decidePatchesOfFirstTask(): void {
  for (const id of FIRST_TASK_PATCHES) patched(id);
}

/**
 * What the rest of a task may reach after the local write of an adopted meeting's outcome when no signal or update
 * waits (the loop's due deadline, the webhook route, the calendar), decided before it: deciding every patch there
 * would add a marker per patch to each of the thousands of stale Events the hourly sync hands over.
 */
const AFTER_OUTCOME_WRITE_PATCHES = [
  DUE_AT_ONCE_PATCH,
  ZOOM_ROUTER_PATCH,
  GOOGLE_CALENDAR_PATCH,
  CALENDAR_CATCH_UP_PATCH,
];

export function decidePatchesAfterOutcomeWrite(): void {
  for (const id of AFTER_OUTCOME_WRITE_PATCHES) patched(id);
}

/** What the rest of the task may reach after an adopted meeting's local read: its outcome's write, then the same. */
export function decidePatchesAfterAdoptedRead(): void {
  patched(ADOPTED_OUTCOME_PATCH);
  decidePatchesAfterOutcomeWrite();
}

/** Decides every patch, before the ended sync's local write. */
export function decideEveryPatch(): void {
  for (const id of MEETING_WORKFLOW_PATCHES) patched(id);
}
