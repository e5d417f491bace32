/**
 * The External Zoom Meetings tab in headless Chromium, rendered by the preview from the package's own component:
 * a date range, Get Details, a participant associated with a Contact, Create Events, and the Event in the org.
 */
import { existsSync } from 'node:fs';
import axios from 'axios';
import type { Locator } from 'playwright-core';
import { DEMO_CONTACTS, DEMO_USERS } from '../../emulators/demo-org';
import { screenshot, startPreviewStack, type PreviewStack } from './preview-stack';

const [ADA] = DEMO_USERS;
const [MARIE, NIELS] = DEMO_CONTACTS;
const DAY = 86_400_000;

let stack: PreviewStack;

beforeAll(async () => {
  stack = await startPreviewStack();
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

/** `lightning-input type="date"` takes dates as the user's locale shows them (en-US here). */
const typedDate = (ms: number) =>
  new Date(ms).toLocaleDateString('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });

test('date range, Get Details, associate a participant, Create Events: the Event is in the org', async () => {
  const started = Date.now() - 3 * DAY;
  const [seeded] = (
    await axios.post(`${stack.zoomAdminUrl}/past-meetings`, [
      {
        host: ADA.email,
        topic: 'Pricing call with Acme',
        startTime: new Date(started).toISOString(),
        endTime: new Date(started + 40 * 60_000).toISOString(),
        participants: [
          { name: 'Ada Lovelace', userId: ADA.zoomId },
          { name: 'Marie Curie' },
          { name: 'Pat Unknown', email: 'pat@elsewhere.example', hideEmail: false },
        ],
      },
    ])
  ).data as { uuid: string }[];

  const page = await stack.browser.newPage({ viewport: { width: 1400, height: 900 } });
  try {
    await page.goto(`${stack.previewUrl}/lightning/n/External_Zoom_Meetings`);
    await page.getByLabel('From').fill(typedDate(Date.now() - 7 * DAY));
    await page.getByLabel('To').fill(typedDate(Date.now()));
    await page.getByRole('button', { name: 'Show Meetings' }).click();

    const row = page.getByRole('row').filter({ hasText: 'Pricing call with Acme' });
    await row.getByRole('button', { name: 'Get Details' }).click();
    const pat = page.getByRole('row').filter({ hasText: 'Pat Unknown' });
    await pat.getByRole('button', { name: 'Associate' }).click();
    await page.getByLabel('Search Contacts and Leads').fill('Bohr');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('button', { name: 'Link Contact Niels Bohr' }).click();
    await expectText(pat, 'Niels Bohr (your choice)');

    await page.getByRole('button', { name: 'Create Events' }).click();
    await expectText(row, 'Event created');
    expect(existsSync(await screenshot(page, 'external-meetings'))).toBe(true);
  } catch (error) {
    await screenshot(page, 'external-meetings-failed');
    throw error;
  } finally {
    await page.close();
  }

  const { records } = await stack.salesforce.query<Record<string, unknown>>(
    `SELECT Id, OwnerId, WhoId, Subject, Zoom_Source__c, Zoom_Match_Notes__c FROM Event WHERE Zoom_Meeting_UUID__c = '${seeded.uuid}'`,
  );
  expect(records).toHaveLength(1);
  expect(records[0]).toMatchObject({
    OwnerId: ADA.salesforceId,
    WhoId: MARIE.Id,
    Subject: 'Pricing call with Acme',
    Zoom_Source__c: 'External',
  });
  expect(records[0].Zoom_Match_Notes__c).toContain(`linked to Contact ${NIELS.Id} by the user's choice`);
  const relations = await stack.salesforce.query<{ RelationId: string }>(
    `SELECT RelationId FROM EventRelation WHERE EventId = '${records[0].Id}'`,
  );
  expect(relations.records.map((r) => r.RelationId)).toContain(NIELS.Id);
});

/** Waits (Playwright's own auto-wait) until the locator shows the text. */
async function expectText(locator: Locator, text: string): Promise<void> {
  await locator.getByText(text).first().waitFor({ timeout: 15_000 });
}
