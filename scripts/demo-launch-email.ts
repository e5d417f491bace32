/**
 * Demo for the embedded stack (`npm start` first): turn on "Send E-mail to Attendees on Launch" as the
 * organization default of the emulated org (the `Zoom_Settings__c` hierarchy setting), or off with `off`.
 *
 *   npx tsx scripts/demo-launch-email.ts [on|off]
 */
import { DEMO_ORG_ID } from '../emulators/demo-org';
import { connectToDemoOrg } from './demo-org-connection';

async function main(): Promise<void> {
  const on = process.argv[2] !== 'off';
  const conn = await connectToDemoOrg();
  const { records } = await conn.query<{ Id: string }>(
    `SELECT Id FROM Zoom_Settings__c WHERE SetupOwnerId = '${DEMO_ORG_ID}'`,
  );
  if (records[0]) await conn.sobject('Zoom_Settings__c').update({ Id: records[0].Id, Send_Email_On_Launch__c: on });
  else await conn.sobject('Zoom_Settings__c').create({ SetupOwnerId: DEMO_ORG_ID, Send_Email_On_Launch__c: on });
  console.log(`Send E-mail to Attendees on Launch is now ${on ? 'on' : 'off'} for the whole org (within a minute).`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
