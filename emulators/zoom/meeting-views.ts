import { type ZoomApiContext } from './api';
import { formatZoomTime } from './start-time';
import { type StoredMeeting } from './store';

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
