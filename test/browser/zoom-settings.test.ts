/**
 * The Zoom Settings tab in headless Chromium, rendered by the preview from the package's own component: a rep ticks
 * "Send E-mail to Attendees on Launch" and saves, and the integration reads it back from the emulated org as the
 * worker does (the hierarchy custom setting); a user without a Zoom account is told so plainly.
 */
import { existsSync } from 'node:fs';
import { DEMO_USERS } from '../../emulators/demo-org';
import { screenshot, startPreviewStack, type PreviewStack } from './preview-stack';

const [ADA, , , CHARLES] = DEMO_USERS;

let stack: PreviewStack;

beforeAll(async () => {
  stack = await startPreviewStack();
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

test('a rep turns on Send E-mail to Attendees on Launch: the integration reads it from the org', async () => {
  expect((await stack.salesforce.getZoomSettings(ADA.salesforceId)).sendEmailOnLaunch).toBe(false);
  const page = await stack.browser.newPage({ viewport: { width: 1200, height: 800 } });
  try {
    await page.goto(`${stack.previewUrl}/lightning/n/Zoom_Settings`);
    await page.getByText('Your Salesforce e-mail address has a Zoom account.').waitFor();
    const mine = page.getByRole('region', { name: 'My Settings' });
    // SLDS draws the box over the visually hidden input: a person clicks the label.
    await mine.locator('label', { hasText: 'Send E-mail to Attendees on Launch' }).click();
    await mine.getByRole('checkbox', { name: 'Send E-mail to Attendees on Launch', checked: true }).waitFor();
    await mine.getByRole('button', { name: 'Save My Settings' }).click();
    await page.getByText('Your settings were saved.').waitFor();
    expect(existsSync(await screenshot(page, 'zoom-settings'))).toBe(true);

    await page.reload();
    await page
      .getByRole('region', { name: 'My Settings' })
      .getByRole('checkbox', { name: 'Send E-mail to Attendees on Launch', checked: true })
      .waitFor();
  } catch (error) {
    await screenshot(page, 'zoom-settings-failed');
    throw error;
  } finally {
    await page.close();
  }
  expect(await stack.salesforce.getZoomSettings(ADA.salesforceId)).toEqual({
    sendEmailOnLaunch: true,
    usePmiByDefault: false,
    joinBeforeHostByDefault: false,
    googleCalendarNotifications: false,
  });
});

test('a user whose Salesforce e-mail has no Zoom account reads it plainly', async () => {
  const page = await stack.browser.newPage();
  try {
    await page.goto(`${stack.previewUrl}/lightning/n/Zoom_Settings?user=${CHARLES.salesforceId}`);
    await page.getByRole('status').getByText("is not a user of your company's Zoom account").waitFor();
    await screenshot(page, 'zoom-settings-no-account');
  } finally {
    await page.close();
  }
});
