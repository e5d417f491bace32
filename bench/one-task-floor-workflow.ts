/**
 * The one-task floor's workflow (`bench/one-task-floor.ts`): what the callout path would cost if the meeting's whole
 * work were one local activity in the first workflow task. Registered as `meetingWorkflow` on a queue of its own, so
 * the API's callout route starts it by signal-with-start exactly as it starts the real one; it writes the Event's
 * Zoom fields once (the same write-back as the real path's last step) and ends.
 */
import { condition, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { eventChangedSignal, type MeetingWorkflowInput } from '../workflows/messages';

// The API records each signed request's nonce as a workflow on the queue it serves.
export { signedRequestWorkflow } from '../workflows/signed-request';

const { writeEventFields } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '3 seconds',
  retry: { maximumAttempts: 1 },
});

export async function meetingWorkflow(input: MeetingWorkflowInput): Promise<void> {
  let signalled = false;
  setHandler(eventChangedSignal, () => {
    signalled = true;
  });
  await condition(() => signalled);
  await writeEventFields({
    eventId: input.eventId,
    fields: {
      Zoom_Meeting_Id__c: '81234567890',
      Zoom_Join_URL__c: 'https://zoom.emulator.local/j/81234567890',
      Zoom_Status__c: 'Scheduled',
      Zoom_Sync_Error__c: null,
    },
  });
}
