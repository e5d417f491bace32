import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DEMO_CREDENTIALS, DEMO_ORG_ID } from '../../emulators/demo-org';
import type { MailSink } from '../../emulators/mail/server';
import { SalesforceClient } from '../../integrations/salesforce/client';
import { createApexStandIn } from '../../preview/apex-stand-in';
import { PROJECT_ROOT, previewBundle } from '../../preview/build';
import { createPreviewServer } from '../../preview/server';
import { API_VERSION, startTestStack, type TestStack } from '../helpers/stack';

/**
 * What the browser tests run against: the product's test stack (Temporal dev server, the Zoom and Salesforce
 * emulators wired to the API, the mail sink; with `worker: true` also the worker, so a click really creates a Zoom
 * meeting, an Event and mail), the preview server with the package's compiled pages, all on free ports; and
 * headless Chromium, the Debian package (`scripts/bootstrap.mjs --browser` installs it), driven by playwright-core.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Where each test's screenshot is kept (git-ignored). */
export const SCREENSHOT_DIR = join(PROJECT_ROOT, 'test-artifacts', 'browser');

export interface PreviewStack {
  previewUrl: string;
  zoomAdminUrl: string;
  salesforce: SalesforceClient;
  mail: MailSink;
  /** The stack under the preview (its API, emulators and Temporal client). */
  stack: TestStack;
  browser: Browser;
  /**
   * A second preview, on the same org, whose Apex stand-in calls an API that is not there (a closed port): the
   * service unreachable, as the org's Named Credential meets it.
   */
  startUnreachablePreview(): Promise<{ previewUrl: string; close(): Promise<void> }>;
  stop(): Promise<void>;
}

/** A loopback port nothing listens on: taken, then given back. */
async function closedPort(): Promise<string> {
  const server = createServer();
  const url = await listenOn(server);
  await new Promise((resolve) => server.close(resolve));
  return url;
}

const listenOn = (server: Server) =>
  new Promise<string>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );

export async function startPreviewStack(options: { worker?: boolean } = {}): Promise<PreviewStack> {
  const bundle = previewBundle();
  const stack = await startTestStack({
    worker: options.worker ? 'in-process' : 'external',
    // Zoom's past-meeting reports are there at once: the pages' tests wait on the browser, not on Zoom.
    zoomEmulator: { pastDataDelayMs: 0 },
  });
  const salesforce = () =>
    new SalesforceClient({
      loginUrl: stack.salesforceUrl,
      clientId: DEMO_CREDENTIALS.salesforce.clientId,
      clientSecret: DEMO_CREDENTIALS.salesforce.clientSecret,
      apiVersion: API_VERSION,
    });
  const previewServer = (apiUrl: string) =>
    createPreviewServer({
      bundle,
      apex: createApexStandIn({
        apiUrl,
        calloutSecret: DEMO_CREDENTIALS.calloutSecret,
        salesforce: salesforce(),
        orgId: DEMO_ORG_ID,
      }),
    });
  const preview = previewServer(stack.apiUrl);
  const previewUrl = await listenOn(preview);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return {
    previewUrl,
    zoomAdminUrl: `${stack.zoomUrl}/_emulator`,
    salesforce: salesforce(),
    mail: stack.mail,
    stack,
    browser,
    async startUnreachablePreview() {
      const unreachable = previewServer(await closedPort());
      return {
        previewUrl: await listenOn(unreachable),
        close: () => new Promise<void>((resolve) => unreachable.close(() => resolve())),
      };
    },
    async stop() {
      await browser.close();
      await new Promise((resolve) => preview.close(resolve));
      await stack.stop();
    },
  };
}

/** Saves the page as `<name>.png` among the test artifacts. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
