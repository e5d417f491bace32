import { createMeetingActivities, type MeetingActivityDeps } from './meetings';
import { createOutcomeActivities, type ZoomPastApi } from './meeting-outcome';

export interface ActivityDeps extends MeetingActivityDeps {
  zoom: MeetingActivityDeps['zoom'] & ZoomPastApi;
}

/** Every activity the worker registers, built from injected clients so tests can pass fakes. */
export function createActivities(deps: ActivityDeps) {
  return { ...createMeetingActivities(deps), ...createOutcomeActivities(deps) };
}

export type Activities = ReturnType<typeof createActivities>;
export type { MeetingActivityDeps, ScheduledMeeting } from './meetings';
export type { MeetingOutcome } from '../domain/meeting-outcome';
