import { createMeetingActivities, type MeetingActivityDeps } from './meetings';

/** Every activity the worker registers, built from injected clients so tests can pass fakes. */
export function createActivities(deps: MeetingActivityDeps) {
  return { ...createMeetingActivities(deps) };
}

export type Activities = ReturnType<typeof createActivities>;
export type { MeetingActivityDeps, ScheduledMeeting } from './meetings';
