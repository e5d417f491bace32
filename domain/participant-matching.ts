import { foldName, linesWithin, normalizeName } from './meeting-outcome';

/**
 * Which of the host's Salesforce Contacts and Leads took part in an external Zoom meeting. The e-mail decides
 * first; without one (Zoom often hides guests' e-mails) the first and last name do. Anything uncertain is left
 * unlinked and explained in the notes, because a wrong link puts a meeting on somebody else's record.
 */

export interface MatchCandidate {
  /** Salesforce record id. */
  id: string;
  type: 'Contact' | 'Lead';
  firstName?: string | null;
  lastName: string;
  email?: string | null;
  /** Leads only; converted Leads never match (their Contact does). */
  isConverted?: boolean;
}

/** One person: segments already merged by `summarizeAttendance`. */
export interface MeetingParticipant {
  name: string;
  email?: string;
  zoomUserId?: string;
  minutes?: number;
}

export interface MeetingHost {
  zoomUserId?: string;
  email?: string;
  name?: string;
}

export type MatchOutcome =
  /** `user`: chosen by a person on the External Zoom Meetings page. */
  | { kind: 'linked'; recordId: string; recordType: 'Contact' | 'Lead'; by: 'email' | 'name' | 'user' }
  | { kind: 'host' }
  /** A dial-in: the display name is a phone number. */
  | { kind: 'phone' }
  /** A room system / SIP / H.323 device. */
  | { kind: 'device' }
  | { kind: 'ambiguous'; candidateIds: string[]; by: 'email' | 'name' }
  | { kind: 'no-match' }
  /** A proposed link a person removed. */
  | { kind: 'cleared' };

export interface ParticipantMatch {
  participant: MeetingParticipant;
  outcome: MatchOutcome;
}

function foldEmail(email: string | null | undefined): string {
  return (email ?? '').trim().toLowerCase();
}

/** Zoom display names often carry a device or pronouns in brackets: "Marie (iPhone)", "Ada (she/her)". */
function withoutBracketedSuffix(displayName: string): string {
  return displayName.replace(/(\s*\([^()]*\))+\s*$/, '');
}

/** A Zoom display name as a name key: folded, "Last, First" reordered, full stops ignored ("Ada K. Lovelace"). */
function displayNameKey(displayName: string): string {
  return foldName(withoutBracketedSuffix(displayName).replace(/\./g, ' '));
}

/** A record's name key; its fields are already split, so a comma in them is not an order marker. */
function recordNameKey(candidate: MatchCandidate): string {
  return [candidate.firstName ?? '', candidate.lastName]
    .map((part) => foldName(part.replace(/[.,]/g, ' ')))
    .filter(Boolean)
    .join(' ');
}

/**
 * "ada k lovelace" → "ada lovelace": only single-letter middle words are dropped, so "Juan Carlos Pérez" never
 * becomes "Juan Pérez". Undefined when there is no middle initial.
 */
function withoutMiddleInitials(nameKey: string): string | undefined {
  const words = nameKey.split(' ');
  if (words.length < 3) return undefined;
  const middle = words.slice(1, -1).filter((word) => word.length > 1);
  return middle.length < words.length - 2 ? [words[0], ...middle, words[words.length - 1]].join(' ') : undefined;
}

function addTo(map: Map<string, MatchCandidate[]>, key: string, candidate: MatchCandidate): void {
  const list = map.get(key);
  if (list) list.push(candidate);
  else map.set(key, [candidate]);
}

const NONE: readonly MatchCandidate[] = [];

/** The host's matchable records, indexed once (O(n)) and reused for every meeting: each lookup is O(1). */
export class CandidateIndex {
  private readonly byEmail = new Map<string, MatchCandidate[]>();
  private readonly byName = new Map<string, MatchCandidate[]>();
  /** Records whose name has middle initials, under the name without them. */
  private readonly byNameWithoutInitials = new Map<string, MatchCandidate[]>();
  private readonly byId = new Map<string, MatchCandidate>();

  private constructor() {}

  /** Converted Leads are left out; a record id given twice counts once. */
  static of(candidates: MatchCandidate[]): CandidateIndex {
    const index = new CandidateIndex();
    const seen = new Set<string>();
    for (const candidate of candidates) {
      if (seen.has(candidate.id) || (candidate.type === 'Lead' && candidate.isConverted)) continue;
      seen.add(candidate.id);
      index.byId.set(candidate.id, candidate);
      const email = foldEmail(candidate.email);
      if (email) addTo(index.byEmail, email, candidate);
      const name = recordNameKey(candidate);
      if (!name) continue;
      addTo(index.byName, name, candidate);
      const loose = withoutMiddleInitials(name);
      if (loose) addTo(index.byNameWithoutInitials, loose, candidate);
    }
    return index;
  }

  /** The record with this id, when it can match. */
  record(id: string): MatchCandidate | undefined {
    return this.byId.get(id);
  }

  /** How many records can match. */
  get size(): number {
    return this.byId.size;
  }

  withEmail(email: string): readonly MatchCandidate[] {
    return this.byEmail.get(foldEmail(email)) ?? NONE;
  }

  /** Records whose folded first and last name is exactly `nameKey`. */
  withNameKey(nameKey: string): readonly MatchCandidate[] {
    return this.byName.get(nameKey) ?? NONE;
  }

  /** Records whose name equals `nameKey` once their own middle initials are dropped. */
  withNameKeyWithoutInitials(nameKey: string): readonly MatchCandidate[] {
    return this.byNameWithoutInitials.get(nameKey) ?? NONE;
  }
}

function isHost(participant: MeetingParticipant, host: MeetingHost): boolean {
  if (participant.zoomUserId && participant.zoomUserId === host.zoomUserId) return true;
  const email = foldEmail(participant.email);
  if (email && email === foldEmail(host.email)) return true;
  // A name is weak evidence, so it only counts for someone Zoom could not identify otherwise.
  if (participant.zoomUserId || email || !host.name) return false;
  const name = normalizeName(withoutBracketedSuffix(participant.name));
  return name !== '' && name === normalizeName(withoutBracketedSuffix(host.name));
}

/** Zoom names dial-ins by their (sometimes masked) number, or "Call-in User_2" when caller id is hidden. */
function isPhoneNumber(displayName: string): boolean {
  const name = displayName.trim();
  if (/^call-?in user(?:[\s_#]*\d+)?$/i.test(name)) return true;
  if (!/^\+?[\d\s().*-]+$/.test(name)) return false;
  const digits = name.replace(/[^\d*]/g, '').length;
  return digits >= 7 && digits <= 15;
}

/** Only unmistakable device names: a SIP / H.323 address or a bare IP address. Room names look like people. */
function isDevice(displayName: string): boolean {
  const name = displayName.trim();
  return /^(?:sips?|h\.?323):\S+$/i.test(name) || /^\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?$/.test(name);
}

/** The records that match best: a Contact is preferred over a Lead for the same person. */
function bestOf(records: readonly MatchCandidate[]): readonly MatchCandidate[] {
  const contacts = records.filter((record) => record.type === 'Contact');
  return contacts.length > 0 ? contacts : records;
}

function decide(records: readonly MatchCandidate[], by: 'email' | 'name'): MatchOutcome {
  const best = bestOf(records);
  if (best.length === 1) return { kind: 'linked', recordId: best[0].id, recordType: best[0].type, by };
  return { kind: 'ambiguous', candidateIds: best.map((record) => record.id), by };
}

function matchByEmail(email: string, nameKey: string, index: CandidateIndex): MatchOutcome | undefined {
  const records = index.withEmail(email);
  if (records.length === 0) return undefined;
  const outcome = decide(records, 'email');
  if (outcome.kind !== 'ambiguous') return outcome;
  // A shared address (a team inbox): the exact name may still single out one of the records behind it.
  const named = nameKey ? bestOf(records).filter((record) => recordNameKey(record) === nameKey) : [];
  return named.length === 1 ? decide(named, 'email') : outcome;
}

function matchByName(nameKey: string, index: CandidateIndex): MatchOutcome {
  if (!nameKey) return { kind: 'no-match' };
  const exact = index.withNameKey(nameKey);
  if (exact.length > 0) return decide(exact, 'name');
  // Then a middle initial on one side only: "Ada K. Lovelace" vs "Ada Lovelace" (never "A. X" vs "A. Y").
  const participantWithout = withoutMiddleInitials(nameKey);
  const loose = new Set([
    ...(participantWithout ? index.withNameKey(participantWithout) : NONE),
    ...index.withNameKeyWithoutInitials(nameKey),
  ]);
  return loose.size > 0 ? decide([...loose], 'name') : { kind: 'no-match' };
}

function matchOne(participant: MeetingParticipant, host: MeetingHost, index: CandidateIndex): MatchOutcome {
  if (isHost(participant, host)) return { kind: 'host' };
  const nameKey = displayNameKey(participant.name);
  const byEmail = participant.email ? matchByEmail(participant.email, nameKey, index) : undefined;
  if (byEmail) return byEmail;
  if (isDevice(participant.name)) return { kind: 'device' };
  if (isPhoneNumber(participant.name)) return { kind: 'phone' };
  return matchByName(nameKey, index);
}

/** One outcome per participant, in the order given. */
export function matchParticipants(
  participants: MeetingParticipant[],
  host: MeetingHost,
  index: CandidateIndex,
): ParticipantMatch[] {
  return participants.map((participant) => ({ participant, outcome: matchOne(participant, host, index) }));
}

/**
 * The records to link, in order: WhoId first, then EventRelations (deduplicated: one record linked once even if
 * two participants map to it).
 */
export function linkedRecords(matches: ParticipantMatch[]): { recordId: string; recordType: 'Contact' | 'Lead' }[] {
  const seen = new Set<string>();
  const records: { recordId: string; recordType: 'Contact' | 'Lead' }[] = [];
  for (const { outcome } of matches) {
    if (outcome.kind !== 'linked' || seen.has(outcome.recordId)) continue;
    seen.add(outcome.recordId);
    records.push({ recordId: outcome.recordId, recordType: outcome.recordType });
  }
  return records;
}

function label(participant: MeetingParticipant): string {
  // One line per participant, whatever the display name holds.
  return participant.name.replace(/\s+/g, ' ').trim() || participant.email?.trim() || 'Unknown participant';
}

const BY_TEXT = { email: 'e-mail', name: 'name', user: "the user's choice" } as const;

function noteLine({ participant, outcome }: ParticipantMatch): string {
  const who = label(participant);
  switch (outcome.kind) {
    case 'linked':
      return `${who}: linked to ${outcome.recordType} ${outcome.recordId} by ${BY_TEXT[outcome.by]}`;
    case 'ambiguous':
      return `${who}: not linked, ${outcome.candidateIds.length} records match the ${BY_TEXT[outcome.by]} equally (${outcome.candidateIds.join(', ')})`;
    case 'host':
      return `Host (${who}): not linked, the meeting's host`;
    case 'phone':
      return `${who}: not linked, phone dial-in`;
    case 'device':
      return `${who}: not linked, room system or device`;
    case 'no-match':
      return `${who}: not linked, no Contact or Lead of the host matches`;
    case 'cleared':
      return `${who}: not linked, the user cleared the link`;
  }
}

/** Text for the Event's `Zoom_Match_Notes__c`: one line per participant with the reason, cut to fit the field. */
export function matchNotes(matches: ParticipantMatch[], maxLength = 32_768): string {
  return linesWithin(matches.map(noteLine), maxLength);
}
