import { createHash } from 'node:crypto';
import { outcomeFields, type Attendee, type MeetingRecordingInfo } from './meeting-outcome';
import {
  linkedRecords,
  matchNotes,
  type CandidateIndex,
  type MeetingParticipant,
  type ParticipantMatch,
} from './participant-matching';

/**
 * The Event of an external Zoom meeting (one held in Zoom outside Salesforce), as both the hourly sync's import and
 * the External Zoom Meetings page write it: upserted by the instance UUID, owned by the host, related to the
 * matched Contacts or Lead, with the match notes and the meeting's outcome.
 */

/** One ended meeting instance (no participant data: it travels through workflow history). */
export interface EndedMeetingRef {
  uuid: string;
  meetingId: string;
  topic: string;
  startTime: string;
  endTime: string;
  durationMinutes: number;
  hasRecording: boolean;
}

/** Salesforce relates an Event to up to 50 contacts (Shared Activities). */
const MAX_CONTACTS_PER_EVENT = 50;
/** The size of `Zoom_Match_Notes__c`. */
const MATCH_NOTES_LENGTH = 32_768;

/**
 * Who goes on the Event: with Shared Activities an Event names up to 50 contacts, or one lead, never both
 * (Salesforce Help, "Shared Activities considerations"). Contacts win; leads that cannot be related are noted.
 */
export function eventPeople(matches: ParticipantMatch[]): {
  whoId?: string;
  relationIds: string[];
  notRelated: string[];
} {
  const linked = linkedRecords(matches);
  const contacts = linked.filter((r) => r.recordType === 'Contact').map((r) => r.recordId);
  const leads = linked.filter((r) => r.recordType === 'Lead').map((r) => r.recordId);
  const chosen = contacts.length > 0 ? contacts.slice(0, MAX_CONTACTS_PER_EVENT) : leads.slice(0, 1);
  const notRelated = linked.map((r) => r.recordId).filter((id) => !chosen.includes(id));
  return { whoId: chosen[0], relationIds: chosen.slice(1), notRelated };
}

function notRelatedNote(ids: string[]): string {
  return ids.length === 0
    ? ''
    : `\nAlso matched but not related (Salesforce relates up to 50 contacts or one lead to an Event): ${ids.join(', ')}`;
}

/** The Event's fields for an upsert by `Zoom_Meeting_UUID__c`. */
export function externalMeetingEvent(input: {
  ownerId: string;
  meeting: EndedMeetingRef;
  attendees: Attendee[];
  matches: ParticipantMatch[];
  recording?: MeetingRecordingInfo;
}): Record<string, unknown> {
  const { meeting, matches } = input;
  const people = eventPeople(matches);
  return {
    Zoom_Meeting_UUID__c: meeting.uuid,
    OwnerId: input.ownerId,
    Subject: (meeting.topic || 'Zoom meeting').slice(0, 255),
    StartDateTime: meeting.startTime,
    EndDateTime: meeting.endTime,
    // The whole list in the same write: a retried upsert sets the same people again, never twice. An Event
    // without a matched person relates to nobody (null clears a link chosen earlier).
    WhoId: people.whoId ?? null,
    EventWhoIds: people.whoId ? [people.whoId, ...people.relationIds] : [],
    Make_Zoom_Meeting__c: false,
    Zoom_Source__c: 'External',
    Zoom_Meeting_Id__c: meeting.meetingId,
    Zoom_Match_Notes__c: (matchNotes(matches) + notRelatedNote(people.notRelated)).slice(0, MATCH_NOTES_LENGTH),
    ...outcomeFields({
      state: 'ended',
      instanceUuid: meeting.uuid,
      actualStart: meeting.startTime,
      actualEnd: meeting.endTime,
      durationMinutes: meeting.durationMinutes,
      attendees: input.attendees,
      participantsComplete: true,
      ...(input.recording ? { recording: input.recording } : {}),
    }),
  };
}

/**
 * A participant's handle on the page: stable across reads of the same meeting, and free of the name and e-mail it
 * is made from, so that the choices sent back name nobody.
 */
export function participantKey(participant: MeetingParticipant): string {
  return createHash('sha256')
    .update(`${participant.name}\n${participant.email ?? ''}`)
    .digest('base64url')
    .slice(0, 16);
}

/** A person's choice for one participant: a record of the host's to link, or null to leave them unlinked. */
export interface ParticipantChoice {
  key: string;
  recordId: string | null;
}

export class ChoiceError extends Error {}

/**
 * The proposed matches with the user's choices applied. A chosen record must be one of the host's matchable
 * Contacts and Leads, and a key one of the meeting's participants.
 */
export function applyChoices(
  matches: ParticipantMatch[],
  choices: ParticipantChoice[],
  index: CandidateIndex,
): ParticipantMatch[] {
  const byKey = new Map(choices.map((choice) => [choice.key, choice.recordId]));
  const known = new Set(matches.map((m) => participantKey(m.participant)));
  const unknown = choices.filter((choice) => !known.has(choice.key));
  if (unknown.length > 0) throw new ChoiceError('A chosen participant is not in this meeting any more; reload it');
  return matches.map((match) => {
    const key = participantKey(match.participant);
    if (!byKey.has(key)) return match;
    const recordId = byKey.get(key) ?? null;
    if (recordId === null) return { participant: match.participant, outcome: { kind: 'cleared' } };
    const record = index.record(recordId);
    // The page shows it in the meeting's row: said plainly, without the record's Id.
    if (!record)
      throw new ChoiceError("A Contact or Lead chosen for this meeting is no longer one of the host's: choose again");
    return {
      participant: match.participant,
      outcome: { kind: 'linked', recordId: record.id, recordType: record.type, by: 'user' },
    };
  });
}
