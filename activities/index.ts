import type { ZoomPlan } from '../common/zoom-plan';
import { createMeetingActivities, type MeetingActivityDeps } from './meetings';
import { createOutcomeActivities, type ZoomPastApi } from './meeting-outcome';
import { createLaunchEmailActivities, type LaunchEmailDeps } from './launch-email';
import { createMeetingEmailActivities } from './meeting-email';
import { createInstantMeetingActivities, type InstantMeetingDeps } from './instant-meeting';
import { createHourlySyncActivities, type HourlySyncDeps } from './hourly-sync';
import { createExternalMeetingActivities, type ExternalMeetingDeps } from './external-meetings';
import { createZoomRouteActivities } from './zoom-routes';
import { createCalendarSyncActivities, type CalendarSyncDeps } from './google-calendar';
import { createCalendarCatchUpActivities } from './calendar-catch-up';
import { createMissedCalloutActivities } from './missed-callouts';
import { createHotPathActivities } from './hot-path';
import { createCalloutBatchActivities } from './callout-batches';

export interface ActivityDeps extends MeetingActivityDeps {
  zoom: MeetingActivityDeps['zoom'] & ZoomPastApi & HourlySyncDeps['zoom'] & ExternalMeetingDeps['zoom'];
  salesforce: MeetingActivityDeps['salesforce'] &
    LaunchEmailDeps['salesforce'] &
    InstantMeetingDeps['salesforce'] &
    HourlySyncDeps['salesforce'] &
    ExternalMeetingDeps['salesforce'] &
    CalendarSyncDeps['salesforce'];
  mailer?: LaunchEmailDeps['mailer'];
  /** The hosts' Google calendars; absent: no calendar sync. */
  googleCalendar?: CalendarSyncDeps['googleCalendar'];
  /** The sender's Sent mailbox (IMAP_URL): a retried e-mail send looks for its message there first. */
  sentMailbox?: LaunchEmailDeps['sentMailbox'];
  /** The hourly sync signals and starts meeting workflows through a Temporal client. */
  temporal: HourlySyncDeps['temporal'];
  /** The meeting workflows' task queue. */
  taskQueue: string;
  /** Zoom's plan: its account-wide rate limits pace the hourly sync's reads and hand-offs (Pro when not given). */
  zoomPlan?: ZoomPlan;
}

/** Every activity the worker registers, built from injected clients so tests can pass fakes. */
export function createActivities(deps: ActivityDeps) {
  const meetings = createMeetingActivities(deps);
  return {
    ...meetings,
    ...createHotPathActivities(meetings),
    ...createOutcomeActivities(deps),
    ...createLaunchEmailActivities(deps),
    ...createMeetingEmailActivities(deps),
    ...createInstantMeetingActivities(deps),
    ...createHourlySyncActivities(deps),
    ...createExternalMeetingActivities(deps),
    ...createZoomRouteActivities(deps),
    ...createCalendarSyncActivities(deps),
    ...createCalendarCatchUpActivities(deps),
    ...createMissedCalloutActivities(deps),
    ...createCalloutBatchActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { MeetingActivityDeps, ScheduledMeeting } from './meetings';
export type { MeetingOutcome } from '../domain/meeting-outcome';
