import { heartbeat } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { TtlCache } from '../common/ttl-cache';
import { forEachInLanes } from '../common/per-event-lanes';
import { RatePacer } from '../common/rate-pacer';
import { ZOOM_PLAN_RATES, ZOOM_RATE_SHARE, type ZoomPlan } from '../common/zoom-plan';
import { outcomeFields, summarizeAttendance, type MeetingRecordingInfo } from '../domain/meeting-outcome';
import {
  CandidateIndex,
  linkedRecords,
  matchNotes,
  matchParticipants,
  type MatchCandidate,
  type MeetingHost,
  type ParticipantMatch,
} from '../domain/participant-matching';
import { endedInWindow } from '../domain/sync-window';
import type { SalesforceClient } from '../integrations/salesforce/client';
import { escapeSoqlString, soqlStringList } from '../integrations/salesforce/client';
import type { ZoomClient } from '../integrations/zoom/client';
import { ZoomApiError } from '../integrations/zoom/errors';
import type { SyncHost } from '../workflows/messages';
import { FailureTypes, permanentFailure } from './failures';
import { participantSegment, recordingInfo } from './meeting-outcome';
import { salesforceFailure } from './salesforce-failures';
import { zoomFailure } from './zoom-failures';

/**
 * External meetings: meetings a host held in Zoom outside Salesforce. Read from Zoom's report a day at a time, they
 * become Events under the host's matched Contacts and Leads, upserted by the instance UUID so that a re-run or a
 * retry after a crash never makes a second Event. Only ids, times and topics enter workflow history: participant
 * names and addresses stay inside the import activity, on their way from Zoom to Salesforce.
 */

/** One ended meeting instance from the report, as history carries it (no participant data). */
export interface EndedMeetingRef {
  uuid: string;
  meetingId: string;
  topic: string;
  startTime: string;
  endTime: string;
  durationMinutes: number;
  hasRecording: boolean;
}

/** Meetings of one host; a batch mixes hosts so that every Salesforce write carries up to 200 Events. */
export interface ImportGroup {
  host: SyncHost;
  meetings: EndedMeetingRef[];
}

export interface ImportResult {
  skippedManaged: number;
  skippedNoMatch: number;
  eventsWritten: number;
  needsReview: number;
  deferred: number;
}

export type ExternalZoomApi = Pick<
  ZoomClient,
  'listReportUserMeetings' | 'listPastMeetingParticipants' | 'getMeetingRecordings'
>;
export type ExternalSalesforceApi = Pick<SalesforceClient, 'query' | 'upsertRecords'>;

export interface ExternalMeetingDeps {
  zoom: ExternalZoomApi;
  salesforce: ExternalSalesforceApi;
  /** Zoom's plan, whose Medium (participants) and Heavy (report) rates pace this process's reads; Pro by default. */
  zoomPlan?: ZoomPlan;
  /** How long a host's Contacts and Leads are reused between batches of one run. */
  candidatesTtlMs?: number;
}

/** Zoom's code for "meeting not found or not ended yet" on the past-meeting endpoints. */
const PAST_DATA_NOT_READY = 3001;
/** Zoom's validation code; with this message it means the page token ran out (15 minutes). */
const ZOOM_VALIDATION = 300;
/** How often one call waits out a per-second 429 before the activity gives up and retries as a whole. */
const MAX_RATE_LIMIT_WAITS = 5;
/** Salesforce relates an Event to up to 50 contacts (Shared Activities). */
const MAX_CONTACTS_PER_EVENT = 50;
const REPORT_PAGE_SIZE = 300;
/** Participant reads one import keeps in flight (the pacer sets the rate; this only hides Zoom's latency). */
const ZOOM_READS_IN_FLIGHT = 8;

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

export function createExternalMeetingActivities(deps: ExternalMeetingDeps) {
  const { zoom, salesforce } = deps;
  const rates = ZOOM_PLAN_RATES[deps.zoomPlan ?? 'pro'];
  const pacer = new RatePacer(rates.medium * ZOOM_RATE_SHARE);
  // The report is Heavy: hosts listed side by side would burst past its per-second limit.
  const reportPacer = new RatePacer(rates.heavy * ZOOM_RATE_SHARE);
  // A host's index can hold tens of thousands of records: keep a few hosts at a time.
  const candidates = new TtlCache<string, CandidateIndex>(deps.candidatesTtlMs ?? 10 * 60_000, 20);
  const hosts = new TtlCache<string, MeetingHost>(deps.candidatesTtlMs ?? 10 * 60_000);

  /** A Zoom read, paced; a per-second 429 is waited out as Zoom says, a daily one fails the attempt. */
  async function zoomRead<T>(read: () => Promise<T>): Promise<T> {
    for (let waits = 0; ; waits += 1) {
      await pacer.acquire();
      try {
        return await read();
      } catch (error) {
        const perSecond =
          error instanceof ZoomApiError && error.httpStatus === 429 && error.rateLimitType !== 'Daily-limit';
        if (!perSecond || waits >= MAX_RATE_LIMIT_WAITS) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(error.retryAfterMs ?? 1000, 10_000)));
      }
    }
  }

  async function candidateIndex(sfUserId: string): Promise<CandidateIndex> {
    const cached = candidates.get(sfUserId);
    if (cached) return cached;
    const owner = escapeSoqlString(sfUserId);
    type Row = { Id: string; FirstName: string | null; LastName: string; Email: string | null };
    const [contacts, leads] = await Promise.all([
      salesforce.query<Row>(`SELECT Id, FirstName, LastName, Email FROM Contact WHERE OwnerId = '${owner}'`),
      salesforce.query<Row>(
        `SELECT Id, FirstName, LastName, Email FROM Lead WHERE OwnerId = '${owner}' AND IsConverted = false`,
      ),
    ]);
    const toCandidate =
      (type: MatchCandidate['type']) =>
      (r: Row): MatchCandidate => ({ id: r.Id, type, firstName: r.FirstName, lastName: r.LastName, email: r.Email });
    const index = CandidateIndex.of([
      ...contacts.records.map(toCandidate('Contact')),
      ...leads.records.map(toCandidate('Lead')),
    ]);
    candidates.set(sfUserId, index);
    return index;
  }

  async function hostIdentity(host: SyncHost): Promise<MeetingHost> {
    const cached = hosts.get(host.sfUserId);
    if (cached) return cached;
    const { records } = await salesforce.query<{ Name: string | null; Email: string | null }>(
      `SELECT Name, Email FROM User WHERE Id = '${escapeSoqlString(host.sfUserId)}' LIMIT 1`,
    );
    const identity: MeetingHost = {
      zoomUserId: host.zoomUserId,
      ...(records[0]?.Email ? { email: records[0].Email } : {}),
      ...(records[0]?.Name ? { name: records[0].Name } : {}),
    };
    hosts.set(host.sfUserId, identity);
    return identity;
  }

  /** Meeting ids that an Event of the integration's own holds (scheduled, instant or PMI meetings). */
  async function managedMeetingIds(meetingIds: string[]): Promise<Set<string>> {
    if (meetingIds.length === 0) return new Set();
    const { records } = await salesforce.query<{ Zoom_Meeting_Id__c: string }>(
      `SELECT Zoom_Meeting_Id__c FROM Event WHERE Zoom_Meeting_Id__c IN (${soqlStringList(meetingIds)}) ` +
        `AND (Zoom_Source__c = null OR Zoom_Source__c != 'External')`,
    );
    return new Set(records.map((r) => r.Zoom_Meeting_Id__c));
  }

  async function recordingOf(uuid: string): Promise<MeetingRecordingInfo | undefined> {
    return recordingInfo(await zoomRead(() => zoom.getMeetingRecordings(uuid)));
  }

  /** The meeting's people (segments merged), or undefined while Zoom has not published them (3001). */
  async function attendeesOf(meeting: EndedMeetingRef) {
    try {
      const segments = await zoomRead(() => zoom.listPastMeetingParticipants(meeting.uuid));
      return summarizeAttendance(segments.map(participantSegment), meeting.endTime);
    } catch (error) {
      if (error instanceof ZoomApiError && error.code === PAST_DATA_NOT_READY) return undefined;
      throw error;
    }
  }

  return {
    /** One page of the host's meetings that started on `day` (UTC), keeping those that ended in the window. */
    async listEndedMeetings(input: {
      host: SyncHost;
      day: string;
      window: { from: string; to: string };
      pageToken?: string;
    }): Promise<{ meetings: EndedMeetingRef[]; nextPageToken?: string }> {
      try {
        await reportPacer.acquire();
        const page = await zoom.listReportUserMeetings(input.host.zoomUserId, {
          from: input.day,
          to: input.day,
          type: 'past',
          pageSize: REPORT_PAGE_SIZE,
          nextPageToken: input.pageToken,
        });
        const meetings = page.meetings
          .filter((m) => m.end_time && endedInWindow(m.end_time, input.window))
          .map((m) => ({
            uuid: m.uuid,
            meetingId: String(m.id),
            topic: m.topic ?? '',
            startTime: m.start_time,
            endTime: m.end_time,
            durationMinutes: m.duration ?? 0,
            hasRecording: m.has_recording === true,
          }));
        return { meetings, ...(page.next_page_token ? { nextPageToken: page.next_page_token } : {}) };
      } catch (error) {
        if (
          input.pageToken &&
          error instanceof ZoomApiError &&
          error.code === ZOOM_VALIDATION &&
          /next page token/i.test(error.message)
        ) {
          throw permanentFailure(FailureTypes.zoomPageTokenExpired, 'Zoom no longer accepts the page token');
        }
        throw zoomFailure(error, "read the host's meetings from Zoom's report");
      }
    },

    /**
     * Imports up to 200 ended meetings, of one host or several: skips those the integration manages, reads each
     * one's participants, links them to its host's Contacts and Leads, and upserts one Event per instance with a
     * linked person, related to all of them through `EventWhoIds` (by `Zoom_Meeting_UUID__c`, one sObject Collections
     * call for the batch).
     */
    async importExternalMeetings(input: { groups: ImportGroup[] }): Promise<ImportResult> {
      const result: ImportResult = {
        skippedManaged: 0,
        skippedNoMatch: 0,
        eventsWritten: 0,
        needsReview: 0,
        deferred: 0,
      };
      try {
        const meetingIds = input.groups.flatMap((g) => g.meetings.map((m) => m.meetingId));
        const managed = await managedMeetingIds([...new Set(meetingIds)]);
        const external = input.groups.flatMap((group) =>
          group.meetings.filter((m) => !managed.has(m.meetingId)).map((meeting) => ({ group, meeting })),
        );
        result.skippedManaged = meetingIds.length - external.length;
        // Every host's matching data first, side by side, so the Zoom reads below never wait on Salesforce.
        const people = new Map(
          await Promise.all(
            input.groups.map(
              async (g) =>
                [
                  g.host.sfUserId,
                  { index: await candidateIndex(g.host.sfUserId), host: await hostIdentity(g.host) },
                ] as const,
            ),
          ),
        );
        /** One slot per meeting, in batch order, so the write does not depend on which read finished first. */
        const records: (Record<string, unknown> | undefined)[] = new Array(external.length);
        let done = 0;
        // A few reads in flight keep the pacer's rate when Zoom answers slowly; the pacer alone sets the rate.
        await forEachInLanes(
          external.map((item, slot) => ({ ...item, slot })),
          (item) => item.meeting.uuid,
          ZOOM_READS_IN_FLIGHT,
          async ({ group, meeting, slot }) => {
            heartbeat(done++);
            const attendees = await attendeesOf(meeting);
            if (!attendees) {
              result.deferred += 1;
              return;
            }
            const { index, host } = people.get(group.host.sfUserId)!;
            const matches = matchParticipants(attendees, host, index);
            result.needsReview += matches.filter((m) => m.outcome.kind === 'ambiguous').length;
            const linked = eventPeople(matches);
            if (!linked.whoId) {
              result.skippedNoMatch += 1;
              return;
            }
            const recording = meeting.hasRecording ? await recordingOf(meeting.uuid) : undefined;
            records[slot] = {
              Zoom_Meeting_UUID__c: meeting.uuid,
              OwnerId: group.host.sfUserId,
              Subject: (meeting.topic || 'Zoom meeting').slice(0, 255),
              StartDateTime: meeting.startTime,
              EndDateTime: meeting.endTime,
              WhoId: linked.whoId,
              // The whole list in the same write: a retried batch sets the same people again, never twice.
              EventWhoIds: [linked.whoId, ...linked.relationIds],
              Make_Zoom_Meeting__c: false,
              Zoom_Source__c: 'External',
              Zoom_Meeting_Id__c: meeting.meetingId,
              Zoom_Match_Notes__c: (matchNotes(matches) + notRelatedNote(linked.notRelated)).slice(0, 32_768),
              ...outcomeFields({
                state: 'ended',
                instanceUuid: meeting.uuid,
                actualStart: meeting.startTime,
                actualEnd: meeting.endTime,
                durationMinutes: meeting.durationMinutes,
                attendees,
                participantsComplete: true,
                ...(recording ? { recording } : {}),
              }),
            };
          },
        );
        const events = records.filter((r) => r !== undefined);
        if (events.length === 0) return result;
        const saved = await salesforce.upsertRecords('Event', 'Zoom_Meeting_UUID__c', events);
        const refused = saved.filter((s) => !s.success);
        if (refused.length > 0) {
          const codes = [...new Set(refused.flatMap((s) => s.errors.map((e) => e.statusCode ?? 'UNKNOWN')))];
          // Codes only: a refused record's message may quote a participant. A locked row clears on a retry (the
          // upsert is idempotent); anything else needs a person, and fails the run so the watermark stays put.
          throw ApplicationFailure.create({
            type: FailureTypes.salesforceValidation,
            message: `Salesforce refused ${refused.length} of ${saved.length} external-meeting Events (${codes.join(', ')})`,
            nonRetryable: !codes.every((code) => code === 'UNABLE_TO_LOCK_ROW'),
          });
        }
        result.eventsWritten = saved.length;
        return result;
      } catch (error) {
        if (error instanceof ApplicationFailure) throw error;
        throw error instanceof ZoomApiError
          ? zoomFailure(error, "read an external meeting's participants from Zoom")
          : salesforceFailure(error, 'write external-meeting Events');
      }
    },
  };
}
