import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { CalloutBatchInput } from './messages';
import { pinnedWhenVersioned } from './versioning';

// Signal-with-start is idempotent per Event (the meeting workflow ignores a change it has applied), so a retried
// attempt signals the whole batch again; an Event still missing after a day is the hourly sync's to start.
const { signalCalloutBatch } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * A data load's callout of up to 200 Events, accepted by the API with this workflow's start alone: the org gets its
 * answer at once, however loaded Temporal is, and the Events are signalled here, durably, in the callout's order.
 */
export async function calloutBatchWorkflow(input: CalloutBatchInput): Promise<{ signalled: number }> {
  return signalCalloutBatch(input);
}
pinnedWhenVersioned(calloutBatchWorkflow);
