/**
 * The "Send Email" button, made durable: one workflow per button press (its id derives from the signed
 * request), so a retried request answers with the first one's outcome instead of mailing again.
 */
import { proxyActivities } from '@temporalio/workflow';
import { pinnedWhenVersioned } from './versioning';
import type { Activities } from '../activities';
import { NON_RETRYABLE_FAILURE_TYPES } from '../activities/failures';
import type { MeetingEmailInput, MeetingEmailResult } from '../activities/meeting-email';

const { sendMeetingEmail } = proxyActivities<Activities>({
  startToCloseTimeout: '60 seconds',
  heartbeatTimeout: '20 seconds',
  // The button waits for the answer; past this, the API answers 504 and the workflow still finishes the job.
  scheduleToCloseTimeout: '10 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, nonRetryableErrorTypes: NON_RETRYABLE_FAILURE_TYPES },
});

export async function meetingEmailWorkflow(input: MeetingEmailInput): Promise<MeetingEmailResult> {
  return sendMeetingEmail(input);
}

// Short-lived: it finishes on the release that started it while that release's workers drain (Worker Versioning).
pinnedWhenVersioned(meetingEmailWorkflow);
