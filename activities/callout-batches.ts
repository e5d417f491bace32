import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { forEachInEventOrder } from '../common/per-event-lanes';
import { eventChangedSignalWithStart, MEETING_WORKFLOW_TYPE, type CalloutBatchInput } from '../workflows/messages';
import { placementFor } from '../workflows/task-queues';

export interface CalloutBatchDeps {
  temporal: { workflow: Pick<Client['workflow'], 'signalWithStart'> };
  /** The meeting workflows' task queue. */
  taskQueue: string;
}

/** Signals in flight at once, as the callout route signals a rep's few Events. */
export const CALLOUT_BATCH_SIGNAL_CONCURRENCY = 32;

export function createCalloutBatchActivities({ temporal, taskQueue }: CalloutBatchDeps) {
  return {
    /** Signals each Event of a data load's callout; an Event's changes keep their order in the batch. */
    async signalCalloutBatch({ items }: CalloutBatchInput): Promise<{ signalled: number }> {
      let signalled = 0;
      await forEachInEventOrder(items, CALLOUT_BATCH_SIGNAL_CONCURRENCY, async ({ eventId, item }) => {
        // Nobody waits at a screen for a data load: its meeting workflows run on the bulk queue, last in line.
        await temporal.workflow.signalWithStart(
          MEETING_WORKFLOW_TYPE,
          eventChangedSignalWithStart(eventId, item, placementFor('bulk', taskQueue)),
        );
        signalled += 1;
        Context.current().heartbeat(signalled);
      });
      return { signalled };
    },
  };
}
