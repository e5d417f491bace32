/**
 * Demo for the embedded stack (`npm start` first): a sales rep's Event with "Make it a Zoom meeting" ticked, created
 * through jsforce in the emulated org, then printed once the integration has written the Zoom fields back.
 *
 *   npx tsx scripts/demo-create-event.ts [subject]
 *
 * Talks to the Salesforce emulator only (http://127.0.0.1:$SALESFORCE_EMULATOR_PORT, default 4020) with the demo
 * org's connected-app credentials, which no real org accepts.
 */
import { DEMO_CONTACTS, DEMO_USERS } from '../emulators/demo-org';
import { connectToDemoOrg } from './demo-org-connection';

const FIELDS = [
  'Id',
  'Subject',
  'StartDateTime',
  'EndDateTime',
  'OwnerId',
  'WhoId',
  'Make_Zoom_Meeting__c',
  'Zoom_Meeting_Id__c',
  'Zoom_Join_URL__c',
  'Zoom_Status__c',
  'Zoom_Sync_Error__c',
  'Zoom_Last_Synced__c',
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const conn = await connectToDemoOrg();

  const owner = DEMO_USERS[0];
  const contact = DEMO_CONTACTS[0];
  const start = new Date(Date.now() + 24 * 3600_000);
  start.setUTCMinutes(0, 0, 0);
  const end = new Date(start.getTime() + 30 * 60_000);
  const subject = process.argv[2] ?? `Demo call with ${contact.FirstName} ${contact.LastName}`;

  const created = await conn.sobject('Event').create({
    Subject: subject,
    StartDateTime: start.toISOString(),
    EndDateTime: end.toISOString(),
    OwnerId: owner.salesforceId,
    WhoId: contact.Id,
    Make_Zoom_Meeting__c: true,
  });
  if (!created.success || !created.id) {
    throw new Error(`Event not created: ${JSON.stringify(created)}`);
  }
  console.log(`Created Event ${created.id} for ${owner.firstName} ${owner.lastName} at ${start.toISOString()}`);

  // The org calls the API out, a workflow creates the meeting and writes the Event back: usually within a second.
  await sleep(1_000);
  let event: Record<string, unknown> = {};
  const deadline = Date.now() + 15_000;
  do {
    event = (await conn.sobject('Event').retrieve(created.id)) as Record<string, unknown>;
    if (event.Zoom_Join_URL__c || event.Zoom_Sync_Error__c) break;
    await sleep(500);
  } while (Date.now() < deadline);

  console.log(JSON.stringify(Object.fromEntries(FIELDS.map((f) => [f, event[f] ?? null])), null, 2));
  if (!event.Zoom_Join_URL__c) {
    console.log('No join URL yet: look at the workflow in the Temporal UI (http://127.0.0.1:8233).');
  }
  console.log(`Workflow: meeting-${created.id}`);
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  console.error('Is the stack running (npm start) with the Salesforce emulator?');
  process.exit(1);
});
