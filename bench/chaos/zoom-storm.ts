import { STORM_TARGET, stormRun } from '../schedule';
import { type Scenario } from './scenario';

/** Events in the storm: `bench:schedule`'s 1,000 unless `CHAOS_STORM_EVENTS` (a multiple of 200) says fewer. */
const EVENTS = Number(process.env.CHAOS_STORM_EVENTS ?? 1000);

/**
 * `bench:schedule`'s storm: Events in bulks of 200 for 3 hosts against the Pro plan's limits (429s per second and
 * the per-host daily cap), until every Event holds its join URL or says Pending. At most 1.2 Zoom calls per meeting.
 */
export const zoomStorm: Scenario = {
  name: 'zoom 429 storm',
  async run({ stack }) {
    const storm = await stormRun(stack, EVENTS);
    const failures =
      storm.zoomCallsPerMeetingMade > STORM_TARGET.zoomCallsPerMeetingMade
        ? [
            `${storm.zoomCallsPerMeetingMade} Zoom calls per meeting made (target ${STORM_TARGET.zoomCallsPerMeetingMade})`,
          ]
        : [];
    return {
      figures: {
        events: storm.events,
        meetingsMade: storm.meetingsMade,
        pendingEvents: storm.pendingEvents,
        zoomCalls: storm.zoomCalls,
        zoom429: storm.zoom429,
        zoomCallsPerMeetingMade: storm.zoomCallsPerMeetingMade,
        wallSeconds: storm.wallSeconds,
      },
      failures,
    };
  },
};
