import { heartbeat } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { forEachInLanes } from '../common/per-event-lanes';
import { eventPeople, externalMeetingEvent, type EndedMeetingRef } from '../domain/external-meeting-event';
import { matchParticipants } from '../domain/participant-matching';
import { endedInWindow } from '../domain/sync-window';
import { ZoomApiError } from '../integrations/zoom/errors';
import type { SyncHost } from '../workflows/messages';
import { createExternalMeetingReader, type ExternalMeetingDeps } from './external-meeting-reader';
import { FailureTypes, permanentFailure } from './failures';
import { salesforceFailure } from './salesforce-failures';
import { zoomFailure } from './zoom-failures';

/**
 * External meetings: meetings a host held in Zoom outside Salesforce. Read from Zoom's report a day at a time, they
 * become Events under the host's matched Contacts and Leads, upserted by the instance UUID so that a re-run or a
 * retry after a crash never makes a second Event. Only ids, times and topics enter workflow history: participant
 * names and addresses stay inside the import activity, on their way from Zoom to Salesforce.
 */

export type { EndedMeetingRef } from '../domain/external-meeting-event';
export { eventPeople } from '../domain/external-meeting-event';

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

export type { ExternalMeetingDeps, ExternalSalesforceApi, ExternalZoomApi } from './external-meeting-reader';

/** Zoom's validation code; with this message it means the page token ran out (15 minutes). */
const ZOOM_VALIDATION = 300;
const REPORT_PAGE_SIZE = 300;
/** Participant reads one import keeps in flight (the Zoom client's pacer sets the rate; this hides Zoom's latency). */
const ZOOM_READS_IN_FLIGHT = 8;

export function createExternalMeetingActivities(deps: ExternalMeetingDeps) {
  const { salesforce } = deps;
  const reader = createExternalMeetingReader(deps);

  return {
    /** One page of the host's meetings that started on `day` (UTC), keeping those that ended in the window. */
    async listEndedMeetings(input: {
      host: SyncHost;
      day: string;
      window: { from: string; to: string };
      pageToken?: string;
    }): Promise<{ meetings: EndedMeetingRef[]; nextPageToken?: string }> {
      try {
        const page = await reader.reportPage(input.host.zoomUserId, {
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
        const managed = await reader.managedMeetingIds([...new Set(meetingIds)]);
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
                  {
                    index: await reader.candidateIndex(g.host.sfUserId),
                    host: await reader.hostIdentity(g.host),
                  },
                ] as const,
            ),
          ),
        );
        /** One slot per meeting, in batch order, so the write does not depend on which read finished first. */
        const records: (Record<string, unknown> | undefined)[] = new Array(external.length);
        let done = 0;
        // A few reads in flight keep the Zoom client's pace when Zoom answers slowly; the pace alone sets the rate.
        await forEachInLanes(
          external.map((item, slot) => ({ ...item, slot })),
          (item) => item.meeting.uuid,
          ZOOM_READS_IN_FLIGHT,
          async ({ group, meeting, slot }) => {
            heartbeat(done++);
            const attendees = await reader.attendeesOf(meeting);
            if (!attendees) {
              result.deferred += 1;
              return;
            }
            const { index, host } = people.get(group.host.sfUserId)!;
            const matches = matchParticipants(attendees, host, index);
            result.needsReview += matches.filter((m) => m.outcome.kind === 'ambiguous').length;
            if (!eventPeople(matches).whoId) {
              result.skippedNoMatch += 1;
              return;
            }
            const recording = meeting.hasRecording ? await reader.recordingOf(meeting.uuid) : undefined;
            records[slot] = externalMeetingEvent({
              ownerId: group.host.sfUserId,
              meeting,
              attendees,
              matches,
              ...(recording ? { recording } : {}),
            });
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
