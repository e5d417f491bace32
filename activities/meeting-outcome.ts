import { activityInfo, Context } from '@temporalio/activity';
import {
  recordingSummary,
  summarizeAttendance,
  type MeetingOutcome,
  type MeetingRecordingInfo,
} from '../domain/meeting-outcome';
import type { ZoomClient } from '../integrations/zoom/client';
import type { MeetingRecordings, PastMeeting, PastMeetingParticipant, CallOptions } from '../integrations/zoom/types';
import { ZoomApiError } from '../integrations/zoom/errors';
import { pastDataFailure, zoomFailure, ZOOM_MEETING_NOT_FOUND } from './zoom-failures';

/**
 * Reads what happened in a meeting from Zoom and turns it into the Event's post-meeting fields. Used on
 * `meeting.ended`, by the missed-webhook poll and by the "Sync Meeting Details" button.
 */

export type ZoomPastApi = Pick<
  ZoomClient,
  'getMeeting' | 'getPastMeeting' | 'listPastMeetingInstances' | 'listPastMeetingParticipants' | 'getMeetingRecordings'
>;

const isNotFound = (error: unknown): boolean => error instanceof ZoomApiError && error.code === ZOOM_MEETING_NOT_FOUND;

/**
 * Who attended. Zoom lists nobody when one person took part, and its report covers meetings of two or more
 * only, so that one person is taken to be the host (a guest alone, joined before the host, would need the
 * Business-plan dashboard to tell).
 */
function attendanceRows(past: PastMeeting, segments: PastMeetingParticipant[]) {
  if (segments.length === 0 && past.participants_count > 0) {
    return [
      {
        id: past.host_id,
        name: past.user_name,
        email: past.user_email,
        joinTime: past.start_time,
        leaveTime: past.end_time,
      },
    ];
  }
  return segments.map(participantSegment);
}

/** A participant row of Zoom's past-meeting list as a join segment for `summarizeAttendance`. */
export function participantSegment(s: PastMeetingParticipant) {
  return { id: s.id, name: s.name, email: s.user_email, joinTime: s.join_time, leaveTime: s.leave_time };
}

export function recordingInfo(recordings: MeetingRecordings | undefined): MeetingRecordingInfo | undefined {
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
  /**
   * The newest finished instance that started at or after `notBefore`. For a meeting that exists, 3001 means no
   * instance is published yet; for one `/meetings/{id}` called gone, it stays "gone".
   */
  async function latestInstance(
    meetingId: string,
    notBefore: string | undefined,
    meetingExists: boolean,
    read: CallOptions,
  ) {
    const instances = await zoom.listPastMeetingInstances(meetingId, read).catch((error: unknown) => {
      if (meetingExists && isNotFound(error)) return [];
      throw error;
    });
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
      // A local read the workflow gave up on (its timeout) stops asking Zoom: the remote read asks again.
      const read: CallOptions = { signal: Context.current().cancellationSignal };
      let uuid = input.instanceUuid;
      if (!uuid) {
        try {
          const meeting = await zoom.getMeeting(input.meetingId, read).catch((error: unknown) => {
            // A meeting deleted after it ended still has past instances.
            if (isNotFound(error)) return undefined;
            throw error;
          });
          if (meeting?.status === 'started') return { state: 'live', attendees: [], participantsComplete: false };
          uuid = (await latestInstance(input.meetingId, input.notBefore, meeting !== undefined, read))?.uuid;
          if (!uuid) return { state: 'not-started', attendees: [], participantsComplete: true };
        } catch (error) {
          throw zoomFailure(error, 'read the meeting from Zoom');
        }
      }
      try {
        const past = await zoom.getPastMeeting(uuid, read);
        const segments = past.participants_count > 0 ? await zoom.listPastMeetingParticipants(uuid, read) : [];
        const attendees = summarizeAttendance(attendanceRows(past, segments), past.end_time);
        const recording = recordingInfo(await zoom.getMeetingRecordings(uuid, read));
        return {
          state: 'ended',
          instanceUuid: uuid,
          actualStart: past.start_time,
          actualEnd: past.end_time,
          durationMinutes: past.duration,
          attendees,
          // Zoom answers 3001 (handled below) until it has published the participants, so this list is final.
          participantsComplete: true,
          ...(recording ? { recording } : {}),
        };
      } catch (error) {
        const { attempt, scheduledTimestampMs } = activityInfo();
        throw pastDataFailure(error, 'read the meeting from Zoom', {
          attempt,
          waitedMs: Date.now() - scheduledTimestampMs,
        });
      }
    },
  };
}
