import { type FastifyInstance } from 'fastify';
import { meetingIdFromPath, queryValue, type ZoomApiContext } from './api';
import { ZoomErrors } from './errors';
import { durationMinutes } from './past-meetings';
import { formatZoomTime } from './start-time';
import {
  randomDigits,
  randomPassword,
  randomToken,
  type MeetingInstance,
  type RecordingFile,
  type StoredRecording,
} from './store';

/**
 * Cloud recordings: `GET /v2/meetings/{meetingId or UUID}/recordings` (Light). A numeric id means the latest
 * ended instance. 404/3301 when the instance has no (finished) recording; `download_access_token` only with
 * `include_fields=download_access_token`. The simulation makes a recording when a meeting ends (see
 * `simulation.ts`); it becomes visible when `recording.completed` is sent.
 */

/** A download token in the look of Zoom's (a JWT); the emulator does not check it. */
export function newDownloadToken(): string {
  return `eyJhbGciOiJIUzUxMiJ9.${randomToken(48)}.${randomToken(32)}`;
}

/** An MP4 of the shared screen with the speaker, and the audio. Sizes grow with the length. */
export function makeRecording(instance: MeetingInstance & { endTime: number }, now: number): StoredRecording {
  const minutes = durationMinutes(instance.startTime, instance.endTime);
  const file = (fileType: RecordingFile['fileType'], recordingType: string, bytesPerMinute: number): RecordingFile => ({
    id: randomToken(16),
    fileType,
    recordingType,
    fileSize: Math.max(1, minutes) * bytesPerMinute + Number(randomDigits(3)),
    start: instance.startTime,
    end: instance.endTime,
    urlToken: randomToken(32),
  });
  return {
    createdAt: now,
    password: randomPassword(8),
    shareToken: randomToken(32),
    playPasscode: randomToken(24),
    files: [file('MP4', 'shared_screen_with_speaker_view', 1_200_000), file('M4A', 'audio_only', 120_000)],
  };
}

/** The recording's fields shared by the API answer and `recording.completed`. */
export function renderRecording(
  context: ZoomApiContext,
  instance: MeetingInstance & { endTime: number },
  recording: StoredRecording,
): Record<string, unknown> {
  const base = context.publicBaseUrl;
  return {
    uuid: instance.uuid,
    id: instance.meetingId,
    account_id: context.accountId,
    host_id: instance.hostId,
    topic: instance.topic,
    type: instance.type,
    start_time: formatZoomTime(instance.startTime),
    timezone: instance.timezone,
    duration: durationMinutes(instance.startTime, instance.endTime),
    total_size: recording.files.reduce((sum, f) => sum + f.fileSize, 0),
    recording_count: recording.files.length,
    share_url: `${base}/rec/share/${recording.shareToken}`,
    password: recording.password,
    recording_play_passcode: recording.playPasscode,
    recording_files: recording.files.map((f) => ({
      id: f.id,
      meeting_id: instance.uuid,
      recording_start: formatZoomTime(f.start),
      recording_end: formatZoomTime(f.end),
      file_type: f.fileType,
      file_extension: f.fileType,
      file_size: f.fileSize,
      play_url: `${base}/rec/play/${f.urlToken}`,
      download_url: `${base}/rec/download/${f.urlToken}`,
      status: 'completed',
      recording_type: f.recordingType,
    })),
  };
}

export function registerRecordingRoutes(app: FastifyInstance, context: ZoomApiContext): void {
  app.get<{ Params: { meetingId: string } }>(
    '/v2/meetings/:meetingId/recordings',
    { config: { rateLabel: 'Light' } },
    async (request) => {
      const meetingId = meetingIdFromPath(request.params.meetingId);
      const { store } = context;
      const instance = store.findPastInstance(meetingId);
      // A meeting, instance or past meeting we know of without a recording is 3301; anything else 3001.
      const known =
        instance !== undefined || store.findMeeting(meetingId) !== undefined || store.instances.has(meetingId);
      if (!known) throw ZoomErrors.pastMeetingNotFound(meetingId);
      if (!instance?.recording || instance.endTime === undefined) throw ZoomErrors.noRecording();
      const body = renderRecording(context, { ...instance, endTime: instance.endTime }, instance.recording);
      const includeFields = (queryValue(request.query, 'include_fields') ?? '').split(',');
      return {
        ...body,
        ...(includeFields.includes('download_access_token') ? { download_access_token: newDownloadToken() } : {}),
        participant_audio_files: [],
      };
    },
  );
}
