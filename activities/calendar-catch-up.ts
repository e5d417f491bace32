import type { Client } from '@temporalio/client';
import { forEachInEventOrder } from '../common/per-event-lanes';
import { SALESFORCE_KEY_PREFIX } from '../domain/salesforce-id';
import type { SalesforceClient } from '../integrations/salesforce/client';
import { soqlDateTime, soqlStringList } from '../integrations/salesforce/client';
import { calendarCatchUpSignal, meetingWorkflowId } from '../workflows/messages';
import { salesforceFailure } from './salesforce-failures';

/**
 * Google calendars catching up with a setting turned on (issue 14). A meeting workflow tries the host's calendar
 * when its meeting changes; a host who ticks "Google Calendar Notifications" after their Events were scheduled would
 * wait for each meeting's next change. The hourly sync asks here which `Zoom_Settings__c` records were saved with
 * the box ticked since its window began: a user's own record names that user, a profile's its users, the org
 * default everyone. Each of their upcoming Zoom Events' workflows is signalled to try its calendar once more; the
 * calendar activity still decides by the host's effective setting (a user's record unticked over a ticked org
 * default stays off). Only ids are read here; a workflow that has finished is skipped.
 */

export interface CalendarCatchUpDeps {
  salesforce: Pick<SalesforceClient, 'query'>;
  temporal: { workflow: Pick<Client['workflow'], 'getHandle'> };
}

/** Signals sent at once. */
const SIGNAL_CONCURRENCY = 16;
/** Owner ids per SOQL `IN (…)`: far inside SOQL's 100,000-character statement. */
const OWNERS_PER_QUERY = 500;

function chunks<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

export function createCalendarCatchUpActivities({ salesforce, temporal }: CalendarCatchUpDeps) {
  async function query<T>(soql: string, what: string): Promise<T[]> {
    try {
      return (await salesforce.query<T>(soql)).records;
    } catch (error) {
      throw salesforceFailure(error, what);
    }
  }

  /** The hosts whose setting was ticked since `since`: user ids, or 'everyone' for the org default. */
  async function hostsTickedSince(since: string): Promise<string[] | 'everyone'> {
    const ticked = await query<{ SetupOwnerId: string }>(
      'SELECT SetupOwnerId FROM Zoom_Settings__c WHERE Google_Calendar_Notifications__c = true ' +
        `AND SystemModstamp >= ${soqlDateTime(Date.parse(since))}`,
      'read the Zoom settings saved lately',
    );
    const owners = ticked.map((r) => r.SetupOwnerId);
    if (owners.some((id) => id.startsWith(SALESFORCE_KEY_PREFIX.organization))) return 'everyone';
    const users = owners.filter((id) => id.startsWith(SALESFORCE_KEY_PREFIX.user));
    const profiles = owners.filter((id) => id.startsWith(SALESFORCE_KEY_PREFIX.profile));
    for (const group of chunks(profiles, OWNERS_PER_QUERY)) {
      const members = await query<{ Id: string }>(
        `SELECT Id FROM User WHERE IsActive = true AND ProfileId IN (${soqlStringList(group)})`,
        "read the profile's users",
      );
      users.push(...members.map((u) => u.Id));
    }
    return [...new Set(users)];
  }

  return {
    /**
     * Signals the meeting workflow of every upcoming Zoom Event whose host's "Google Calendar Notifications" was
     * ticked since `since` (the run's window start), so its calendar catches up now.
     */
    async nudgeCalendarsOfTickedSettings(input: { since: string; asOf: string }): Promise<{ nudged: number }> {
      const hosts = await hostsTickedSince(input.since);
      if (hosts !== 'everyone' && hosts.length === 0) return { nudged: 0 };
      const upcoming =
        'SELECT Id FROM Event WHERE Zoom_Meeting_Id__c != null AND ' +
        `(Zoom_Source__c = null OR Zoom_Source__c != 'External') AND Zoom_Status__c = 'Scheduled' ` +
        `AND EndDateTime > ${soqlDateTime(Date.parse(input.asOf))}`;
      const events: { Id: string }[] = [];
      if (hosts === 'everyone') events.push(...(await query<{ Id: string }>(upcoming, 'read the upcoming Events')));
      for (const group of hosts === 'everyone' ? [] : chunks(hosts, OWNERS_PER_QUERY)) {
        const soql = `${upcoming} AND OwnerId IN (${soqlStringList(group)})`;
        events.push(...(await query<{ Id: string }>(soql, 'read the upcoming Events')));
      }
      let nudged = 0;
      const items = events.map((e) => ({ eventId: e.Id }));
      await forEachInEventOrder(items, SIGNAL_CONCURRENCY, async ({ eventId }) => {
        try {
          await temporal.workflow.getHandle(meetingWorkflowId(eventId)).signal(calendarCatchUpSignal);
          nudged += 1;
        } catch (error) {
          // No running workflow: the Event's next callout starts one, which writes the calendar from the start.
          if ((error as Error).name !== 'WorkflowNotFoundError') throw error;
        }
      });
      return { nudged };
    },
  };
}
