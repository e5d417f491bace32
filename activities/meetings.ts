import { activityInfo, Context, heartbeat, log } from '@temporalio/activity';
import {
  SNAPSHOT_FIELDS,
  type EventScheduleFields,
  type EventSnapshot,
  type EventZoomFields,
} from '../domain/event-fields';
import { normaliseSalesforceDateTime } from '../domain/salesforce-datetime';
import { agendaMentionsEvent, type HeldMeeting, type MeetingPlan } from '../domain/meeting-plan';
import { toZoomTimeZone } from '../domain/zoom-time-zones';
import type { ZoomClient } from '../integrations/zoom/client';
import type { CreateMeetingRequest, UpdateMeetingRequest } from '../integrations/zoom/types';
import type { SharedField } from '../domain/field-merge';
import type { SalesforceClient } from '../integrations/salesforce/client';
import { FailureTypes, permanentFailure } from './failures';
import { ZoomApiError } from '../integrations/zoom/errors';
import { zoomDailyLimitFailure, zoomFailure, ZOOM_MEETING_NOT_FOUND } from './zoom-failures';
import { previousAttemptMadeNothing, provesNothingCreated, type CreateAttemptRecord } from './create-attempts';
import { HostDailyCaps } from './host-daily-caps';
import { eventWriteFailure, salesforceFailure } from './salesforce-failures';
import { TtlCache } from '../common/ttl-cache';
import { countMeetingScheduled, recordSyncLag } from './product-metrics';

/**
 * Activities of the meeting workflow: thin adapters over the typed Zoom and Salesforce clients. Each one
 * translates the client's errors into retryable or permanent Temporal failures (see failures.ts).
 */

export type ZoomApi = Pick<ZoomClient, 'createMeeting' | 'updateMeeting' | 'deleteMeeting' | 'listUserMeetings'>;
export type SalesforceApi = Pick<SalesforceClient, 'getUser' | 'getEvent' | 'updateEvent' | 'isEventDeleted'>;

export interface MeetingActivityDeps {
  zoom: ZoomApi;
  salesforce: SalesforceApi;
  /** How long an owner's e-mail is remembered; owners rarely change e-mail, and each lookup is an API call. */
  hostEmailTtlMs?: number;
}

/** A meeting Zoom made (or found), as the workflow holds it. */
export type ScheduledMeeting = HeldMeeting;

/** Zoom error codes: no such user, user not in this account, and "cannot delete a PMI". */
const ZOOM_USER_NOT_FOUND = 1001;
const ZOOM_USER_NOT_IN_ACCOUNT = 1010;
const ZOOM_CANNOT_DELETE_PMI = 3018;

/**
 * The customer's IANA zone under the id Zoom accepts (an alias mapped to Zoom's name); a zone Zoom does not list is
 * a permanent failure whose message the Event shows, instead of a request Zoom would refuse.
 */
function zoomTimeZoneOf(timeZone: string): string {
  const mapped = toZoomTimeZone(timeZone);
  if (!mapped.ok) throw permanentFailure(FailureTypes.zoomValidation, mapped.message);
  return mapped.zoneId;
}

/**
 * The Zoom request for a plan: a scheduled meeting (type 2). An instant meeting is one too, starting now: Zoom does
 * not list type-1 meetings, so a create whose answer was lost could not be found again and would leave an orphan.
 * Zoom ignores `join_before_host` while the waiting room is on, which is the usual account default (Zoom spec,
 * `settings.join_before_host`), so asking for it turns the waiting room off. Without it the waiting room is left
 * alone: the account's default on create, unchanged on update (unticking does not turn it back on).
 */
export function toZoomMeetingRequest(plan: MeetingPlan): CreateMeetingRequest {
  return {
    topic: plan.topic,
    type: 2,
    start_time: plan.startTime.replace(/\.\d{3}Z$/, 'Z'),
    duration: plan.durationMinutes,
    ...(plan.timeZone ? { timezone: zoomTimeZoneOf(plan.timeZone) } : {}),
    agenda: plan.agenda,
    settings: {
      use_pmi: plan.usePmi,
      join_before_host: plan.joinBeforeHost,
      ...(plan.joinBeforeHost ? { waiting_room: false } : {}),
    },
  };
}

/**
 * The PATCH for an update: every setting, but of the fields both sides edit only `fields` when given (the others
 * may hold a concurrent edit made in the Zoom portal, which the workflow merges instead of overwriting).
 */
export function toZoomMeetingUpdate(plan: MeetingPlan, fields?: readonly SharedField[]): UpdateMeetingRequest {
  const request = toZoomMeetingRequest(plan);
  if (!fields) return request;
  const { topic, start_time, duration, timezone, ...settings } = request;
  return {
    ...settings,
    ...(fields.includes('topic') ? { topic } : {}),
    ...(fields.includes('startTime') ? { start_time } : {}),
    ...(fields.includes('durationMinutes') ? { duration } : {}),
    ...(fields.includes('timeZone') && timezone ? { timezone } : {}),
  };
}

/** The callout's fields of an Event read through the REST API, its date-times as the callout writes them. */
export function snapshotOf(record: EventSnapshot & Record<string, unknown>): EventSnapshot {
  const snapshot = Object.fromEntries(SNAPSHOT_FIELDS.map((field) => [field, record[field] ?? null]));
  for (const field of ['StartDateTime', 'EndDateTime', 'SystemModstamp'] as const) {
    const value = snapshot[field];
    if (typeof value === 'string') snapshot[field] = normaliseSalesforceDateTime(value) ?? value;
  }
  return snapshot as unknown as EventSnapshot;
}

export function createMeetingActivities({ zoom, salesforce, hostEmailTtlMs = 5 * 60_000 }: MeetingActivityDeps) {
  const hostEmails = new TtlCache<string, string>(hostEmailTtlMs);
  const dailyCaps = new HostDailyCaps();

  /** Fails at once, without a call Zoom would refuse, while the host is over Zoom's daily cap. */
  function waitOutDailyCap(hostEmail: string | undefined): void {
    const resetAt = hostEmail === undefined ? undefined : dailyCaps.cappedUntil(hostEmail);
    if (resetAt !== undefined) throw zoomDailyLimitFailure('user', resetAt, Date.now());
  }

  /** Remembers a host's daily cap from Zoom's refusal, so the host's other writes wait without asking. */
  function noteDailyCap(error: unknown, hostEmail: string | undefined): void {
    if (
      hostEmail !== undefined &&
      error instanceof ZoomApiError &&
      error.rateLimitType === 'Daily-limit' &&
      error.rateLimitScope === 'user' &&
      error.retryAt !== undefined
    )
      dailyCaps.record(hostEmail, error.retryAt);
  }

  /** Finds the meeting an earlier attempt created before it could report back (crash or timeout). */
  /** Deletes a meeting; one already gone, or a PMI (which Zoom never deletes), is fine. */
  async function deleteUnlessGone(meetingId: string): Promise<void> {
    try {
      await zoom.deleteMeeting(meetingId);
    } catch (error) {
      if (
        error instanceof ZoomApiError &&
        (error.code === ZOOM_MEETING_NOT_FOUND || error.code === ZOOM_CANNOT_DELETE_PMI)
      )
        return;
      throw error;
    }
  }

  async function findMeetingCreatedEarlier(hostEmail: string, eventId: string) {
    let nextPageToken: string | undefined;
    do {
      const page = await zoom.listUserMeetings(hostEmail, { type: 'scheduled', pageSize: 300, nextPageToken });
      const found = page.meetings.find((m) => agendaMentionsEvent(m.agenda, eventId));
      if (found) return found;
      nextPageToken = page.next_page_token || undefined;
    } while (nextPageToken);
    return undefined;
  }

  return {
    /** E-mail of the Event owner, which must also be their Zoom login. */
    async findHostEmail(ownerId: string): Promise<string> {
      const cached = hostEmails.get(ownerId);
      if (cached) return cached;
      let user;
      try {
        user = await salesforce.getUser(ownerId);
      } catch (error) {
        throw salesforceFailure(error, 'read the Event owner');
      }
      if (!user || !user.Email) {
        throw permanentFailure(
          FailureTypes.hostNotFound,
          `The Event owner (${ownerId}) is not a Salesforce user with an e-mail address`,
        );
      }
      if (user.IsActive === false) {
        throw permanentFailure(
          FailureTypes.hostNotFound,
          `The Event owner (${ownerId}) is an inactive Salesforce user`,
        );
      }
      hostEmails.set(ownerId, user.Email);
      return user.Email;
    },

    /**
     * Creates the meeting, or on a retry returns the one a previous attempt already created. `findEarlierFirst`: the
     * workflow cancelled an earlier create of this Event (a newer callout superseded it), which may have made one.
     */
    async createZoomMeeting(input: {
      eventId: string;
      hostEmail: string;
      plan: MeetingPlan;
      findEarlierFirst?: boolean;
    }): Promise<ScheduledMeeting> {
      const { eventId, hostEmail, plan } = input;
      const { attempt, heartbeatDetails, isLocal } = activityInfo();
      try {
        const mayExist =
          attempt > 1 ? !previousAttemptMadeNothing(attempt, heartbeatDetails) : input.findEarlierFirst === true;
        if (mayExist) {
          const earlier = await findMeetingCreatedEarlier(hostEmail, eventId);
          if (earlier) {
            log.info('Zoom meeting found from an earlier attempt', { eventId, meetingId: String(earlier.id) });
            await zoom.updateMeeting(String(earlier.id), toZoomMeetingRequest(plan));
            return {
              meetingId: String(earlier.id),
              joinUrl: earlier.join_url,
              hostZoomUserId: earlier.host_id,
              usesPmi: plan.usePmi,
            };
          }
        }
        waitOutDailyCap(hostEmail);
        let meeting;
        try {
          // Cancelled (timed out) attempts abort their request: one still running would race its own retry.
          meeting = await zoom.createMeeting(hostEmail, toZoomMeetingRequest(plan), {
            signal: Context.current().cancellationSignal,
          });
        } catch (error) {
          // Flushed with the failure, so the next attempt knows it need not look for this one's meeting. A local
          // attempt cannot heartbeat: its failure's type tells the workflow (workflows/hot-path.ts).
          if (provesNothingCreated(error) && !isLocal)
            heartbeat({ nothingCreatedInAttempt: attempt } satisfies CreateAttemptRecord);
          noteDailyCap(error, hostEmail);
          throw error;
        }
        countMeetingScheduled();
        return {
          meetingId: String(meeting.id),
          joinUrl: meeting.join_url,
          hostZoomUserId: meeting.host_id,
          usesPmi: plan.usePmi,
          ...(meeting.password ? { passcode: meeting.password } : {}),
        };
      } catch (error) {
        if (
          error instanceof ZoomApiError &&
          (error.code === ZOOM_USER_NOT_FOUND || error.code === ZOOM_USER_NOT_IN_ACCOUNT)
        ) {
          // Logged by the worker and kept in history, so the owner's id, not the address: the Event shows its owner.
          throw permanentFailure(
            FailureTypes.hostNotFound,
            `The Salesforce e-mail address of the Event owner (${plan.ownerId}) is not a user of this Zoom account. Ask your Zoom admin to add them, or use the same e-mail in Salesforce and Zoom.`,
          );
        }
        throw zoomFailure(error, 'create the meeting');
      }
    },

    /** `hostEmail`, when the workflow knows it, lets a host over Zoom's daily cap wait without asking Zoom. */
    async updateZoomMeeting(input: {
      meetingId: string;
      plan: MeetingPlan;
      hostEmail?: string;
      fields?: SharedField[];
    }): Promise<void> {
      try {
        waitOutDailyCap(input.hostEmail);
        await zoom.updateMeeting(input.meetingId, toZoomMeetingUpdate(input.plan, input.fields));
      } catch (error) {
        noteDailyCap(error, input.hostEmail);
        throw zoomFailure(error, 'update the meeting');
      }
    },

    /**
     * Deletes the meeting a cancelled create of the Event may have made (found by the Event's tag in its agenda), so a
     * delete that superseded the create leaves no orphan. Nothing found is fine.
     */
    async deleteZoomMeetingCreatedEarlier(input: { eventId: string; hostEmail: string }): Promise<void> {
      try {
        const earlier = await findMeetingCreatedEarlier(input.hostEmail, input.eventId);
        if (!earlier) return;
        log.info('Deleting the Zoom meeting an interrupted create made', { eventId: input.eventId });
        await deleteUnlessGone(String(earlier.id));
      } catch (error) {
        throw zoomFailure(error, 'delete the meeting');
      }
    },

    /** Deletes the meeting; one already gone is fine, and a PMI is never deleted. */
    async deleteZoomMeeting(input: { meetingId: string; usesPmi: boolean }): Promise<void> {
      if (input.usesPmi) return;
      try {
        await deleteUnlessGone(input.meetingId);
      } catch (error) {
        throw zoomFailure(error, 'delete the meeting');
      }
    },

    /**
     * Writes a Zoom-side edit (new topic or time, or the meeting deleted in Zoom) back to the Event's own
     * fields. The org's trigger sends a callout for it, which the workflow recognises as nothing new.
     */
    async writeEventSchedule(input: {
      eventId: string;
      fields: EventScheduleFields;
      timeZone: string | null | undefined;
    }): Promise<void> {
      try {
        await salesforce.updateEvent(input.eventId, {
          ...input.fields,
          ...(input.timeZone !== undefined ? { Customer_Time_Zone__c: input.timeZone } : {}),
          Zoom_Last_Synced__c: new Date().toISOString(),
        });
      } catch (error) {
        throw await eventWriteFailure(salesforce, error, input.eventId, 'update the Event');
      }
    },

    /**
     * The Event's callout snapshot as Salesforce holds it now (date-times in the callout's ISO form), or null when it
     * is gone or out of the integration user's sight: the workflow's tie-break for two saves in one second.
     */
    async readEventSnapshot(input: { eventId: string }): Promise<EventSnapshot | null> {
      let record;
      try {
        record = await salesforce.getEvent(input.eventId);
      } catch (error) {
        throw salesforceFailure(error, 'read the Event');
      }
      return record ? snapshotOf(record) : null;
    },

    /** Writes the integration's fields to the Event, stamping the time of the sync. */
    async writeEventFields(input: { eventId: string; fields: EventZoomFields }): Promise<void> {
      try {
        await salesforce.updateEvent(input.eventId, { ...input.fields, Zoom_Last_Synced__c: new Date().toISOString() });
        const { Zoom_Status__c: status, Zoom_Actual_End__c: endedAt } = input.fields;
        if (status === 'Ended' && typeof endedAt === 'string') recordSyncLag(Date.parse(endedAt));
      } catch (error) {
        throw await eventWriteFailure(salesforce, error, input.eventId, 'update the Event');
      }
    },
  };
}

export type MeetingActivities = ReturnType<typeof createMeetingActivities>;
