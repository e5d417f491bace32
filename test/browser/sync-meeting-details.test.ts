/**
 * "Sync Meeting Details" on an ended meeting's Event in headless Chromium, against the whole stack with a worker:
 * the meeting is held and ended in (emulated) Zoom while its webhooks are held back, so the Event still says
 * Scheduled; the button reads the outcome from Zoom, writes it to the Event, and the page shows it.
 */
import { existsSync } from 'node:fs';
import axios from 'axios';
import type { Connection } from 'jsforce';
import { DEMO_CONTACTS, DEMO_USERS } from '../../emulators/demo-org';
import { waitForEvent } from '../helpers/stack';
import { screenshot, startPreviewStack, type PreviewStack } from './preview-stack';

const [ADA] = DEMO_USERS;
const [MARIE] = DEMO_CONTACTS;
const MINUTE = 60_000;

let stack: PreviewStack;
let sf: Connection;

beforeAll(async () => {
  stack = await startPreviewStack({ worker: true });
  sf = await stack.stack.sfUser();
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

const zoomAdmin = (path: string, body: unknown = {}) => axios.post(`${stack.zoomAdminUrl}/${path}`, body);

test('Sync Meeting Details on an ended meeting writes its outcome to the Event and shows it', async () => {
  const start = Math.floor(Date.now() / MINUTE) * MINUTE + 5 * MINUTE;
  const created = await sf.sobject('Event').create({
    Subject: 'Quarterly review',
    StartDateTime: new Date(start).toISOString(),
    EndDateTime: new Date(start + 30 * MINUTE).toISOString(),
    OwnerId: ADA.salesforceId,
    WhoId: MARIE.Id,
    Make_Zoom_Meeting__c: true,
  });
  expect(created.success).toBe(true);
  const eventId = created.id!;
  const fields = ['Zoom_Status__c', 'Zoom_Meeting_Id__c', 'Zoom_Participant_Count__c'];
  const scheduled = await waitForEvent(sf, eventId, fields, (e) => e.Zoom_Status__c === 'Scheduled', 'scheduled');

  // Held in Zoom with its webhooks held back: the integration learns of it only from the button.
  await zoomAdmin('webhooks/pause');
  const meeting = `meetings/${scheduled.Zoom_Meeting_Id__c}`;
  const t0 = Date.now() - 40 * MINUTE;
  const at = (minutes: number) => new Date(t0 + minutes * MINUTE).toISOString();
  await zoomAdmin(`${meeting}/start`, { at: at(0) });
  await zoomAdmin(`${meeting}/participants`, [
    { name: 'Ada Lovelace', userId: ADA.zoomId, joinTime: at(0) },
    { name: 'Marie Curie', email: MARIE.Email, hideEmail: false, joinTime: at(2) },
  ]);
  await zoomAdmin(`${meeting}/end`, { at: at(32) });

  const page = await stack.browser.newPage({ viewport: { width: 1200, height: 900 } });
  try {
    await page.goto(`${stack.previewUrl}/lightning/r/Event/${eventId}/view`);
    await page.getByText('Status: Scheduled').waitFor();
    await page.getByRole('button', { name: 'Sync Meeting Details' }).click();
    await page.getByText('Status: Ended').waitFor({ timeout: 30_000 });
    const outcome = page.getByLabel('Meeting outcome');
    await outcome.getByText('32 minutes').waitFor();
    await outcome.getByText('Yes').waitFor();
    await page
      .getByRole('status')
      .getByText(/Meeting details synced: \d+ fields? updated from Zoom\./)
      .waitFor();
    expect(existsSync(await screenshot(page, 'sync-meeting-details'))).toBe(true);
  } catch (error) {
    await screenshot(page, 'sync-meeting-details-failed');
    throw error;
  } finally {
    await page.close();
    await zoomAdmin('webhooks/resume');
  }

  const synced = await sf.sobject('Event').retrieve(eventId, { fields } as never);
  expect(synced).toMatchObject({ Zoom_Status__c: 'Ended', Zoom_Participant_Count__c: 2 });
});
