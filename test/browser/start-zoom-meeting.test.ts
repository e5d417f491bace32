/**
 * "Start Zoom Meeting" on a Contact in headless Chromium, against the whole stack with a worker: the quick action
 * starts a real (emulated) Zoom meeting and opens it, the integration records the Event, and, the host's "Send
 * E-mail to Attendees on Launch" being on, the user lands on the e-mail composer with the Contact filled in, adds an
 * address, presses Send Email, and both mails are in the mail sink.
 */
import { existsSync } from 'node:fs';
import { DEMO_CONTACTS, DEMO_USERS } from '../../emulators/demo-org';
import { screenshot, startPreviewStack, type PreviewStack } from './preview-stack';

const [ADA] = DEMO_USERS;
const [MARIE] = DEMO_CONTACTS;
const TOPIC = 'Renewal with Acme';

let stack: PreviewStack;

beforeAll(async () => {
  stack = await startPreviewStack({ worker: true });
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

test('Start Zoom Meeting on a Contact, the composer, Send Email: the mail is in the sink', async () => {
  const [settings] = await stack.salesforce.createRecords('Zoom_Settings__c', [
    { SetupOwnerId: ADA.salesforceId, Send_Email_On_Launch__c: true },
  ]);
  expect(settings.success).toBe(true);

  const page = await stack.browser.newPage({ viewport: { width: 1200, height: 800 } });
  // Zoom's own start page is not part of this test: the tab's request is answered here.
  const startPage = /\/s\/\d+\?zak=/;
  await page.context().route(startPage, (route) => route.fulfill({ contentType: 'text/html', body: 'Zoom' }));
  try {
    await page.goto(`${stack.previewUrl}/lightning/r/Contact/${MARIE.Id}/view`);
    await page.getByRole('heading', { name: 'Contact: Marie Curie' }).waitFor();
    await page.getByRole('button', { name: 'Start Zoom Meeting' }).click();
    const action = page.getByRole('dialog', { name: 'Start Zoom Meeting' });
    await action.getByLabel('Topic').fill(TOPIC);
    const meetingTab = page.waitForEvent('popup');
    await action.getByRole('button', { name: 'Start Meeting' }).click();

    // The meeting opens in a tab of its own, at Zoom's start URL for the host.
    const zoomTab = await meetingTab;
    await zoomTab.waitForURL(startPage, { timeout: 30_000 });
    await zoomTab.close();

    await page.waitForURL(/\/lightning\/cmp\/c__zoomEmailComposer\?c__eventId=00U\w+/, { timeout: 30_000 });
    const eventId = new URL(page.url()).searchParams.get('c__eventId')!;
    const recipients = page.getByRole('region', { name: 'Recipients' });
    await recipients.getByText('Marie Curie <marie.curie@acme.example> (Contact)').waitFor();
    await page.getByText(`Meeting: ${TOPIC}`).waitFor();
    await page.getByLabel('Additional attendee e-mails').fill('pierre.curie@acme.example');
    await page.getByRole('button', { name: 'Send Email' }).click();
    await page.getByRole('status').getByText('Sent to 2 of 2 recipients.').waitFor({ timeout: 30_000 });
    expect(existsSync(await screenshot(page, 'start-zoom-meeting-composer'))).toBe(true);

    const { records } = await stack.salesforce.query<{ WhoId: string; OwnerId: string; Zoom_Join_URL__c: string }>(
      `SELECT WhoId, OwnerId, Zoom_Join_URL__c FROM Event WHERE Id = '${eventId}'`,
    );
    expect(records).toEqual([
      expect.objectContaining({ WhoId: MARIE.Id, OwnerId: ADA.salesforceId, Zoom_Join_URL__c: expect.any(String) }),
    ]);
  } catch (error) {
    await screenshot(page, 'start-zoom-meeting-failed');
    throw error;
  } finally {
    await page.close();
  }

  const invitations = stack.mail.messages().filter((m) => m.subject === `Invitation: ${TOPIC}`);
  expect(invitations.flatMap((m) => m.envelope.to).sort()).toEqual([
    'marie.curie@acme.example',
    'pierre.curie@acme.example',
  ]);
});
