/**
 * An Event whose callout never reached Temporal (the org's retries all ran out, say on a starved machine) still
 * gets its meeting: the hourly sync finds Events that ask for a Zoom meeting but have none, no status and no
 * workflow, and starts their workflows with the Event as Salesforce holds it.
 */
import axios from 'axios';
import { type Connection } from 'jsforce';
import { DEMO_USERS } from '../../emulators/demo-org';
import { hourlySyncInput } from '../../workers/hourly-sync-schedule';
import { meetingWorkflowId, type HourlySyncProgress } from '../../workflows/messages';
import { startTestStack, waitForEvent, type TestStack } from '../helpers/stack';

let stack: TestStack;
let sf: Connection;
const MINUTE = 60_000;
const ADA = DEMO_USERS[0];

beforeAll(async () => {
  stack = await startTestStack();
  sf = await stack.sfUser();
});

afterAll(async () => {
  await stack?.stop();
});

async function runSync(workflowId: string): Promise<HourlySyncProgress> {
  return stack.env.client.workflow.execute('hourlySyncWorkflow', {
    taskQueue: stack.taskQueue,
    workflowId,
    args: [
      hourlySyncInput({
        intervalMs: 60 * MINUTE,
        overlapMs: 10 * MINUTE,
        lookbackMs: 60 * MINUTE,
        hostConcurrency: 2,
        zoomPlan: 'business',
        createSchedule: false,
      }),
    ],
  });
}

test('an Event whose callout was lost gets its meeting from the next hourly sync, once', async () => {
  // The org's trigger sends nothing: the callout is lost as if all its attempts had run out.
  await axios.post(`${stack.salesforceUrl}/_emulator/trigger`, { enabled: false });
  const created = await sf.sobject('Event').create({
    Subject: 'Callout lost on the way',
    StartDateTime: new Date(Date.now() + 60 * MINUTE).toISOString(),
    EndDateTime: new Date(Date.now() + 90 * MINUTE).toISOString(),
    OwnerId: ADA.salesforceId,
    Make_Zoom_Meeting__c: true,
  });
  const eventId = created.id!;
  // Not asking for a meeting: left alone.
  const plain = await sf.sobject('Event').create({
    Subject: 'No Zoom wanted',
    StartDateTime: new Date(Date.now() + 60 * MINUTE).toISOString(),
    EndDateTime: new Date(Date.now() + 90 * MINUTE).toISOString(),
    OwnerId: ADA.salesforceId,
  });
  await expect(stack.env.client.workflow.getHandle(meetingWorkflowId(eventId)).describe()).rejects.toThrow();

  const progress = await runSync('zoom-hourly-sync-missed-1');
  expect(progress.missedEventsStarted).toBe(1);
  const event = await waitForEvent(
    sf,
    eventId,
    ['Zoom_Meeting_Id__c', 'Zoom_Status__c'],
    (e) => e.Zoom_Status__c === 'Scheduled' && !!e.Zoom_Meeting_Id__c,
    'the lost Event scheduled by the sync',
  );
  expect((await stack.zoomClient.getMeeting(String(event.Zoom_Meeting_Id__c))).topic).toBe('Callout lost on the way');
  await expect(stack.env.client.workflow.getHandle(meetingWorkflowId(plain.id!)).describe()).rejects.toThrow();

  // The next run finds nothing left to start: one meeting, one writer.
  expect((await runSync('zoom-hourly-sync-missed-2')).missedEventsStarted).toBe(0);
});
