import { type ZoomApiContext } from './api';
import { formatZoomTime } from './start-time';
import { effectiveSettings, joinUrl, meetingSummary } from './meeting-views';
import { shownEmail } from './past-meetings';
import { type MeetingInstance, type ParticipantSegment, type StoredMeeting, type StoredUser } from './store';

/**
 * Payloads of the webhook events the emulator sends, in the shapes of the reference (§5). Note the id types:
 * `meeting.created`, `updated`, `deleted` and `recording.completed` carry `object.id` as a number, the live
 * events (`meeting.started`, `ended`, `participant_joined`, `participant_left`) as a string.
 */

/** Who made a change: for API calls the account owner (the S2S app acts for the account), for portal edits the host. */
export interface Operator {
  email: string;
  id: string;
}

export function operatorOf(user: StoredUser): Operator {
  return { email: user.email, id: user.id };
}

/** The account owner, who operates API calls of the Server-to-Server app. */
export function apiOperator(context: ZoomApiContext): Operator {
  const owner = context.store.findUser('me');
  return owner ? operatorOf(owner) : { email: '', id: '' };
}

export function sendMeetingCreated(context: ZoomApiContext, meeting: StoredMeeting, host: StoredUser): void {
  const operator = apiOperator(context);
  const settings = effectiveSettings(meeting.settings);
  context.webhooks.emit('meeting.created', {
    account_id: context.accountId,
    operator: operator.email,
    operator_id: operator.id,
    operation: 'single',
    object: {
      ...meetingSummary(meeting),
      join_url: joinUrl(context, meeting),
      password: meeting.password,
      pmi: String(host.pmi),
      ...(meeting.recurrence ? { recurrence: { ...meeting.recurrence } } : {}),
      settings: {
        use_pmi: settings.use_pmi,
        alternative_hosts: settings.alternative_hosts,
        join_before_host: settings.join_before_host,
        jbh_time: settings.jbh_time,
        meeting_invitees: settings.meeting_invitees,
      },
    },
  });
}

/** The wire fields of a meeting that `meeting.updated` compares. */
function updatableFields(meeting: StoredMeeting): Record<string, unknown> {
  return {
    topic: meeting.topic,
    type: meeting.type,
    start_time: formatZoomTime(meeting.startTime),
    duration: meeting.durationMinutes,
    timezone: meeting.timezone,
    agenda: meeting.agenda,
    password: meeting.password,
    recurrence: meeting.recurrence,
    settings: effectiveSettings(meeting.settings),
  };
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * `meeting.updated` with only what changed (settings key by key) plus the id, in `object` and `old_object`.
 * Nothing is sent when nothing changed. Returns whether an event was sent.
 */
export function sendMeetingUpdated(
  context: ZoomApiContext,
  before: StoredMeeting,
  after: StoredMeeting,
  operator: Operator,
): boolean {
  const oldFields = updatableFields(before);
  const newFields = updatableFields(after);
  const object: Record<string, unknown> = { id: after.id };
  const oldObject: Record<string, unknown> = { id: before.id };
  for (const [name, value] of Object.entries(newFields)) {
    const old = oldFields[name];
    if (same(old, value)) continue;
    if (name === 'settings') {
      const oldSettings = old as Record<string, unknown>;
      const newSettings = value as Record<string, unknown>;
      const changed = Object.keys(newSettings).filter((key) => !same(oldSettings[key], newSettings[key]));
      object.settings = Object.fromEntries(changed.map((key) => [key, newSettings[key]]));
      oldObject.settings = Object.fromEntries(changed.map((key) => [key, oldSettings[key]]));
      continue;
    }
    if (value !== undefined) object[name] = value;
    if (old !== undefined) oldObject[name] = old;
  }
  if (Object.keys(object).length === 1 && Object.keys(oldObject).length === 1) return false;
  context.webhooks.emit('meeting.updated', {
    account_id: context.accountId,
    operator: operator.email,
    operator_id: operator.id,
    scope: 'single',
    object,
    time_stamp: context.now(),
    old_object: oldObject,
  });
  return true;
}

export function sendMeetingDeleted(context: ZoomApiContext, meeting: StoredMeeting): void {
  const operator = apiOperator(context);
  context.webhooks.emit('meeting.deleted', {
    account_id: context.accountId,
    operator: operator.email,
    operator_id: operator.id,
    operation: 'single',
    object: meetingSummary(meeting),
  });
}

/** The `object` of the live events: id as a string, the actual start time. */
function liveObject(instance: MeetingInstance): Record<string, unknown> {
  return {
    id: String(instance.meetingId),
    uuid: instance.uuid,
    host_id: instance.hostId,
    topic: instance.topic,
    type: instance.type,
    start_time: formatZoomTime(instance.startTime),
    timezone: instance.timezone,
    duration: instance.scheduledDurationMinutes,
  };
}

export function sendMeetingStarted(context: ZoomApiContext, instance: MeetingInstance): void {
  context.webhooks.emit('meeting.started', { account_id: context.accountId, object: liveObject(instance) });
}

export function sendMeetingEnded(context: ZoomApiContext, instance: MeetingInstance): void {
  context.webhooks.emit('meeting.ended', {
    account_id: context.accountId,
    object: { ...liveObject(instance), end_time: formatZoomTime(instance.endTime ?? context.now()) },
  });
}

/**
 * A participant as the live events carry it. `email` follows the API's display rules: Zoom's change log states
 * them for "API responses", and guests' join events arrive without an e-mail (zoom/rtms#128); the stricter
 * reading applies them to webhooks too.
 */
function participantFields(segment: ParticipantSegment): Record<string, unknown> {
  return {
    user_id: segment.participantId,
    user_name: segment.name,
    id: segment.zoomUserId,
    participant_uuid: segment.participantUuid,
    email: shownEmail(segment),
    registrant_id: '',
    participant_user_id: segment.participantUserId,
    customer_key: '',
    phone_number: '',
  };
}

/**
 * `meeting.participant_joined` (with `join_time`) or `meeting.participant_left` (with `leave_time` and
 * `leave_reason`), the time fields where Zoom puts them, after the participant's ids.
 */
function sendParticipantEvent(
  context: ZoomApiContext,
  instance: MeetingInstance,
  segment: ParticipantSegment,
  times: Record<string, string>,
  event: 'meeting.participant_joined' | 'meeting.participant_left',
): void {
  const { user_id, user_name, id, participant_uuid, ...rest } = participantFields(segment);
  context.webhooks.emit(event, {
    account_id: context.accountId,
    object: {
      ...liveObject(instance),
      participant: { user_id, user_name, id, participant_uuid, ...times, ...rest },
    },
  });
}

export function sendParticipantJoined(
  context: ZoomApiContext,
  instance: MeetingInstance,
  segment: ParticipantSegment,
): void {
  sendParticipantEvent(
    context,
    instance,
    segment,
    { join_time: formatZoomTime(segment.joinTime) },
    'meeting.participant_joined',
  );
}

export function sendParticipantLeft(
  context: ZoomApiContext,
  instance: MeetingInstance,
  segment: ParticipantSegment,
  reason: string,
): void {
  const leaveTime = formatZoomTime(segment.leaveTime ?? context.now());
  sendParticipantEvent(
    context,
    instance,
    segment,
    { leave_time: leaveTime, leave_reason: reason },
    'meeting.participant_left',
  );
}

export function sendRecordingCompleted(
  context: ZoomApiContext,
  recordingObject: Record<string, unknown>,
  downloadToken: string,
): void {
  context.webhooks.emit(
    'recording.completed',
    { account_id: context.accountId, object: recordingObject },
    { download_token: downloadToken },
  );
}
