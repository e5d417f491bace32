/**
 * Bad input and errors on the org's pages in headless Chromium (issue 13 §7): each page shows a plain message and
 * keeps what the user typed when the range is invalid, the user has no Zoom account, the service is unreachable
 * (a second preview whose Apex stand-in calls a closed port, as the org's Named Credential would meet it), or a
 * Create Events partly fails (each row its own result).
 */
import axios from 'axios';
import type { Page } from 'playwright-core';
import { DEMO_CONTACTS, DEMO_USERS } from '../../emulators/demo-org';
import { screenshot, startPreviewStack, type PreviewStack } from './preview-stack';

const [ADA, , , CHARLES] = DEMO_USERS;
const [MARIE, NIELS] = DEMO_CONTACTS;
const DAY = 86_400_000;
const UNREACHABLE = 'The Zoom integration could not be reached. Try again in a minute.';

let stack: PreviewStack;
let unreachable: { previewUrl: string; close(): Promise<void> };

beforeAll(async () => {
  stack = await startPreviewStack();
  unreachable = await stack.startUnreachablePreview();
}, 240_000);

afterAll(async () => {
  await unreachable?.close();
  await stack?.stop();
});

/** `lightning-input type="date"` takes dates as the user's locale shows them (en-US here). */
const typedDate = (ms: number) =>
  new Date(ms).toLocaleDateString('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });

/** Runs `steps` on a fresh page; a failure leaves a screenshot named after the test. */
async function onPage(name: string, steps: (page: Page) => Promise<void>): Promise<void> {
  const page = await stack.browser.newPage({ viewport: { width: 1200, height: 800 }, locale: 'en-US' });
  try {
    await steps(page);
    await screenshot(page, name);
  } catch (error) {
    await screenshot(page, `${name}-failed`);
    throw error;
  } finally {
    await page.close();
  }
}

test('External Zoom Meetings: a reversed range, or one longer than Zoom reads, is refused plainly; the dates stay', async () => {
  await onPage('bad-input-range', async (page) => {
    await page.goto(`${stack.previewUrl}/lightning/n/External_Zoom_Meetings`);
    await page.getByLabel('From').fill('Nov 20, 2026');
    await page.getByLabel('To').fill('Nov 10, 2026');
    await page.getByRole('button', { name: 'Show Meetings' }).click();
    await page.getByRole('alert').getByText('From must be on or before To.').waitFor();
    expect(await page.getByLabel('From').inputValue()).toBe('Nov 20, 2026');
    expect(await page.getByLabel('To').inputValue()).toBe('Nov 10, 2026');

    await page.getByLabel('From').fill('Oct 1, 2026');
    await page.getByLabel('To').fill('Nov 1, 2026');
    await page.getByRole('button', { name: 'Show Meetings' }).click();
    await page
      .getByRole('alert')
      .getByText(/Zoom reports at most one month at a time/)
      .waitFor();
    expect(await page.getByLabel('From').inputValue()).toBe('Oct 1, 2026');
  });
});

test('External Zoom Meetings: a user without a Zoom account reads why', async () => {
  await onPage('bad-input-no-zoom-account', async (page) => {
    await page.goto(`${stack.previewUrl}/lightning/n/External_Zoom_Meetings?user=${CHARLES.salesforceId}`);
    await page.getByRole('alert').getByText("is not a user of your company's Zoom account").waitFor();
  });
});

test('service unreachable: External Zoom Meetings says so and keeps the range typed', async () => {
  await onPage('unreachable-external-meetings', async (page) => {
    await page.goto(`${unreachable.previewUrl}/lightning/n/External_Zoom_Meetings`);
    await page.getByRole('alert').getByText(UNREACHABLE).waitFor();
    const from = typedDate(Date.now() - 7 * DAY);
    await page.getByLabel('From').fill(from);
    await page.getByRole('button', { name: 'Show Meetings' }).click();
    await page.getByRole('alert').getByText(UNREACHABLE).waitFor();
    expect(await page.getByLabel('From').inputValue()).toBe(from);
  });
});

test('service unreachable: Zoom Settings says the account could not be checked', async () => {
  await onPage('unreachable-zoom-settings', async (page) => {
    await page.goto(`${unreachable.previewUrl}/lightning/n/Zoom_Settings`);
    await page
      .getByRole('status')
      .getByText(/could not be checked/)
      .waitFor();
    await page.getByRole('region', { name: 'My Settings' }).waitFor();
  });
});

test('service unreachable: Start Zoom Meeting on a Contact keeps the topic and says why', async () => {
  await onPage('unreachable-start-zoom-meeting', async (page) => {
    await page.goto(`${unreachable.previewUrl}/lightning/r/Contact/${MARIE.Id}/view`);
    await page.getByRole('button', { name: 'Start Zoom Meeting' }).click();
    const action = page.getByRole('dialog', { name: 'Start Zoom Meeting' });
    await action.getByLabel('Topic').fill('Renewal');
    await action.getByRole('button', { name: 'Start Meeting' }).click();
    await action.getByRole('alert').getByText(UNREACHABLE).waitFor();
    expect(await action.getByLabel('Topic').inputValue()).toBe('Renewal');
  });
});

test('service unreachable: the Event page and the composer keep the typed addresses and say why', async () => {
  const [created] = await stack.salesforce.createRecords('Event', [
    {
      OwnerId: ADA.salesforceId,
      WhoId: MARIE.Id,
      Subject: 'Pricing call',
      StartDateTime: '2026-12-20T16:00:00.000Z',
      EndDateTime: '2026-12-20T16:30:00.000Z',
      Zoom_Meeting_Id__c: '85746065432',
      Zoom_Join_URL__c: 'https://zoom.example/j/85746065432',
      Zoom_Status__c: 'Scheduled',
    },
  ]);
  expect(created.success).toBe(true);
  for (const path of [
    `/lightning/r/Event/${created.id}/view`,
    `/lightning/cmp/c__zoomEmailComposer?c__eventId=${created.id}`,
  ]) {
    await onPage(`unreachable-send-email-${path.includes('cmp') ? 'composer' : 'event'}`, async (page) => {
      await page.goto(unreachable.previewUrl + path);
      const box = page.getByLabel('Additional attendee e-mails');
      await box.fill('pierre.curie@acme.example');
      await page.getByRole('button', { name: 'Send Email' }).click();
      await page.getByRole('alert').getByText(UNREACHABLE).waitFor();
      expect(await box.inputValue()).toBe('pierre.curie@acme.example');
    });
  }
  expect(stack.mail.messages()).toEqual([]);
});

test('Create Events partly fails: each row says its own result, the failed one stays selected with its link', async () => {
  const started = Date.now() - 2 * DAY;
  const meeting = (topic: string, offset: number) => ({
    host: ADA.email,
    topic,
    startTime: new Date(started + offset).toISOString(),
    endTime: new Date(started + offset + 30 * 60_000).toISOString(),
    participants: [
      { name: 'Ada Lovelace', userId: ADA.zoomId },
      { name: 'Pat Unknown', email: 'pat@elsewhere.example', hideEmail: false },
    ],
  });
  await axios.post(`${stack.zoomAdminUrl}/past-meetings`, [
    meeting('Kickoff with Acme', 0),
    meeting('Follow-up with Acme', 3_600_000),
  ]);
  await onPage('bad-input-create-partly-fails', async (page) => {
    await page.goto(`${stack.previewUrl}/lightning/n/External_Zoom_Meetings`);
    const kickoff = page.getByRole('row').filter({ hasText: 'Kickoff with Acme' });
    const followUp = page.getByRole('row').filter({ hasText: 'Follow-up with Acme' });
    // SLDS draws the box over the visually hidden input: a person clicks the box's label.
    await kickoff.locator('label').first().click();
    await kickoff.getByRole('checkbox', { name: 'Select Kickoff with Acme', checked: true }).waitFor();
    await followUp.getByRole('button', { name: 'Get Details' }).click();
    await page.getByRole('row').filter({ hasText: 'Pat Unknown' }).getByRole('button', { name: 'Associate' }).click();
    await page.getByLabel('Search Contacts and Leads').fill('Bohr');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('button', { name: 'Link Contact Niels Bohr' }).click();
    // Meanwhile Niels Bohr is handed to another rep: the chosen link is no longer the host's to make.
    const [moved] = await stack.salesforce.updateRecords('Contact', [{ Id: NIELS.Id, OwnerId: CHARLES.salesforceId }]);
    expect(moved.success).toBe(true);

    await page.getByRole('button', { name: 'Create Events' }).click();
    await kickoff.getByText('Event created').waitFor({ timeout: 15_000 });
    await followUp
      .getByText("A Contact or Lead chosen for this meeting is no longer one of the host's: choose again")
      .waitFor();
    expect(await kickoff.getByRole('checkbox').isChecked()).toBe(false);
    expect(await followUp.getByRole('checkbox').isChecked()).toBe(true);
  });
});
