import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { forEachInEventOrder } from '../common/per-event-lanes';
import { parseCalloutBody } from '../domain/callout-validation';
import { SNAPSHOT_FIELDS } from '../domain/event-fields';
import type { SalesforceClient } from '../integrations/salesforce/client';
import { escapeSoqlString, soqlDateTime } from '../integrations/salesforce/client';
import { eventChangedSignalWithStart, MEETING_WORKFLOW_TYPE, meetingWorkflowId } from '../workflows/messages';
import { placementFor } from '../workflows/task-queues';
import { salesforceFailure } from './salesforce-failures';

/**
 * Events whose callout never reached Temporal. The org retries a failed callout four times and then records a
 * Zoom Callout Failure for an admin; an Event can thus ask for a Zoom meeting and have none, no status and no
 * workflow (a starved API ran out of its signalling budget on every attempt). The hourly sync finds such upcoming
 * Events and starts their workflows with the Event as Salesforce holds it now, exactly as the callout would have:
 * the workflow stays the Event's one writer, and a late callout of the same change is ignored by it as stale.
 */

export interface MissedCalloutDeps {
  salesforce: Pick<SalesforceClient, 'query'>;
  temporal: { workflow: Pick<Client['workflow'], 'getHandle' | 'signalWithStart'> };
  /** The meeting workflows' task queue. */
  taskQueue: string;
}

/** Events read per activity (the callout's batch size); the run pages on by Id. */
export const MISSED_CALLOUT_PAGE_SIZE = 200;
/** Workflows looked up and started at once. */
const START_CONCURRENCY = 16;

export function createMissedCalloutActivities({ salesforce, temporal, taskQueue }: MissedCalloutDeps) {
  /** True when the Event's workflow never ran (or its history is gone: then its status would be written). */
  async function hasNoWorkflow(eventId: string): Promise<boolean> {
    try {
      await temporal.workflow.getHandle(meetingWorkflowId(eventId)).describe();
      return false;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return true;
      throw error;
    }
  }

  return {
    /**
     * One page (by Id, after `afterId`) of upcoming Events that ask for a Zoom meeting and have neither a meeting
     * nor a status. Those without a workflow get one, signalled with their snapshot; `started` counts them.
     */
    async startMissedEvents(input: {
      afterId?: string;
      asOf: string;
    }): Promise<{ lastId?: string; started: number; invalid: number }> {
      const soql =
        `SELECT ${SNAPSHOT_FIELDS.join(', ')} FROM Event ` +
        'WHERE Make_Zoom_Meeting__c = true AND Zoom_Meeting_Id__c = null AND Zoom_Status__c = null ' +
        `AND EndDateTime > ${soqlDateTime(Date.parse(input.asOf))}` +
        (input.afterId ? ` AND Id > '${escapeSoqlString(input.afterId)}'` : '') +
        ` ORDER BY Id LIMIT ${MISSED_CALLOUT_PAGE_SIZE}`;
      let records: Record<string, unknown>[];
      try {
        ({ records } = await salesforce.query<Record<string, unknown>>(soql));
      } catch (error) {
        throw salesforceFailure(error, 'find Events whose callout was missed');
      }
      if (records.length === 0) return { started: 0, invalid: 0 };
      // The same validation as the callout route: what it would have refused is not started here either.
      const events = records.map((record) => ({
        operation: 'upsert',
        event: Object.fromEntries(SNAPSHOT_FIELDS.map((field) => [field, record[field] ?? null])),
      }));
      const parsed = parseCalloutBody({ events });
      const results = parsed.ok ? parsed.results : [];
      const valid = results.flatMap(({ eventId, item }) => (item && eventId ? [{ eventId, item }] : []));
      let started = 0;
      await forEachInEventOrder(valid, START_CONCURRENCY, async ({ eventId, item }) => {
        if (!(await hasNoWorkflow(eventId))) return;
        await temporal.workflow.signalWithStart(
          MEETING_WORKFLOW_TYPE,
          // Nobody is waiting at a screen: the sync's starts run on the bulk queue.
          eventChangedSignalWithStart(eventId, item, placementFor('bulk', taskQueue)),
        );
        started += 1;
      });
      return {
        started,
        invalid: records.length - valid.length,
        ...(records.length === MISSED_CALLOUT_PAGE_SIZE ? { lastId: records[records.length - 1].Id as string } : {}),
      };
    },
  };
}
