import { TtlCache } from '../common/ttl-cache';
import { summarizeAttendance, type Attendee, type MeetingRecordingInfo } from '../domain/meeting-outcome';
import { CandidateIndex, type MatchCandidate, type MeetingHost } from '../domain/participant-matching';
import type { SalesforceClient } from '../integrations/salesforce/client';
import { escapeSoqlString, soqlStringList } from '../integrations/salesforce/client';
import type { ZoomClient } from '../integrations/zoom/client';
import { ZoomApiError } from '../integrations/zoom/errors';
import type { ListReportUserMeetingsOptions, ReportUserMeetingsPage } from '../integrations/zoom/types';
import { participantSegment, recordingInfo } from './meeting-outcome';

/**
 * Reading external meetings and what they are matched against, shared by the hourly sync's import and the External
 * Zoom Meetings page: Zoom's report and past participants (per-second 429s waited out; the Zoom client paces
 * its calls by the plan), a host's Contacts and Leads, the host's own identity, and which meetings the integration manages itself.
 */

export type ExternalZoomApi = Pick<
  ZoomClient,
  'listReportUserMeetings' | 'listPastMeetingParticipants' | 'getMeetingRecordings'
>;
export type ExternalSalesforceApi = Pick<SalesforceClient, 'query' | 'upsertRecords'>;

export interface ExternalMeetingDeps {
  zoom: ExternalZoomApi;
  salesforce: ExternalSalesforceApi;
  /** How long a host's Contacts and Leads are reused between reads. */
  candidatesTtlMs?: number;
}

/** The host as the sync knows it: the Salesforce user and their Zoom user. */
export interface ExternalHost {
  sfUserId: string;
  zoomUserId: string;
}

/** Zoom's code for "meeting not found or not ended yet" on the past-meeting endpoints. */
const PAST_DATA_NOT_READY = 3001;
/** How often one call waits out a per-second 429 before giving up. */
const MAX_RATE_LIMIT_WAITS = 5;

export type ExternalMeetingReader = ReturnType<typeof createExternalMeetingReader>;

export function createExternalMeetingReader(deps: ExternalMeetingDeps) {
  const { zoom, salesforce } = deps;
  // A host's index can hold tens of thousands of records: keep a few hosts at a time.
  const candidates = new TtlCache<string, CandidateIndex>(deps.candidatesTtlMs ?? 10 * 60_000, 20);
  const hosts = new TtlCache<string, MeetingHost>(deps.candidatesTtlMs ?? 10 * 60_000);

  /** A Zoom read; a per-second 429 is waited out as Zoom says, a daily one fails the call. */
  async function zoomRead<T>(read: () => Promise<T>): Promise<T> {
    for (let waits = 0; ; waits += 1) {
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

  return {
    zoomRead,

    /** One page of Zoom's report of the host's past meetings (Heavy). */
    reportPage(zoomUserId: string, options: ListReportUserMeetingsOptions): Promise<ReportUserMeetingsPage> {
      return zoomRead(() => zoom.listReportUserMeetings(zoomUserId, options));
    },

    /** The host's Contacts and unconverted Leads, indexed for matching. */
    async candidateIndex(sfUserId: string): Promise<CandidateIndex> {
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
    },

    /** The host's Zoom id, Salesforce e-mail and name: how the host is told apart from the participants. */
    async hostIdentity(host: ExternalHost): Promise<MeetingHost> {
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
    },

    /** Meeting ids that an Event of the integration's own holds (scheduled, instant or PMI meetings). */
    async managedMeetingIds(meetingIds: string[]): Promise<Set<string>> {
      if (meetingIds.length === 0) return new Set();
      const { records } = await salesforce.query<{ Zoom_Meeting_Id__c: string }>(
        `SELECT Zoom_Meeting_Id__c FROM Event WHERE Zoom_Meeting_Id__c IN (${soqlStringList(meetingIds)}) ` +
          `AND (Zoom_Source__c = null OR Zoom_Source__c != 'External')`,
      );
      return new Set(records.map((r) => r.Zoom_Meeting_Id__c));
    },

    async recordingOf(uuid: string): Promise<MeetingRecordingInfo | undefined> {
      return recordingInfo(await zoomRead(() => zoom.getMeetingRecordings(uuid)));
    },

    /** The meeting's people (segments merged), or undefined while Zoom has not published them (3001). */
    async attendeesOf(meeting: { uuid: string; endTime: string }): Promise<Attendee[] | undefined> {
      try {
        const segments = await zoomRead(() => zoom.listPastMeetingParticipants(meeting.uuid));
        return summarizeAttendance(segments.map(participantSegment), meeting.endTime);
      } catch (error) {
        if (error instanceof ZoomApiError && error.code === PAST_DATA_NOT_READY) return undefined;
        throw error;
      }
    },
  };
}
