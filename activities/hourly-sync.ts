import type { Client } from '@temporalio/client';
import { laterWatermark, type SyncWatermark } from '../domain/sync-window';
import type { ZoomStatus } from '../domain/event-fields';
import type { ZoomMeetingEvent } from '../domain/zoom-webhooks';
import type { SalesforceClient } from '../integrations/salesforce/client';
import { escapeSoqlString, soqlDateTime, soqlStringList } from '../integrations/salesforce/client';
import { forEachInEventOrder } from '../common/per-event-lanes';
import { CatchUpWindow } from '../common/catch-up-window';
import { RatePacer } from '../common/rate-pacer';
import { ownRate, reconcilesPerSecond, type ZoomPlan } from '../common/zoom-plan';
import type { ZoomClient } from '../integrations/zoom/client';
import {
  IMPORT_BATCH_SIZE,
  meetingWorkflowId,
  MEETING_WORKFLOW_TYPE,
  reconcileSignal,
  SalesforceEventIdAttribute,
  zoomEventSignal,
  type MeetingWorkflowInput,
  type ReconcileRequest,
  type SyncHost,
} from '../workflows/messages';
import { salesforceFailure } from './salesforce-failures';
import { zoomFailure } from './zoom-failures';
import { placementFor } from '../workflows/task-queues';

/**
 * The hourly sync's reads and hand-offs: the watermark the last completed run left, the admin's toggle, the hosts,
 * and the Events Salesforce shows behind Zoom. This module never writes to an Event: it signals the Event's meeting
 * workflow (starting it when it has finished or never existed), so every Event keeps exactly one writer.
 */

export type SyncZoomApi = Pick<ZoomClient, 'listUsers' | 'listUserMeetings'>;
export type SyncSalesforceApi = Pick<SalesforceClient, 'query' | 'getSyncExternalMeetings'>;
export type SyncTemporalApi = { workflow: Pick<Client['workflow'], 'list' | 'signalWithStart' | 'getHandle'> };

export interface HourlySyncDeps {
  zoom: SyncZoomApi;
  salesforce: SyncSalesforceApi;
  temporal: SyncTemporalApi;
  /** The meeting workflows' task queue, for those the sync starts. */
  taskQueue: string;
  /** Zoom's plan, whose limits pace the hand-off of stale Events (Pro when not given). */
  zoomPlan?: ZoomPlan;
  /** Stale Events in flight at most (`RECONCILE_IN_FLIGHT` when not given). */
  reconcileInFlight?: number;
  /** How long a hand-off may hold its place (`RECONCILE_HOLD_MS` when not given). */
  reconcileHoldMs?: number;
}

/**
 * Stale Events handed to their workflows per activity (one SOQL page; the run pages on by Id). The page runs on
 * the import queue, whose server-side rate is one import batch's Zoom reads at a time, so a page costs Zoom what
 * a batch does: 100 Events on Pro, 88 on Business (where Light, 3 calls an Event, is the tighter label).
 */
export function reconcilePageSize(plan: ZoomPlan): number {
  return Math.min(200, Math.floor((reconcilesPerSecond(plan) / ownRate(plan, 'medium')) * IMPORT_BATCH_SIZE));
}
/** Completed runs read to find the latest watermark (a backfill closes later than newer runs). */
const WATERMARK_SCAN = 50;
/** After a meeting's end, how long an Ended Event without its recording link is checked again. */
export const RECORDING_CHECK_MS = 7 * 60 * 60_000;
/** Give Zoom this long after the end before a missing recording counts as missed. */
const RECORDING_GRACE_MS = 60 * 60_000;
/** Give the lifecycle this long after the scheduled end before the sync steps in. */
const OVERDUE_GRACE_MS = 15 * 60_000;
/** Signals sent at once. */
const SIGNAL_CONCURRENCY = 16;
const MAX_PAGES = 1000;
/**
 * Stale Events handed off and not yet caught up, at most: under the bulk worker's workflow cache
 * (`WORKER_BULK_MAX_CACHED_WORKFLOWS`, 250 by default), so each workflow stays cached from its hand-off until it has
 * written the Event (`common/catch-up-window.ts`). 2,000 stale Events took 185 s with 200, 223 s with 100 (before the
 * reconciled workflows lost their timer and route).
 */
export const RECONCILE_IN_FLIGHT = 200;
/** An Event still stale this long after its hand-off (Zoom has not published the meeting) gives its place up. */
const RECONCILE_HOLD_MS = 30_000;
const RECONCILE_POLL_MS = 250;
/**
 * The pause between two pages (the workflow's turn, the import queue's start) that the hand-offs make up at once: a
 * pace counted again after each pause lost 7% of it (2,000 stale Events: 89 s of hand-offs where 83 s was the pace).
 * The workflows' Zoom reads stay paced by the Zoom client's own pacers, which never make up a pause.
 */
const HAND_OFF_CATCH_UP_MS = 1_000;

/**
 * The Events the sync hands back to their workflows: a Zoom meeting Salesforce still shows Scheduled or Started
 * after its end, Ended without its participants, or (for a few hours) without the recording Zoom may still publish.
 */
function staleEventCondition(asOf: number): string {
  const recordingFrom = soqlDateTime(asOf - RECORDING_CHECK_MS);
  const recordingTo = soqlDateTime(asOf - RECORDING_GRACE_MS);
  return managedEventsWhere([
    ...behindZoom(asOf),
    `(Zoom_Status__c = 'Ended' AND Zoom_Recording_URL__c = null AND ` +
      `Zoom_Actual_End__c > ${recordingFrom} AND Zoom_Actual_End__c < ${recordingTo})`,
  ]);
}

/**
 * The Events a hand-off must change, whatever Zoom says: still Scheduled or Started after the end, or Ended without
 * participants. One its workflow wrote Ended has caught up, though its recording may still come (it stays under the
 * recording check, which holds nobody's place in the window).
 */
function handOffPendingCondition(asOf: number): string {
  return managedEventsWhere(behindZoom(asOf));
}

function behindZoom(asOf: number): string[] {
  const overdue = soqlDateTime(asOf - OVERDUE_GRACE_MS);
  return [
    `(Zoom_Status__c IN ('Scheduled', 'Started') AND EndDateTime < ${overdue})`,
    `(Zoom_Status__c = 'Ended' AND Zoom_Participant_Count__c = null)`,
  ];
}

/** Events of meetings the integration manages (not imported external ones) that meet any of `clauses`. */
function managedEventsWhere(clauses: string[]): string {
  return (
    `Zoom_Meeting_Id__c != null AND (Zoom_Source__c = null OR Zoom_Source__c != 'External') AND ` +
    `(${clauses.join(' OR ')})`
  );
}

/** Every page of a Zoom list (tokens are followed at once, well inside their 15 minutes). */
async function allPages<T>(read: (token?: string) => Promise<{ next_page_token: string; items: T[] }>): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  for (let pages = 0; pages < MAX_PAGES; pages += 1) {
    const page = await read(token);
    items.push(...page.items);
    if (!page.next_page_token) return items;
    token = page.next_page_token;
  }
  throw new Error('Zoom kept returning next_page_token');
}

export function createHourlySyncActivities({
  zoom,
  salesforce,
  temporal,
  taskQueue,
  zoomPlan,
  reconcileInFlight = RECONCILE_IN_FLIGHT,
  reconcileHoldMs = RECONCILE_HOLD_MS,
}: HourlySyncDeps) {
  const pageSize = reconcilePageSize(zoomPlan ?? 'pro');
  // Each hand-off makes the Event's workflow read Zoom at once; pacing the hand-offs paces those reads.
  const handOffs = new RatePacer(reconcilesPerSecond(zoomPlan ?? 'pro'), { catchUpMs: HAND_OFF_CATCH_UP_MS });
  /** The latest page's condition for a hand-off still pending: an Event that no longer meets it has caught up. */
  let pendingNow = '';
  // One window across this worker's pages: a page's last hand-offs are still in flight when the next one begins.
  const window = new CatchUpWindow({
    limit: reconcileInFlight,
    holdMs: reconcileHoldMs,
    pollMs: RECONCILE_POLL_MS,
    pending: async (ids) => {
      try {
        const { records } = await salesforce.query<{ Id: string }>(
          `SELECT Id FROM Event WHERE Id IN (${soqlStringList(ids)}) AND ${pendingNow}`,
        );
        return new Set(records.map((r) => r.Id));
      } catch (error) {
        throw salesforceFailure(error, 'see which handed-off Events have caught up');
      }
    },
  });
  return {
    /** The latest watermark among completed runs (memo `watermark`), or undefined before the first. */
    async readSyncWatermark(): Promise<SyncWatermark | undefined> {
      let latest: SyncWatermark | undefined;
      let scanned = 0;
      const runs = temporal.workflow.list({
        query: `WorkflowType = 'hourlySyncWorkflow' AND ExecutionStatus = 'Completed'`,
      });
      for await (const run of runs) {
        const watermark = run.memo?.watermark as SyncWatermark | undefined;
        if (watermark && typeof watermark.windowEnd === 'string') latest = laterWatermark(latest, watermark);
        if (++scanned >= WATERMARK_SCAN) break;
      }
      return latest;
    },

    async readSyncSettings(): Promise<{ externalEnabled: boolean }> {
      try {
        return { externalEnabled: await salesforce.getSyncExternalMeetings() };
      } catch (error) {
        throw salesforceFailure(error, 'read the Zoom Settings');
      }
    },

    /** Active Salesforce users whose e-mail is an active Zoom user of the account (ids only). */
    async listSyncHosts(): Promise<SyncHost[]> {
      let zoomUsers;
      try {
        zoomUsers = await allPages(async (token) => {
          const page = await zoom.listUsers({ status: 'active', pageSize: 300, nextPageToken: token });
          return { next_page_token: page.next_page_token, items: page.users };
        });
      } catch (error) {
        throw zoomFailure(error, "list the account's Zoom users");
      }
      const zoomIdByEmail = new Map(zoomUsers.map((u) => [u.email.toLowerCase(), u.id]));
      try {
        const { records } = await salesforce.query<{ Id: string; Email: string | null }>(
          'SELECT Id, Email FROM User WHERE IsActive = true ORDER BY Id',
        );
        return records.flatMap((user) => {
          const zoomUserId = user.Email ? zoomIdByEmail.get(user.Email.toLowerCase()) : undefined;
          return zoomUserId ? [{ sfUserId: user.Id, zoomUserId }] : [];
        });
      } catch (error) {
        throw salesforceFailure(error, 'list the Salesforce users');
      }
    },

    /**
     * One page (by Id, after `afterId`) of Events behind Zoom: Scheduled or Started although their end is past,
     * Ended without participants, or Ended recently without the recording. Each one's meeting workflow is
     * signalled, or started when it has finished or never existed; the workflow asks Zoom and writes the Event.
     */
    async reconcileStaleEvents(input: {
      afterId?: string;
      asOf: string;
    }): Promise<{ lastId?: string; nudged: number }> {
      const stale = staleEventCondition(Date.parse(input.asOf));
      const soql =
        'SELECT Id, Zoom_Meeting_Id__c, Zoom_Status__c, StartDateTime, EndDateTime, Zoom_Use_PMI__c, ' +
        'Zoom_Participant_Count__c FROM Event ' +
        `WHERE ${stale}` +
        (input.afterId ? ` AND Id > '${escapeSoqlString(input.afterId)}'` : '') +
        ` ORDER BY Id LIMIT ${pageSize}`;
      let records;
      try {
        ({ records } = await salesforce.query<{
          Id: string;
          Zoom_Meeting_Id__c: string;
          Zoom_Status__c: ZoomStatus;
          StartDateTime: string;
          EndDateTime: string;
          Zoom_Use_PMI__c: boolean | null;
          Zoom_Participant_Count__c: number | null;
        }>(soql));
      } catch (error) {
        throw salesforceFailure(error, 'find Events behind Zoom');
      }
      const items = records.map((event) => ({ eventId: event.Id, event }));
      pendingNow = handOffPendingCondition(Date.parse(input.asOf));
      await forEachInEventOrder(items, SIGNAL_CONCURRENCY, async ({ event }) => {
        // Only a hand-off that must change the Event can be seen caught up: a recording Zoom may still publish
        // leaves the Event as it is until then.
        const changesEvent = event.Zoom_Status__c !== 'Ended' || event.Zoom_Participant_Count__c === null;
        if (changesEvent) await window.admit(event.Id);
        await handOffs.acquire();
        const request: ReconcileRequest = {
          zoomMeetingId: event.Zoom_Meeting_Id__c,
          status: event.Zoom_Status__c,
          startTime: event.StartDateTime,
          endTime: event.EndDateTime,
          usesPmi: event.Zoom_Use_PMI__c === true,
        };
        await temporal.workflow.signalWithStart(MEETING_WORKFLOW_TYPE, {
          workflowId: meetingWorkflowId(event.Id),
          // Started only when the Event's workflow is gone: a background start, on the bulk queue.
          ...placementFor('bulk', taskQueue),
          args: [{ eventId: event.Id } satisfies MeetingWorkflowInput],
          signal: reconcileSignal,
          signalArgs: [request],
          typedSearchAttributes: [{ key: SalesforceEventIdAttribute, value: event.Id }],
        });
      });
      return {
        nudged: records.length,
        ...(records.length === pageSize ? { lastId: records[records.length - 1].Id } : {}),
      };
    },

    /**
     * Compares the host's upcoming meetings in Zoom with their Scheduled Events and hands a difference to the
     * running meeting workflow as the `meeting.updated` Zoom never delivered. The workflow applies it only if Zoom
     * changed since its own last write (the observation time is the event time), so an org-side edit on its way
     * to Zoom is never undone. PMI meetings are left out: one PMI serves many Events.
     */
    async checkUpcomingMeetings(input: { host: SyncHost }): Promise<{ checked: number; editsFound: number }> {
      const observedAt = Date.now();
      let upcoming;
      try {
        upcoming = await allPages(async (token) => {
          const page = await zoom.listUserMeetings(input.host.zoomUserId, {
            type: 'upcoming',
            pageSize: 300,
            nextPageToken: token,
          });
          return { next_page_token: page.next_page_token, items: page.meetings };
        });
      } catch (error) {
        throw zoomFailure(error, "list the host's upcoming meetings");
      }
      const scheduled = upcoming.filter((m) => m.type === 2 && m.start_time && m.duration !== undefined);
      if (scheduled.length === 0) return { checked: 0, editsFound: 0 };
      const byId = new Map(scheduled.map((m) => [String(m.id), m]));
      let records;
      try {
        ({ records } = await salesforce.query<{
          Id: string;
          Zoom_Meeting_Id__c: string;
          Subject: string | null;
          StartDateTime: string;
          EndDateTime: string;
        }>(
          'SELECT Id, Zoom_Meeting_Id__c, Subject, StartDateTime, EndDateTime FROM Event ' +
            `WHERE OwnerId = '${escapeSoqlString(input.host.sfUserId)}' AND Zoom_Status__c = 'Scheduled' ` +
            `AND Zoom_Use_PMI__c = false AND Zoom_Meeting_Id__c IN (${soqlStringList([...byId.keys()])})`,
        ));
      } catch (error) {
        throw salesforceFailure(error, 'read the upcoming Events');
      }
      let editsFound = 0;
      for (const event of records) {
        const meeting = byId.get(event.Zoom_Meeting_Id__c)!;
        const start = Date.parse(meeting.start_time!);
        const durationMs = meeting.duration! * 60_000;
        const same =
          meeting.topic === (event.Subject ?? '') &&
          start === Date.parse(event.StartDateTime) &&
          start + durationMs === Date.parse(event.EndDateTime);
        if (same) continue;
        editsFound += 1;
        const edit: ZoomMeetingEvent = {
          kind: 'updated',
          meetingId: event.Zoom_Meeting_Id__c,
          eventTs: observedAt,
          dedupeKey: `sync.updated:${event.Zoom_Meeting_Id__c}:${start}:${meeting.duration}:${meeting.topic.length}`,
          changes: {
            topic: meeting.topic,
            startTime: new Date(start).toISOString(),
            duration: meeting.duration!,
            ...(meeting.timezone ? { timezone: meeting.timezone } : {}),
          },
        };
        try {
          await temporal.workflow.getHandle(meetingWorkflowId(event.Id)).signal(zoomEventSignal, edit);
        } catch (error) {
          // No running workflow: nothing applies edits to this Event any more; the next callout starts one.
          if ((error as Error).name !== 'WorkflowNotFoundError') throw error;
        }
      }
      return { checked: records.length, editsFound };
    },
  };
}
