/**
 * Zoom API v2 request and response shapes we use, with Zoom's field names (from Zoom's generated types in
 * `@zoom/rivet`). Meeting `id` is a 10–11 digit integer; keep it as a string once it leaves this client.
 */

/** 1 instant, 2 scheduled, 3 recurring without a fixed time, 8 recurring with a fixed time. */
export type MeetingType = 1 | 2 | 3 | 8;

export interface AccessTokenResponse {
  access_token: string;
  token_type: 'bearer';
  /** Seconds. */
  expires_in: number;
  /** Space-separated scopes. */
  scope: string;
  api_url?: string;
}

export interface ZoomUser {
  id: string;
  email: string;
  first_name?: string;
  last_name?: string;
  display_name?: string;
  /** 1 basic, 2 licensed. */
  type: number;
  /** A number here, a string on meetings. */
  pmi?: number;
  use_pmi?: boolean;
  timezone?: string;
  personal_meeting_url?: string;
  account_id?: string;
  status?: 'active' | 'inactive' | 'pending';
  role_id?: string;
  language?: string;
}

export interface MeetingInvitee {
  email: string;
}

export interface MeetingSettings {
  join_before_host?: boolean;
  /** Minutes before the start participants may join: 0, 5, 10 or 15. */
  jbh_time?: 0 | 5 | 10 | 15;
  use_pmi?: boolean;
  waiting_room?: boolean;
  auto_recording?: 'local' | 'cloud' | 'none';
  meeting_invitees?: MeetingInvitee[];
  alternative_hosts?: string;
  host_video?: boolean;
  participant_video?: boolean;
  mute_upon_entry?: boolean;
  approval_type?: 0 | 1 | 2;
}

export interface MeetingRecurrence {
  /** 1 daily, 2 weekly, 3 monthly. */
  type: 1 | 2 | 3;
  repeat_interval?: number;
  /** 1 = Sunday … 7 = Saturday, comma-separated. */
  weekly_days?: string;
  monthly_day?: number;
  end_times?: number;
  end_date_time?: string;
}

export interface CreateMeetingRequest {
  topic?: string;
  type?: MeetingType;
  /** `yyyy-MM-ddTHH:mm:ssZ` (UTC), or `yyyy-MM-ddTHH:mm:ss` read in `timezone` (else the host's zone). */
  start_time?: string;
  /** Minutes. */
  duration?: number;
  timezone?: string;
  agenda?: string;
  password?: string;
  default_password?: boolean;
  pre_schedule?: boolean;
  schedule_for?: string;
  template_id?: string;
  recurrence?: MeetingRecurrence;
  tracking_fields?: { field: string; value: string }[];
  settings?: MeetingSettings;
}

/** PATCH takes the create fields; only those present change. */
export type UpdateMeetingRequest = Partial<CreateMeetingRequest>;

export interface MeetingOccurrence {
  occurrence_id: string;
  start_time: string;
  duration: number;
  status: string;
}

/** Create and get responses. `start_url` embeds the host's key: never log it. */
export interface ZoomMeeting {
  uuid: string;
  id: number;
  host_id: string;
  host_email: string;
  topic: string;
  type: MeetingType;
  status?: 'waiting' | 'started' | 'finished';
  /** UTC, `…Z`; absent for recurring meetings without a fixed time. */
  start_time?: string;
  duration?: number;
  timezone?: string;
  agenda?: string;
  created_at: string;
  start_url: string;
  join_url: string;
  password?: string;
  h323_password?: string;
  pstn_password?: string;
  encrypted_password?: string;
  /** The host's PMI, as a string. */
  pmi?: string;
  pre_schedule?: boolean;
  settings?: MeetingSettings;
  recurrence?: MeetingRecurrence;
  occurrences?: MeetingOccurrence[];
  creation_source?: string;
}

export type MeetingListType = 'scheduled' | 'live' | 'upcoming' | 'upcoming_meetings' | 'previous_meetings';

/** `GET /users`: one page of the account's users. */
export interface UserListPage {
  page_size: number;
  total_records: number;
  /** Empty on the last page. */
  next_page_token: string;
  users: ZoomUser[];
}

export interface ListUsersOptions {
  status?: 'active' | 'inactive' | 'pending';
  /** At most 300. */
  pageSize?: number;
  nextPageToken?: string;
}

export interface ListUserMeetingsOptions {
  type?: MeetingListType;
  /** At most 300; Zoom's default is 30. */
  pageSize?: number;
  nextPageToken?: string;
}

export interface MeetingListItem {
  uuid: string;
  id: number;
  host_id: string;
  topic: string;
  type: MeetingType;
  start_time?: string;
  duration?: number;
  timezone?: string;
  agenda?: string;
  created_at: string;
  join_url: string;
  pmi?: string;
}

export interface MeetingListPage {
  page_size: number;
  total_records: number;
  /** Empty on the last page; valid for 15 minutes and only with the same query. */
  next_page_token: string;
  page_count?: number;
  page_number?: number;
  meetings: MeetingListItem[];
}

/** `GET /past_meetings/{meetingId or UUID}`: one ended instance (a numeric id means the latest one). */
export interface PastMeeting {
  uuid: string;
  id: number;
  host_id: string;
  /** In past data also 4 (PMI) and 7 (PAC). */
  type: number;
  topic: string;
  /** The host's name and e-mail. */
  user_name: string;
  user_email: string;
  /** Actual start and end, UTC `…Z`. */
  start_time: string;
  end_time: string;
  /** Minutes. */
  duration: number;
  /** Minutes attended by everyone together. */
  total_minutes: number;
  participants_count: number;
  dept?: string;
  source?: string;
}

/** `type` of the report: meetings the user hosted, one meeting, or those they hosted or joined. */
export type ReportUserMeetingsType = 'past' | 'pastOne' | 'pastJoined';

export interface ListReportUserMeetingsOptions {
  /** UTC dates `yyyy-mm-dd`, both inclusive: at most one month, within the past six months. */
  from: string;
  to: string;
  /** Default `past`. */
  type?: ReportUserMeetingsType;
  /** At most 300; Zoom's default is 30. */
  pageSize?: number;
  nextPageToken?: string;
}

/**
 * A meeting instance in `GET /report/users/{userId}/meetings` (only those with two or more unique participants).
 * `user_name`/`user_email` are the host's.
 */
export interface ReportUserMeeting extends Omit<PastMeeting, 'host_id'> {
  /** The emulator sends it; Zoom's published type does not list it. */
  host_id?: string;
  session_key?: string;
  custom_keys?: { key: string; value: string }[];
  schedule_time?: string;
  host_name?: string;
  has_recording?: boolean;
  has_screen_share?: boolean;
  has_chat?: boolean;
}

export interface ReportUserMeetingsPage {
  /** The report's dates as Zoom read them. */
  from?: string;
  to?: string;
  page_size: number;
  total_records: number;
  /** Empty on the last page; valid for 15 minutes and only with the same query. */
  next_page_token: string;
  page_count?: number;
  meetings: ReportUserMeeting[];
}

/** An ended instance from `GET /past_meetings/{meetingId}/instances`. */
export interface PastMeetingInstance {
  uuid: string;
  start_time: string;
}

/**
 * One join/leave segment of a participant: a person who left and rejoined has several rows. `name` is a free
 * display name; `user_email` is usually '' for anyone outside the host's account (e-mail display rules).
 */
export interface MeetingParticipantSegment {
  /** The participant's Zoom user id when signed in, else empty. */
  id: string;
  /** Meeting-scoped participant id, new on every join. */
  user_id: string;
  name: string;
  user_email: string;
  join_time: string;
  leave_time: string;
  /** SECONDS (unlike meeting durations). */
  duration: number;
  registrant_id?: string;
  failover?: boolean;
  status?: 'in_meeting' | 'in_waiting_room';
}

/**
 * `GET /past_meetings/{UUID}/participants` row. Zoom returns no rows at all for a meeting with only one
 * participant (and the report covers meetings of two or more only).
 */
export interface PastMeetingParticipant extends MeetingParticipantSegment {
  internal_user?: boolean;
}

/** `GET /report/meetings/{id or UUID}/participants` row (no `internal_user`). */
export interface ReportMeetingParticipant extends MeetingParticipantSegment {
  customer_key?: string;
  bo_mtg_id?: string;
  participant_user_id?: string;
}

export interface ParticipantPage<T extends MeetingParticipantSegment> {
  page_size: number;
  total_records: number;
  /** Empty on the last page; valid for 15 minutes and only with the same query. */
  next_page_token: string;
  page_count?: number;
  participants: T[];
}

export type RecordingFileType = 'MP4' | 'M4A' | 'TIMELINE' | 'TRANSCRIPT' | 'CHAT' | 'CC' | 'CSV';

export interface RecordingFile {
  id: string;
  /** The instance's UUID. */
  meeting_id: string;
  recording_start: string;
  recording_end: string;
  file_type: RecordingFileType | string;
  file_extension?: string;
  /** Bytes. */
  file_size: number;
  play_url?: string;
  /** Needs a Bearer header or `?access_token=` to download. */
  download_url: string;
  status: string;
  /** e.g. `shared_screen_with_speaker_view`, `audio_only`, `gallery_view`, `audio_transcript`, `chat_file`. */
  recording_type: string;
}

/** `GET /meetings/{meetingId or UUID}/recordings`. */
export interface MeetingRecordings {
  uuid: string;
  /** A number here (and in `recording.completed`). */
  id: number;
  account_id?: string;
  host_id: string;
  topic: string;
  type: number;
  start_time: string;
  timezone?: string;
  /** Minutes. */
  duration: number;
  /** Bytes. */
  total_size: number;
  recording_count: number;
  share_url?: string;
  password?: string;
  recording_play_passcode?: string;
  /** Only when asked for (`includeDownloadAccessToken`). A credential: never log it. */
  download_access_token?: string;
  recording_files: RecordingFile[];
  participant_audio_files?: RecordingFile[];
}

/** A call the caller may abandon (an activity's cancellation): its request, and its wait for a pacer slot, stop. */
export interface CallOptions {
  signal?: AbortSignal;
}

export interface GetMeetingRecordingsOptions extends CallOptions {
  /** Adds `include_fields=download_access_token`. */
  includeDownloadAccessToken?: boolean;
}
