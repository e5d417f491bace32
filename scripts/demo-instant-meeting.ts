/**
 * Demo for the embedded stack (`npm start` first): "Start Zoom Meeting" on a Contact, as the org's button calls
 * it (a signed request to the API), then "Send Email" on the Event it created.
 *
 *   npx tsx scripts/demo-instant-meeting.ts
 *
 * Uses the demo callout secret, which only the embedded stack accepts.
 */
import { readEnv } from '../common/config';
import { DEMO_CONTACTS, DEMO_CREDENTIALS, DEMO_USERS } from '../emulators/demo-org';
import { pressButton } from '../emulators/salesforce/button-requests';

async function main(): Promise<void> {
  const env = readEnv();
  const api = `http://127.0.0.1:${env.API_PORT || 3000}`;
  const secret = env.CALLOUT_SECRET || DEMO_CREDENTIALS.calloutSecret;
  const [contact] = DEMO_CONTACTS;
  const [host] = DEMO_USERS;

  const click = await pressButton(api, secret, 'POST', '/v1/salesforce/instant-meetings', {
    recordId: contact.Id,
    userId: host.salesforceId,
  });
  if (click.status !== 200)
    throw new Error(`Start Zoom Meeting answered ${click.status}: ${JSON.stringify(click.data)}`);
  const { eventId, zoomMeetingId, joinUrl, startUrl } = click.data as Record<string, string>;
  console.log(`Instant meeting ${zoomMeetingId} for ${contact.FirstName} ${contact.LastName}, Event ${eventId}`);
  console.log(`  join URL: ${joinUrl}`);
  console.log(`  start URL received (${startUrl.length} characters; the button opens it, nothing stores it)`);

  const email = await pressButton(api, secret, 'POST', `/v1/events/${eventId}/email`, {
    additionalEmails: ['guest@partner.example'],
  });
  console.log(`Send Email answered ${email.status}:`, JSON.stringify(email.data.recipients ?? email.data));
  console.log(`Read the mail at http://127.0.0.1:${env.MAIL_SINK_WEB_PORT || 8025}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
