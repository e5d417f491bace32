import { ApplicationFailure } from '@temporalio/common';
import { log } from '@temporalio/activity';
import {
  calendarDescription,
  calendarEventFor,
  calendarEventId,
  type CalendarMeeting,
  type CalendarOutcome,
} from '../domain/google-calendar-event';
import { recipientsFrom, splitEmailList } from '../domain/meeting-email';
import { sameId } from '../domain/salesforce-id';
import type { GoogleCalendarClient } from '../integrations/google/calendar-client';
import { GoogleCalendarError } from '../integrations/google/errors';
import type { SalesforceClient } from '../integrations/salesforce/client';
import { permanentFailure, rateLimitedFailure, withoutEmailAddresses } from './failures';
import { salesforceFailure } from './salesforce-failures';
import { createZoomSettingsReader } from './zoom-settings';

/**
 * The meeting on the host's Google calendar, when the host's "Google Calendar Notifications" setting is on (their
 * own record over the org default). Inputs carry ids, times and the meeting's link; who the host and the guests are
 * is read from Salesforce here, so no address enters workflow history. Google e-mails the guests (`sendUpdates=all`)
 * except for the outcome note. Rate limits and outages are retried by Temporal; what a retry cannot mend (no Google
 * account, no delegation, an address Google refuses) is a non-retryable `GoogleCalendarRefused` whose message the
 * Event shows.
 */

export const GOOGLE_CALENDAR_REFUSED = 'GoogleCalendarRefused';

export interface CalendarSyncDeps {
  salesforce: Pick<SalesforceClient, 'getZoomSettings' | 'getMeetingPeople' | 'getUser'>;
  /** Absent when the worker has no Google configuration: nothing is synced. */
  googleCalendar?: Pick<GoogleCalendarClient, 'insertEvent' | 'patchEvent' | 'deleteEvent'>;
  settingsTtlMs?: number;
}

export interface CalendarEventInput {
  eventId: string;
  /** The host (the Event's owner): their setting decides, their calendar holds the event. */
  ownerId: string;
  topic: string;
  startTime: string;
  endTime: string;
  /** The customer's zone; absent: the host's. */
  timeZone?: string;
  meetingId: string;
  joinUrl: string;
  passcode?: string;
  /** This workflow made the event before: patch it (insert when it is gone); else insert (patch on 409). */
  known: boolean;
  /** The host's setting was just changed: read it from Salesforce, not the copy kept for a minute. */
  freshSettings?: boolean;
}

export interface CalendarSyncResult {
  outcome: 'created' | 'updated' | 'skipped';
  /** Why nothing was done (setting off, Google not configured, the Event gone). */
  skipped?: string;
}

/**
 * Google's 400 when the caller may not attach Zoom's third-party (`addOn`) conference: "Invalid conference data."
 * (a live capture from a client that is not the Workspace add-on, openclaw/gogcli#590) or "Invalid conference type
 * value." (googleapis/google-api-nodejs-client#2387, #3052). The event is then written with the link alone.
 */
const CONFERENCE_REFUSED = new Set(['Invalid conference data.', 'Invalid conference type value.']);
/** After a refusal the worker leaves the conference out for a day instead of paying a refused call per write. */
const CONFERENCE_RETRY_AFTER_MS = 24 * 60 * 60_000;

function refused(message: string): ApplicationFailure {
  return permanentFailure(GOOGLE_CALENDAR_REFUSED, message);
}

/** Google's refusal as a Temporal failure: retryable for limits and outages, else a message for the Event. */
export function calendarFailure(error: unknown): unknown {
  if (!(error instanceof GoogleCalendarError)) return error;
  const detail = withoutEmailAddresses(error.message);
  if (error.isRetryable) {
    if (error.status === 429 || error.status === 403) {
      return rateLimitedFailure(
        `Google Calendar's rate limit (${error.reason})`,
        (error.retryAfterSeconds ?? 0) * 1000 || undefined,
      );
    }
    return ApplicationFailure.retryable(
      `Google Calendar did not answer (${error.status || error.reason}): ${detail}`,
      'GoogleCalendarUnavailable',
    );
  }
  if (error.source === 'token') {
    if (error.reason === 'invalid_grant' && /invalid email or user id/i.test(error.message)) {
      return refused(
        "The host's e-mail has no Google Workspace account, so the meeting is not on a Google calendar. Give the host " +
          'a Google account with this e-mail, or turn off their Google Calendar Notifications setting.',
      );
    }
    if (error.reason === 'unauthorized_client' || error.reason === 'access_denied') {
      return refused(
        "Google refused access to the host's calendar: the service account's domain-wide delegation (scope " +
          'https://www.googleapis.com/auth/calendar.events) is missing or was revoked. A Google Workspace admin must ' +
          'grant it (README: Google Calendar).',
      );
    }
    return refused(`Google refused the integration's service account (${error.reason}: ${detail}); check its key.`);
  }
  if (error.status === 400 && /attendee/i.test(error.message)) {
    return refused(
      "Google Calendar refused an attendee's e-mail address: correct the Event's contact, invitees or additional " +
        'e-mails.',
    );
  }
  if (error.status === 401)
    return ApplicationFailure.retryable(`Google refused the access token: ${detail}`, 'GoogleCalendarUnavailable');
  return refused(`Google Calendar refused the event (${error.status} ${error.reason}): ${detail}`);
}

export function createCalendarSyncActivities({ salesforce, googleCalendar, settingsTtlMs = 60_000 }: CalendarSyncDeps) {
  const settingsOf = createZoomSettingsReader(salesforce, settingsTtlMs);

  async function hostEmailOf(ownerId: string): Promise<string | undefined> {
    const user = await salesforce.getUser(ownerId).catch((error: unknown) => {
      throw salesforceFailure(error, 'read the host');
    });
    return user?.Email || undefined;
  }

  /** Whether to write to the host's calendar: Google configured and the host's setting on. */
  async function skipReason(ownerId: string, fresh = false): Promise<string | undefined> {
    if (!googleCalendar) return 'Google Calendar is not configured on the worker';
    const settings = await settingsOf(ownerId, { fresh }).catch((error: unknown) => {
      throw salesforceFailure(error, "read the host's Zoom settings");
    });
    return settings.googleCalendarNotifications ? undefined : "the host's Google Calendar Notifications setting is off";
  }

  async function meetingOf(input: CalendarEventInput): Promise<{ host: string; meeting: CalendarMeeting } | undefined> {
    const people = await salesforce.getMeetingPeople(input.eventId).catch((error: unknown) => {
      throw salesforceFailure(error, "read the Event's attendees");
    });
    if (!people) return undefined;
    // The Event's owner is the host unless it changed since the workflow applied it: then the workflow's host.
    const host = sameId(people.owner.id, input.ownerId)
      ? people.owner.email || undefined
      : await hostEmailOf(input.ownerId);
    if (!host) throw refused('The host has no e-mail address in Salesforce to find their Google calendar by.');
    const { valid } = recipientsFrom([
      people.who?.email,
      ...people.invitees.map((p) => p.email),
      ...splitEmailList(people.additionalEmails),
    ]);
    return {
      host,
      meeting: {
        salesforceEventId: input.eventId,
        topic: input.topic,
        startTime: input.startTime,
        endTime: input.endTime,
        timeZone: input.timeZone ?? people.owner.timeZone ?? 'UTC',
        meetingId: input.meetingId,
        joinUrl: input.joinUrl,
        ...(input.passcode ? { passcode: input.passcode } : {}),
        attendees: valid.filter((address) => address.toLowerCase() !== host.toLowerCase()),
      },
    };
  }

  let conferenceRefusedAt: number | undefined;

  /** Runs `write` with the conference attached; when Google refuses a third-party conference, with the link only. */
  async function withConferenceFallback<T>(write: (conference: boolean) => Promise<T>): Promise<T> {
    if (conferenceRefusedAt !== undefined && Date.now() - conferenceRefusedAt < CONFERENCE_RETRY_AFTER_MS) {
      return write(false);
    }
    try {
      return await write(true);
    } catch (error) {
      if (!(error instanceof GoogleCalendarError) || error.status !== 400 || !CONFERENCE_REFUSED.has(error.message)) {
        throw error;
      }
      conferenceRefusedAt = Date.now();
      log.warn('Google refused the Zoom conference entry; the join link stays in the location and description');
      return write(false);
    }
  }

  return {
    /** Puts the meeting on the host's calendar, or brings the event there in step (same id: never a second one). */
    async syncCalendarEvent(input: CalendarEventInput): Promise<CalendarSyncResult> {
      const skipped = await skipReason(input.ownerId, input.freshSettings);
      if (skipped) return { outcome: 'skipped', skipped };
      const found = await meetingOf(input);
      if (!found) return { outcome: 'skipped', skipped: 'the Event no longer exists' };
      const { host, meeting } = found;
      const id = calendarEventId(input.eventId);
      const calendar = googleCalendar!;
      const insert = (conference: boolean) =>
        calendar.insertEvent(host, { id, ...calendarEventFor(meeting, { conference }) }, 'all');
      const patch = (conference: boolean) =>
        calendar.patchEvent(host, id, calendarEventFor(meeting, { conference }), 'all');
      try {
        if (input.known) {
          try {
            await withConferenceFallback(patch);
            return { outcome: 'updated' };
          } catch (error) {
            // Deleted for good at Google (a cancelled event would still be patched): make it again.
            if (!(error instanceof GoogleCalendarError) || error.status !== 404) throw error;
          }
        }
        try {
          await withConferenceFallback(insert);
          return { outcome: 'created' };
        } catch (error) {
          // Already there: made by an attempt whose answer was lost, or cancelled earlier (id taken). Patch it.
          if (!(error instanceof GoogleCalendarError) || error.status !== 409) throw error;
          await withConferenceFallback(patch);
          return { outcome: 'updated' };
        }
      } catch (error) {
        throw calendarFailure(error);
      }
    },

    /** Cancels the event; Google tells the guests. Already deleted (404, 410) counts as done. */
    async cancelCalendarEvent(input: { eventId: string; ownerId: string }): Promise<{ cancelled: boolean }> {
      if (!googleCalendar) return { cancelled: false };
      const host = await hostEmailOf(input.ownerId);
      if (!host) return { cancelled: false };
      try {
        await googleCalendar.deleteEvent(host, calendarEventId(input.eventId), 'all');
        return { cancelled: true };
      } catch (error) {
        if (error instanceof GoogleCalendarError && (error.status === 404 || error.status === 410)) {
          return { cancelled: false };
        }
        throw calendarFailure(error);
      }
    },

    /** After the meeting: the outcome added to the description, without a notification to anyone. */
    async noteCalendarOutcome(input: CalendarEventInput & { outcome: CalendarOutcome }): Promise<{ noted: boolean }> {
      if (!googleCalendar) return { noted: false };
      const found = await meetingOf(input);
      if (!found) return { noted: false };
      try {
        await googleCalendar.patchEvent(
          found.host,
          calendarEventId(input.eventId),
          { description: calendarDescription(found.meeting, input.outcome) },
          'none',
        );
        return { noted: true };
      } catch (error) {
        if (error instanceof GoogleCalendarError && (error.status === 404 || error.status === 410))
          return { noted: false };
        throw calendarFailure(error);
      }
    },
  };
}
