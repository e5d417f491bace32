/**
 * Entry point of the HTTP API: `npm run api`. Reads the API configuration, connects to Temporal, listens, and
 * shuts down cleanly on SIGINT/SIGTERM (stop accepting requests, let in-flight ones finish, close the connection).
 */
import { ConfigError, loadApiConfig, type ApiProcessConfig } from '../common/config';
import { connectClient } from '../common/temporal-connection';
import { startTracing } from '../common/tracing';
import { tracingClientInterceptors } from '../common/temporal-tracing';
import { SalesforceClient } from '../integrations/salesforce/client';
import { ZoomClient } from '../integrations/zoom/client';
import { createApiServer } from './server';
import { createZoomWebhookDeps } from './zoom-webhooks';
import { AesGcmPayloadCodec } from '../common/payload-codec';

function loadConfigOrExit(): ApiProcessConfig {
  try {
    return loadApiConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const tracing = startTracing(config.tracing, 'zoom-salesforce-api');
  const temporal = await connectClient(config.temporal, tracingClientInterceptors(tracing));
  const { zoomWebhookSecretToken } = config.api;
  const zoom = config.zoom ? new ZoomClient(config.zoom) : undefined;
  const app = createApiServer({
    calloutSecret: config.api.calloutSecret,
    temporal,
    taskQueue: config.temporal.taskQueue,
    logger: {
      level: config.logging.level,
      ...(config.logging.pretty ? { transport: { target: 'pino-pretty', options: { ignore: 'pid,hostname' } } } : {}),
    },
    zoomWebhooks: createZoomWebhookDeps(zoomWebhookSecretToken, temporal, config.temporal.taskQueue),
    // Only for fresh start URLs ("Start Zoom Meeting"); without Zoom credentials that route answers 503.
    zoom,
    // The External Zoom Meetings page reads Zoom's reports and writes Events: it needs both.
    externalMeetings:
      zoom && config.salesforce ? { zoom, salesforce: new SalesforceClient(config.salesforce) } : undefined,
    codec: config.codec && { ...config.codec, codec: new AesGcmPayloadCodec(config.temporal.payloadKeys) },
  });

  let shuttingDown = false;
  const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    app.log.info({ signal }, 'shutting down');
    try {
      await app.close();
      await temporal.connection.close();
      await tracing?.shutdown();
    } catch (error) {
      app.log.error({ errorName: error instanceof Error ? error.name : typeof error }, 'shutdown failed');
      process.exitCode = 1;
    }
  };
  process.once('SIGINT', (signal) => void shutdown(signal));
  process.once('SIGTERM', (signal) => void shutdown(signal));

  const url = await app.listen({ host: config.api.host, port: config.api.port });
  app.log.info(
    {
      url,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      zoomWebhooks: zoomWebhookSecretToken !== undefined,
      zoomApi: config.zoom !== undefined,
      externalMeetings: config.zoom !== undefined && config.salesforce !== undefined,
      codecServer: config.codec ? (config.codec.authToken ? 'bearer token' : 'loopback, no token') : 'off',
      traces: config.tracing ? config.tracing.tracesUrl : 'off',
    },
    'API listening',
  );
}

main().catch((error: unknown) => {
  console.error('API failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
