/**
 * Entry point of the local preview (`npm start` runs it): compiles the org's pages (or reuses the last build),
 * then serves them on PREVIEW_PORT, with the Apex stand-in signing and calling the API and using the org.
 */
import { ConfigError, loadPreviewConfig } from '../common/config';
import { DEMO_ORG_ID } from '../emulators/demo-org';
import { SalesforceClient } from '../integrations/salesforce/client';
import { createApexStandIn } from './apex-stand-in';
import { previewBundle } from './build';
import { createPreviewServer } from './server';

async function main(): Promise<void> {
  let config;
  try {
    config = loadPreviewConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const started = Date.now();
  const bundle = previewBundle();
  console.log(`pages compiled (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  const server = createPreviewServer({
    bundle,
    apex: createApexStandIn({
      apiUrl: config.preview.apiUrl,
      calloutSecret: config.preview.calloutSecret,
      salesforce: new SalesforceClient(config.salesforce),
      orgId: DEMO_ORG_ID,
    }),
    onError: (method, error) =>
      console.error(`${method} failed: ${error instanceof Error ? error.name : typeof error}`),
  });
  server.listen(config.preview.port, config.preview.host, () =>
    console.log(`preview on http://${config.preview.host}:${config.preview.port}/lightning/n/External_Zoom_Meetings`),
  );
  const stop = () => server.close(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error('preview failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
