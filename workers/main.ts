/**
 * Worker process entry: reads and validates the configuration, connects to Temporal, Zoom and Salesforce, and
 * runs the meeting workflows and their activities until SIGINT/SIGTERM.
 */
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { ConfigError, loadWorkerConfig, type LoggingConfig } from '../common/config';
import { nativeConnectionOptions } from '../common/temporal-connection';
import { createActivities } from '../activities';
import { ZoomClient } from '../integrations/zoom/client';
import { SalesforceClient } from '../integrations/salesforce/client';
import { Mailer } from '../integrations/mail/mailer';
import { createWorker } from './worker';
import { ensureSearchAttributes } from './search-attributes';

async function main(): Promise<void> {
  const config = loadWorkerConfig();
  Runtime.install({
    logger: new DefaultLogger(config.logging.level.toUpperCase() as Uppercase<LoggingConfig['level']>),
  });
  const connection = await NativeConnection.connect(await nativeConnectionOptions(config.temporal));
  await ensureSearchAttributes(connection, config.temporal.namespace, (message) => console.warn(message));
  if (!config.mail) console.warn('SMTP_URL is not set: attendee e-mails will fail until it is.');
  const activities = createActivities({
    zoom: new ZoomClient(config.zoom),
    salesforce: new SalesforceClient(config.salesforce),
    ...(config.mail ? { mailer: new Mailer(config.mail) } : {}),
  });
  const worker = await createWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities,
  });
  console.log(`Worker polling task queue "${config.temporal.taskQueue}" on ${config.temporal.address}`);
  try {
    await worker.run();
  } finally {
    await connection.close();
  }
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
