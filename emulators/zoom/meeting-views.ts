import { type ZoomApiContext } from './api';
import { formatZoomTime } from './start-time';
import { type MeetingSettings, type StoredMeeting } from './store';

/** How a stored meeting appears on the wire, shared by the REST answers and the webhook payloads. */

export function joinUrl(context: ZoomApiContext, meeting: StoredMeeting): string {
  return `${context.publicBaseUrl}/j/${meeting.id}?pwd=${meeting.encryptedPassword}`;
}

/** The fields every meeting view starts with: ids, topic, type and the scheduled time in UTC. */
export function meetingSummary(meeting: StoredMeeting) {
  return {
    uuid: meeting.uuid,
    id: meeting.id,
    host_id: meeting.hostId,
    topic: meeting.topic,
    type: meeting.type,
    start_time: formatZoomTime(meeting.startTime),
    duration: meeting.durationMinutes,
    timezone: meeting.timezone,
  };
}

/**
 * The settings as Zoom applies them: `join_before_host` "is disabled if the Waiting Room feature is enabled" (Zoom
 * spec, create meeting `settings.join_before_host`; real-service-findings §11), and the waiting room is on by
 * default. The request is stored as sent; every view shows the setting that takes effect.
 */
export function effectiveSettings(settings: MeetingSettings): MeetingSettings {
  return {
    ...settings,
    join_before_host: settings.join_before_host && !settings.waiting_room,
    meeting_invitees: settings.meeting_invitees.map((i) => ({ ...i })),
  };
}
