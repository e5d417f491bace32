import { createMeetingActivities, type MeetingActivityDeps } from './meetings';
import { createOutcomeActivities, type ZoomPastApi } from './meeting-outcome';
import { createLaunchEmailActivities, type LaunchEmailDeps } from './launch-email';
import { createMeetingEmailActivities } from './meeting-email';
import { createInstantMeetingActivities, type InstantMeetingDeps } from './instant-meeting';

export interface ActivityDeps extends MeetingActivityDeps {
  zoom: MeetingActivityDeps['zoom'] & ZoomPastApi;
  salesforce: MeetingActivityDeps['salesforce'] & LaunchEmailDeps['salesforce'] & InstantMeetingDeps['salesforce'];
  mailer?: LaunchEmailDeps['mailer'];
}

/** Every activity the worker registers, built from injected clients so tests can pass fakes. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createMeetingActivities(deps),
    ...createOutcomeActivities(deps),
    ...createLaunchEmailActivities(deps),
    ...createMeetingEmailActivities(deps),
    ...createInstantMeetingActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { MeetingActivityDeps, ScheduledMeeting } from './meetings';
export type { MeetingOutcome } from '../domain/meeting-outcome';
