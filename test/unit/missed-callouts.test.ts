/**
 * The hourly sync's pick-up of Events whose callout never reached Temporal, against the emulated org and a real
 * Temporal dev server (no worker: the started workflows' first signal is read from their history).
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createMissedCalloutActivities } from '../../activities/missed-callouts';
import { DEMO_CREDENTIALS, DEMO_USERS } from '../../emulators/demo-org';
import { createSalesforceEmulator, type SalesforceEmulator } from '../../emulators/salesforce/server';
import { SalesforceClient } from '../../integrations/salesforce/client';
import { eventChangedSignal, meetingWorkflowId, type MeetingWorkflowInput } from '../../workflows/messages';
import { createDevServerEnv, uniqueTaskQueue } from '../helpers/temporal';

const { clientId, clientSecret } = DEMO_CREDENTIALS.salesforce;
const [ADA] = DEMO_USERS;
const HOUR = 3_600_000;

let emulator: SalesforceEmulator;
let salesforce: SalesforceClient;
let env: TestWorkflowEnvironment;

beforeAll(async () => {
  emulator = createSalesforceEmulator({ clientId, clientSecret });
  const url = await emulator.listen(0);
  salesforce = new SalesforceClient({ loginUrl: url, clientId, clientSecret, apiVersion: '62.0' });
  env = await createDevServerEnv();
}, 60_000);
afterAll(async () => {
  await emulator.close();
  await env?.teardown();
});

async function events(overrides: Record<string, unknown>[]): Promise<string[]> {
  const start = Date.now() + 2 * HOUR;
  const results = await salesforce.createRecords(
    'Event',
    overrides.map((o, i) => ({
      OwnerId: ADA.salesforceId,
      Subject: `Meeting ${i}`,
      StartDateTime: new Date(start).toISOString(),
      EndDateTime: new Date(start + HOUR / 2).toISOString(),
      Make_Zoom_Meeting__c: true,
      ...o,
    })),
  );
  return results.map((r) => {
    if (!r.success || !r.id) throw new Error(JSON.stringify(r));
    return r.id;
  });
}

async function exists(eventId: string): Promise<boolean> {
  try {
    await env.client.workflow.getHandle(meetingWorkflowId(eventId)).describe();
    return true;
  } catch {
    return false;
  }
}

test('starts only upcoming Events asking for a meeting with no meeting, no status and no workflow', async () => {
  const taskQueue = uniqueTaskQueue('missed');
  const [lost, running, failed, past, plain, scheduled] = await events([
    { Subject: 'Lost callout' },
    { Subject: 'Callout arrived' },
    { Zoom_Status__c: 'Error' },
    {
      StartDateTime: new Date(Date.now() - 3 * HOUR).toISOString(),
      EndDateTime: new Date(Date.now() - 2 * HOUR).toISOString(),
    },
    { Make_Zoom_Meeting__c: false },
    { Zoom_Meeting_Id__c: '81000000001', Zoom_Status__c: 'Scheduled' },
  ]);
  // This one's callout reached Temporal: its workflow is left to itself.
  const arrived = env.client.workflow.getHandle(meetingWorkflowId(running));
  await env.client.workflow.start('meetingWorkflow', {
    workflowId: meetingWorkflowId(running),
    taskQueue,
    args: [{ eventId: running } satisfies MeetingWorkflowInput],
  });
  const activities = createMissedCalloutActivities({ salesforce, temporal: env.client, taskQueue });

  expect(await activities.startMissedEvents({ asOf: new Date().toISOString() })).toEqual({ started: 1, invalid: 0 });
  for (const id of [failed, past, plain, scheduled]) expect(await exists(id)).toBe(false);
  expect((await arrived.fetchHistory()).events?.some((e) => e.workflowExecutionSignaledEventAttributes)).toBe(false);

  // The lost Event's workflow got the Event as Salesforce holds it, as the callout would have carried it.
  const history = await env.client.workflow.getHandle(meetingWorkflowId(lost)).fetchHistory();
  const signalled = history.events?.find((e) => e.workflowExecutionSignaledEventAttributes);
  expect(signalled?.workflowExecutionSignaledEventAttributes?.signalName).toBe(eventChangedSignal.name);

  // A second pass finds the workflow there and starts nothing.
  expect(await activities.startMissedEvents({ asOf: new Date().toISOString() })).toEqual({ started: 0, invalid: 0 });
});
