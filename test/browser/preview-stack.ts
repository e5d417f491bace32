import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createApiServer } from '../../client/server';
import { DEMO_CREDENTIALS, DEMO_ORG_ID } from '../../emulators/demo-org';
import { createSalesforceEmulator, type SalesforceEmulator } from '../../emulators/salesforce/server';
import { createZoomEmulator, type ZoomEmulator } from '../../emulators/zoom/server';
import { SalesforceClient } from '../../integrations/salesforce/client';
import { ZoomClient } from '../../integrations/zoom/client';
import { createApexStandIn } from '../../preview/apex-stand-in';
import { PROJECT_ROOT, previewBundle } from '../../preview/build';
import { createPreviewServer } from '../../preview/server';
import { createDevServerEnv, uniqueTaskQueue } from '../helpers/temporal';

/**
 * What the browser tests run against: Temporal (the signed requests' replay cache), the Zoom and Salesforce
 * emulators, the API, and the preview server with the package's compiled pages, all on free ports; and headless
 * Chromium, the Debian package (`scripts/bootstrap.mjs --browser` installs it), driven by playwright-core.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Where each test's screenshot is kept (git-ignored). */
export const SCREENSHOT_DIR = join(PROJECT_ROOT, 'test-artifacts', 'browser');

export interface PreviewStack {
  previewUrl: string;
  zoomAdminUrl: string;
  salesforce: SalesforceClient;
  browser: Browser;
  stop(): Promise<void>;
}

const listenOn = (server: Server) =>
  new Promise<string>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );

export async function startPreviewStack(): Promise<PreviewStack> {
  const bundle = previewBundle();
  const env: TestWorkflowEnvironment = await createDevServerEnv();
  const zoomEmulator: ZoomEmulator = createZoomEmulator({ credentials: DEMO_CREDENTIALS.zoom, pastDataDelayMs: 0 });
  const zoomUrl = await zoomEmulator.listen(0, '127.0.0.1');
  const salesforceEmulator: SalesforceEmulator = createSalesforceEmulator({
    clientId: DEMO_CREDENTIALS.salesforce.clientId,
    clientSecret: DEMO_CREDENTIALS.salesforce.clientSecret,
    callout: { url: 'http://127.0.0.1:9/v1/salesforce/events', secret: 'unused', retryDelaysMs: [] },
  });
  const salesforceUrl = await salesforceEmulator.listen(0, '127.0.0.1');
  const salesforceConfig = {
    loginUrl: salesforceUrl,
    clientId: DEMO_CREDENTIALS.salesforce.clientId,
    clientSecret: DEMO_CREDENTIALS.salesforce.clientSecret,
    apiVersion: '62.0',
  };
  const zoom = new ZoomClient({
    ...DEMO_CREDENTIALS.zoom,
    apiBaseUrl: `${zoomUrl}/v2`,
    oauthUrl: `${zoomUrl}/oauth/token`,
  });
  const api: FastifyInstance = createApiServer({
    calloutSecret: DEMO_CREDENTIALS.calloutSecret,
    temporal: env.client,
    taskQueue: uniqueTaskQueue('browser'),
    logger: false,
    externalMeetings: { zoom, salesforce: new SalesforceClient(salesforceConfig) },
  });
  const apiUrl = await api.listen({ port: 0, host: '127.0.0.1' });
  const preview = createPreviewServer({
    bundle,
    apex: createApexStandIn({
      apiUrl,
      calloutSecret: DEMO_CREDENTIALS.calloutSecret,
      salesforce: new SalesforceClient(salesforceConfig),
      orgId: DEMO_ORG_ID,
    }),
  });
  const previewUrl = await listenOn(preview);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return {
    previewUrl,
    zoomAdminUrl: `${zoomUrl}/_emulator`,
    salesforce: new SalesforceClient(salesforceConfig),
    browser,
    async stop() {
      await browser.close();
      await new Promise((resolve) => preview.close(resolve));
      await api.close();
      await salesforceEmulator.close();
      await zoomEmulator.close();
      await env.teardown();
    },
  };
}

/** Saves the page as `<name>.png` among the test artifacts. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
