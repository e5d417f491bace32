import type { EventZoomFields } from './event-fields';

/**
 * What a finished meeting amounts to, from Zoom's raw data: who attended and for how long (Zoom lists one row
 * per join/leave segment), whether the meeting counts as successful, and a short recording summary.
 */

export interface ParticipantSegment {
  /** Zoom user id of a signed-in participant; empty for guests. */
  id?: string | null;
  name?: string | null;
  email?: string | null;
  joinTime: string;
  leaveTime?: string | null;
}

export interface Attendee {
  name: string;
  email?: string;
  minutes: number;
  segments: number;
}

/** "Núñez, José" and " JOSE  NUNEZ" both fold to "jose nunez": case, accents, spacing and "Last, First" order. */
export function foldName(name: string): string {
  const folded = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .trim();
  const ordered = folded.includes(',') ? folded.split(',').reverse().join(' ') : folded;
  return ordered.split(/\s+/).filter(Boolean).join(' ');
}

/** "Al Turing", "turing, al" and "AL  TURING" are the same display name (word order ignored too). */
export function normalizeName(name: string): string {
  return foldName(name).split(' ').filter(Boolean).sort().join(' ');
}

interface Group {
  emails: Set<string>;
  ids: Set<string>;
  names: Set<string>;
  displayName: string;
  email?: string;
  intervals: [number, number][];
  segments: number;
}

function overlapFreeMs(intervals: [number, number][]): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [start, end] = sorted[0] ?? [0, 0];
  for (const [s, e] of sorted.slice(1)) {
    if (s > end) {
      total += end - start;
      [start, end] = [s, e];
    } else end = Math.max(end, e);
  }
  return total + (end - start);
}

/**
 * One entry per person. Segments belong to the same person when they share an e-mail or a Zoom user id, or,
 * for guests with neither, the same normalised display name. Time is the union of their segments, so
 * overlapping rows (two devices) are not counted twice. `endedAt` closes segments without a leave time.
 */
export function summarizeAttendance(segments: ParticipantSegment[], endedAt?: string): Attendee[] {
  const groups: Group[] = [];
  for (const segment of segments) {
    const email = segment.email?.trim().toLowerCase() || undefined;
    const id = segment.id?.trim() || undefined;
    const name = (segment.name ?? '').trim() || email || 'Unknown participant';
    const nameKey = normalizeName(name);
    const group =
      groups.find((g) => (email && g.emails.has(email)) || (id && g.ids.has(id))) ??
      (!email && !id ? groups.find((g) => g.emails.size === 0 && g.ids.size === 0 && g.names.has(nameKey)) : undefined);
    const join = Date.parse(segment.joinTime);
    const leave = Date.parse(segment.leaveTime ?? endedAt ?? segment.joinTime);
    const interval: [number, number] = [join, Math.max(join, leave)];
    if (group) {
      if (email) group.emails.add(email);
      if (id) group.ids.add(id);
      group.names.add(nameKey);
      group.email ??= email;
      group.intervals.push(interval);
      group.segments += 1;
    } else {
      groups.push({
        emails: new Set(email ? [email] : []),
        ids: new Set(id ? [id] : []),
        names: new Set([nameKey]),
        displayName: name,
        email,
        intervals: [interval],
        segments: 1,
      });
    }
  }
  return groups
    .map((g) => ({
      name: g.displayName,
      ...(g.email ? { email: g.email } : {}),
      minutes: Math.round(overlapFreeMs(g.intervals) / 60_000),
      segments: g.segments,
    }))
    .sort((a, b) => b.minutes - a.minutes || a.name.localeCompare(b.name));
}

/** The official app's rule: a meeting is successful when at least two people attended. */
export function isSuccessful(attendees: Attendee[]): boolean {
  return attendees.length >= 2;
}

/** One line per person for `Zoom_Participants__c`, cut to fit the field. */
export function participantLines(attendees: Attendee[], maxLength = 32_768): string {
  return linesWithin(
    attendees.map((a) => `${a.name}${a.email ? ` <${a.email}>` : ''}: ${a.minutes} min`),
    maxLength,
  );
}

/** Joins lines with newlines; when they do not fit in `maxLength`, the rest is counted as "… and N more". */
export function linesWithin(lines: string[], maxLength: number): string {
  let text = '';
  for (const [i, line] of lines.entries()) {
    const next = text ? `${text}\n${line}` : line;
    const more = `\n… and ${lines.length - i} more`;
    if (next.length + (i < lines.length - 1 ? more.length : 0) > maxLength) {
      // Not even the first line fits: the count alone, without a leading blank line.
      return text ? `${text}${more}` : more.trim();
    }
    text = next;
  }
  return text;
}

export interface RecordingFile {
  fileType: string;
  fileSize?: number;
  recordingStart?: string;
  recordingEnd?: string;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** e.g. "2 files (MP4, M4A), 54 min, 36.4 MB". */
export function recordingSummary(files: RecordingFile[]): string {
  if (files.length === 0) return 'No recording files';
  const types = [...new Set(files.map((f) => f.fileType.toUpperCase()))].join(', ');
  const starts = files.map((f) => Date.parse(f.recordingStart ?? '')).filter(Number.isFinite);
  const ends = files.map((f) => Date.parse(f.recordingEnd ?? '')).filter(Number.isFinite);
  const minutes =
    starts.length && ends.length ? Math.round((Math.max(...ends) - Math.min(...starts)) / 60_000) : undefined;
  const size = files.reduce((sum, f) => sum + (f.fileSize ?? 0), 0);
  return [
    `${files.length} file${files.length === 1 ? '' : 's'} (${types})`,
    ...(minutes !== undefined ? [`${minutes} min`] : []),
    ...(size > 0 ? [formatBytes(size)] : []),
  ].join(', ');
}

export interface MeetingRecordingInfo {
  shareUrl?: string;
  summary: string;
}

export interface MeetingOutcome {
  /** 'live': started and not ended; 'ended': an instance finished; 'not-started': no instance at all yet. */
  state: 'live' | 'ended' | 'not-started';
  instanceUuid?: string;
  actualStart?: string;
  actualEnd?: string;
  durationMinutes?: number;
  attendees: Attendee[];
  /** False when Zoom says people attended but has not published the participant list yet. */
  participantsComplete: boolean;
  recording?: MeetingRecordingInfo;
}

/** The Event fields for an outcome (status included), ready for `writeEventFields`. */
export function outcomeFields(outcome: MeetingOutcome): EventZoomFields {
  if (outcome.state === 'not-started') return { Zoom_Status__c: 'Not Started' };
  if (outcome.state === 'live') {
    return { Zoom_Status__c: 'Started', ...(outcome.actualStart ? { Zoom_Actual_Start__c: outcome.actualStart } : {}) };
  }
  return {
    Zoom_Status__c: 'Ended',
    Zoom_Actual_Start__c: outcome.actualStart ?? null,
    Zoom_Actual_End__c: outcome.actualEnd ?? null,
    Zoom_Duration_Minutes__c: outcome.durationMinutes ?? null,
    Zoom_Participant_Count__c: outcome.attendees.length,
    Zoom_Participants__c: participantLines(outcome.attendees) || null,
    Zoom_Successful__c: isSuccessful(outcome.attendees),
    ...(outcome.recording
      ? {
          Zoom_Recording_URL__c: outcome.recording.shareUrl ?? null,
          Zoom_Recording_Summary__c: outcome.recording.summary,
        }
      : {}),
    Zoom_Sync_Error__c: null,
  };
}

/**
 * What the meeting workflow's state records of an ended meeting, from its outcome and the Event fields written for it
 * (a recording already known stays when the outcome has none).
 */
export function endedStateOf(outcome: MeetingOutcome, fields: EventZoomFields, knownRecordingUrl: string | undefined) {
  return {
    phase: 'ended' as const,
    instanceUuid: outcome.instanceUuid,
    actualStart: outcome.actualStart,
    actualEnd: outcome.actualEnd,
    durationMinutes: outcome.durationMinutes,
    participantCount: outcome.attendees.length,
    successful: fields.Zoom_Successful__c,
    recordingUrl: outcome.recording?.shareUrl ?? knownRecordingUrl,
    lastSync: fields,
    lastError: undefined,
  };
}

/**
 * What a `meeting.ended` webhook alone tells the Event: the end, and the start (the lifecycle's, else the webhook's)
 * with the duration in whole minutes rounded up, as Zoom counts a past meeting's (its example: 07:00:30 to 07:02:01
 * is 2). Participants and the recording wait for Zoom's report, published seconds to minutes later. Undefined
 * without an end time.
 */
export function endFromWebhook(
  end: { startTime?: string; endTime?: string },
  knownStart: string | undefined,
): EventZoomFields | undefined {
  if (!end.endTime) return undefined;
  const start = knownStart ?? end.startTime;
  const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
  return {
    Zoom_Status__c: 'Ended',
    ...(start
      ? {
          Zoom_Actual_Start__c: start,
          Zoom_Duration_Minutes__c: Math.ceil(Math.max(0, seconds(end.endTime) - seconds(start)) / 60),
        }
      : {}),
    Zoom_Actual_End__c: end.endTime,
    Zoom_Sync_Error__c: null,
  };
}
