import { randomBytes, randomInt } from 'node:crypto';

/**
 * The emulated account's state: users and meetings. Types are the emulator's own (not the production client's)
 * so the emulator stays an independent check of the client. Times are epoch milliseconds; the HTTP modules
 * render them as Zoom does. A meeting that starts gets a `MeetingInstance` under a new UUID (which the meeting
 * then shows as its `uuid`); participants and the cloud recording belong to the instance.
 */

export type UserType = 1 | 2; // 1 basic, 2 licensed
export type UserStatus = 'active' | 'inactive' | 'pending';

export interface ZoomUserSeed {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  /** IANA zone of the user's Zoom profile. */
  timezone: string;
  /** Personal Meeting ID (10 digits). */
  pmi: number;
  type?: UserType;
  status?: UserStatus;
}

export interface StoredUser extends Required<ZoomUserSeed> {
  createdAt: number;
}

export type MeetingType = 1 | 2 | 8; // instant, scheduled, recurring with a fixed time
export type AutoRecording = 'local' | 'cloud' | 'none';

/** Settings keep Zoom's wire names: they are a bag of options the API echoes back. */
export interface MeetingSettings {
  join_before_host: boolean;
  jbh_time: number;
  use_pmi: boolean;
  waiting_room: boolean;
  auto_recording: AutoRecording;
  meeting_invitees: { email: string }[];
  alternative_hosts: string;
  host_video: boolean;
  participant_video: boolean;
  mute_upon_entry: boolean;
  approval_type: 0 | 1 | 2;
}

/** Recurrence of a type-8 meeting, in Zoom's wire names. `type`: 1 daily, 2 weekly, 3 monthly. */
export interface Recurrence {
  type: 1 | 2 | 3;
  repeat_interval: number;
  /** Weekly: comma-separated days, 1 = Sunday … 7 = Saturday. */
  weekly_days?: string;
  /** Monthly: day of the month (1–31). */
  monthly_day?: number;
  end_times?: number;
  /** UTC end of the series, `…Z`. */
  end_date_time?: string;
}

export interface StoredMeeting {
  /** Identifies this instance; a new one is minted whenever the meeting would start anew. */
  uuid: string;
  /** Meeting number; the host's PMI when the meeting uses it. */
  id: number;
  hostId: string;
  topic: string;
  type: MeetingType;
  status: 'waiting' | 'started';
  startTime: number;
  durationMinutes: number;
  timezone: string;
  agenda: string;
  createdAt: number;
  password: string;
  encryptedPassword: string;
  /** Digits-only passcode for phone and H.323 callers. */
  numericPassword: string;
  /** Host key embedded in the start URL. */
  zak: string;
  settings: MeetingSettings;
  recurrence?: Recurrence;
}

/** One join/leave segment of a participant; a person who rejoins has several. */
export interface ParticipantSegment {
  /** The participant's Zoom user id when signed in to this account, else ''. */
  zoomUserId: string;
  /** Meeting-scoped participant id (`user_id` on the wire); new for every join. */
  participantId: string;
  /** Same for every segment of one person in one instance (`participant_uuid`). */
  participantUuid: string;
  /** Stable id of the person across meetings (`participant_user_id`). */
  participantUserId: string;
  name: string;
  /** '' for people without an e-mail (guests, dial-ins). */
  email: string;
  /** Zoom blanks the e-mail in API answers and webhooks (its e-mail address display rules). */
  emailHidden: boolean;
  joinTime: number;
  /** Undefined while the segment is open. */
  leaveTime?: number;
  internalUser: boolean;
}

export interface RecordingFile {
  id: string;
  fileType: 'MP4' | 'M4A' | 'TIMELINE' | 'TRANSCRIPT' | 'CHAT' | 'CC' | 'CSV';
  recordingType: string;
  fileSize: number;
  start: number;
  end: number;
  /** Token in the play and download URLs. */
  urlToken: string;
}

/** A cloud recording of one instance, complete once `recording.completed` has been sent. */
export interface StoredRecording {
  createdAt: number;
  password: string;
  shareToken: string;
  playPasscode: string;
  files: RecordingFile[];
}

/**
 * One occurrence of a meeting actually taking place: live until `endTime` is set, a past meeting after. The
 * meeting's details are copied at the start so the instance outlives later edits and the meeting's deletion.
 */
export interface MeetingInstance {
  uuid: string;
  meetingId: number;
  hostId: string;
  topic: string;
  type: MeetingType;
  timezone: string;
  /** The scheduled duration in minutes (webhooks carry it). */
  scheduledDurationMinutes: number;
  /** Actual start and end. */
  startTime: number;
  endTime?: number;
  /** When the end happened on the emulator's clock, if a simulation claimed a later `endTime`. */
  endedAt?: number;
  participants: ParticipantSegment[];
  recording?: StoredRecording;
}

export type EndedInstance = MeetingInstance & { endTime: number };

/** How long after its end Zoom publishes a meeting's past data (past meetings, participants, reports). */
export const DEFAULT_PAST_DATA_DELAY_MS = 5000;

/** Instances in start order, sorted lazily: seeding appends thousands in any order. */
class StartOrdered {
  private items: MeetingInstance[] = [];
  private sorted = true;

  add(instance: MeetingInstance): void {
    const last = this.items.at(-1);
    if (last && last.startTime > instance.startTime) this.sorted = false;
    this.items.push(instance);
  }

  all(): readonly MeetingInstance[] {
    if (!this.sorted) {
      this.items.sort((a, b) => a.startTime - b.startTime);
      this.sorted = true;
    }
    return this.items;
  }
}

const PASSWORD_ALPHABET = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export function randomPassword(length = 6): string {
  return Array.from({ length }, () => PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)]).join('');
}

export function randomDigits(length: number): string {
  return Array.from({ length }, (_, i) => String(i === 0 ? randomInt(1, 10) : randomInt(10))).join('');
}

/** Meeting UUIDs are 16 random bytes in base64, so they may contain `/`, `+` and `=` as Zoom's do. */
export function newMeetingUuid(): string {
  return randomBytes(16).toString('base64');
}

export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

export class ZoomStore {
  readonly users = new Map<string, StoredUser>();
  readonly meetings = new Map<number, StoredMeeting>();
  /** Every instance that has started, by UUID; add them with `addInstance`. */
  readonly instances = new Map<string, MeetingInstance>();
  // Indexes, so that 20,000 seeded past meetings do not make every lookup scan them all.
  private readonly byMeeting = new Map<number, StartOrdered>();
  private readonly byHost = new Map<string, StartOrdered>();

  constructor(
    private readonly seed: readonly ZoomUserSeed[],
    private readonly now: () => number,
    /** See `DEFAULT_PAST_DATA_DELAY_MS`. */
    private readonly pastDataDelayMs = DEFAULT_PAST_DATA_DELAY_MS,
  ) {
    this.reset();
  }

  /** Back to the seed: seeded users only, no meetings. */
  reset(): void {
    this.users.clear();
    this.meetings.clear();
    this.instances.clear();
    this.byMeeting.clear();
    this.byHost.clear();
    for (const user of this.seed) {
      this.users.set(user.id, { type: 2, status: 'active', ...user, createdAt: this.now() });
    }
  }

  /**
   * The user named by a path's `userId`: a Zoom user id, an e-mail (case-insensitive) or `me`, which for this
   * account-level app means the account owner (the first seeded user).
   */
  findUser(userIdOrEmail: string): StoredUser | undefined {
    if (userIdOrEmail === 'me') return this.users.values().next().value;
    const byId = this.users.get(userIdOrEmail);
    if (byId) return byId;
    return this.findUserByEmail(userIdOrEmail);
  }

  findUserByEmail(email: string): StoredUser | undefined {
    const wanted = email.toLowerCase();
    for (const user of this.users.values()) if (user.email.toLowerCase() === wanted) return user;
    return undefined;
  }

  /** A meeting by its number or by the UUID of its instance. */
  findMeeting(meetingIdOrUuid: string): StoredMeeting | undefined {
    if (/^\d+$/.test(meetingIdOrUuid)) return this.meetings.get(Number(meetingIdOrUuid));
    return [...this.meetings.values()].find((m) => m.uuid === meetingIdOrUuid);
  }

  /** The host's PMI meeting, if a meeting scheduled with `use_pmi` exists. */
  findPmiMeeting(user: StoredUser): StoredMeeting | undefined {
    return this.meetings.get(user.pmi);
  }

  isPmi(meetingId: number): boolean {
    return [...this.users.values()].some((u) => u.pmi === meetingId);
  }

  /** An unused 11-digit meeting number (PMIs have 10 digits, so the two never collide). */
  newMeetingId(): number {
    for (;;) {
      const id = Number(randomDigits(11));
      if (!this.meetings.has(id) && !this.byMeeting.has(id)) return id;
    }
  }

  /** Who hosts a meeting number: its meeting, the user whose PMI it is, or its earlier instances. */
  hostIdOfMeetingNumber(meetingId: number): string | undefined {
    const meeting = this.meetings.get(meetingId);
    if (meeting) return meeting.hostId;
    for (const user of this.users.values()) if (user.pmi === meetingId) return user.id;
    return this.byMeeting.get(meetingId)?.all()[0]?.hostId;
  }

  addInstance(instance: MeetingInstance): void {
    this.instances.set(instance.uuid, instance);
    const index = <K>(map: Map<K, StartOrdered>, key: K) => {
      let list = map.get(key);
      if (!list) map.set(key, (list = new StartOrdered()));
      list.add(instance);
    };
    index(this.byMeeting, instance.meetingId);
    index(this.byHost, instance.hostId);
  }

  /** The meeting's instance in progress, if it has started and not ended. */
  liveInstanceOf(meetingId: number): MeetingInstance | undefined {
    return this.byMeeting
      .get(meetingId)
      ?.all()
      .find((i) => i.endTime === undefined);
  }

  /** Ended, and Zoom has published its past data (`pastDataDelayMs` after the end). */
  isPastDataReady(instance: MeetingInstance): instance is EndedInstance {
    if (instance.endTime === undefined) return false;
    const ended = Math.min(instance.endTime, instance.endedAt ?? instance.endTime);
    return this.now() >= ended + this.pastDataDelayMs;
  }

  /** Instances of the meeting whose past data is readable, oldest first. */
  readyPastInstancesOf(meetingId: number): EndedInstance[] {
    return (this.byMeeting.get(meetingId)?.all() ?? []).filter((i) => this.isPastDataReady(i));
  }

  /** Instances hosted by the user whose past data is readable, oldest first. */
  readyPastInstancesOfHost(hostId: string): EndedInstance[] {
    return (this.byHost.get(hostId)?.all() ?? []).filter((i) => this.isPastDataReady(i));
  }

  /**
   * An ended instance by UUID, or the latest ended instance of a meeting number (as Zoom's past-meeting
   * endpoints resolve a numeric id), published or not.
   */
  findPastInstance(meetingIdOrUuid: string): EndedInstance | undefined {
    const ended = (i: MeetingInstance | undefined): i is EndedInstance => i?.endTime !== undefined;
    if (/^\d+$/.test(meetingIdOrUuid)) {
      return (this.byMeeting.get(Number(meetingIdOrUuid))?.all() ?? []).filter(ended).at(-1);
    }
    const instance = this.instances.get(meetingIdOrUuid);
    return ended(instance) ? instance : undefined;
  }

  /** Like `findPastInstance`, but only once its past data is readable. */
  findReadyPastInstance(meetingIdOrUuid: string): EndedInstance | undefined {
    if (/^\d+$/.test(meetingIdOrUuid)) return this.readyPastInstancesOf(Number(meetingIdOrUuid)).at(-1);
    const instance = this.instances.get(meetingIdOrUuid);
    return instance && this.isPastDataReady(instance) ? instance : undefined;
  }

  meetingsOf(hostId: string): StoredMeeting[] {
    return [...this.meetings.values()].filter((m) => m.hostId === hostId);
  }
}
