import {
  recordingSummary,
  summarizeAttendance,
  type MeetingOutcome,
  type MeetingRecordingInfo,
} from '../domain/meeting-outcome';
import type { ZoomClient } from '../integrations/zoom/client';
import type { MeetingRecordings } from '../integrations/zoom/types';
import { ZoomApiError } from '../integrations/zoom/errors';
import { zoomFailure, ZOOM_MEETING_NOT_FOUND } from './zoom-failures';

/**
 * Reads what happened in a meeting from Zoom and turns it into the Event's post-meeting fields. Used on
 * `meeting.ended`, by the missed-webhook poll and by the "Sync Meeting Details" button.
 */

export type ZoomPastApi = Pick<
  ZoomClient,
  | 'getMeeting'
  | 'getPastMeeting'
  | 'listPastMeetingInstances'
  | 'listPastMeetingParticipants'
  | 'listReportParticipants'
  | 'getMeetingRecordings'
>;

function recordingInfo(recordings: MeetingRecordings | undefined): MeetingRecordingInfo | undefined {
  if (!recordings || recordings.recording_files.length === 0) return undefined;
  return {
    ...(recordings.share_url ? { shareUrl: recordings.share_url } : {}),
    summary: recordingSummary(
      recordings.recording_files.map((f) => ({
        fileType: f.file_type,
        fileSize: f.file_size,
        recordingStart: f.recording_start,
        recordingEnd: f.recording_end,
      })),
    ),
  };
}

export function createOutcomeActivities({ zoom }: { zoom: ZoomPastApi }) {
  /** The newest finished instance that started at or after `notBefore`. */
  async function latestInstance(meetingId: string, notBefore: string | undefined) {
    const instances = await zoom.listPastMeetingInstances(meetingId);
    const eligible = instances.filter((i) => !notBefore || Date.parse(i.start_time) >= Date.parse(notBefore));
    return eligible.sort((a, b) => Date.parse(b.start_time) - Date.parse(a.start_time))[0];
  }

  return {
    /**
     * Asks Zoom what became of the meeting. With the instance UUID from `meeting.ended` this is three calls
     * (past meeting, participants, recordings); without it, Zoom is asked whether the meeting is live and which
     * instance ended last. `notBefore` keeps an older use of a reused meeting id (a PMI) out.
     */
    async fetchMeetingOutcome(input: {
      meetingId: string;
      instanceUuid?: string;
      notBefore?: string;
    }): Promise<MeetingOutcome> {
      try {
        let uuid = input.instanceUuid;
        if (!uuid) {
          const meeting = await zoom.getMeeting(input.meetingId).catch((error: unknown) => {
            // A meeting deleted after it ended still has past instances.
            if (error instanceof ZoomApiError && error.code === ZOOM_MEETING_NOT_FOUND) return undefined;
            throw error;
          });
          if (meeting?.status === 'started') return { state: 'live', attendees: [], participantsComplete: false };
          uuid = (await latestInstance(input.meetingId, input.notBefore))?.uuid;
          if (!uuid) return { state: 'not-started', attendees: [], participantsComplete: true };
        }
        const past = await zoom.getPastMeeting(uuid);
        let segments = await zoom.listPastMeetingParticipants(uuid);
        // Zoom lists nobody for a meeting with a single participant; the report endpoint does.
        if (segments.length === 0 && past.participants_count > 0) segments = await zoom.listReportParticipants(uuid);
        const attendees = summarizeAttendance(
          segments.map((s) => ({
            id: s.id,
            name: s.name,
            email: s.user_email,
            joinTime: s.join_time,
            leaveTime: s.leave_time,
          })),
          past.end_time,
        );
        const recording = recordingInfo(await zoom.getMeetingRecordings(uuid));
        return {
          state: 'ended',
          instanceUuid: uuid,
          actualStart: past.start_time,
          actualEnd: past.end_time,
          durationMinutes: past.duration,
          attendees,
          participantsComplete: attendees.length > 0 || past.participants_count === 0,
          ...(recording ? { recording } : {}),
        };
      } catch (error) {
        throw zoomFailure(error, 'read the meeting from Zoom');
      }
    },
  };
}
