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
