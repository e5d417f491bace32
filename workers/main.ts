/**
 * Worker process entry: reads and validates the configuration, connects to Temporal, Zoom and Salesforce, checks
 * that the Zoom app has the scopes the worker needs (one log line naming any missing), makes sure the hourly sync's
 * Schedule exists, and runs the meeting workflows, their activities, the rate-limited Zoom writes and the
 * rate-limited external-meeting import until SIGINT/SIGTERM.
 */
import { NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { ConfigError, loadWorkerConfig } from '../common/config';
import { connectClient, nativeConnectionOptions } from '../common/temporal-connection';
import { startTracing } from '../common/tracing';
import { tracingClientInterceptors } from '../common/temporal-tracing';
import { encryptingDataConverter } from '../common/payload-codec';
import { createActivities } from '../activities';
import { createZoomCredentialWatch } from '../activities/zoom-credentials';
import { salesforceApiUsageGauges } from '../activities/product-metrics';
import { ZoomClient } from '../integrations/zoom/client';
import { SalesforceClient } from '../integrations/salesforce/client';
import { Mailer } from '../integrations/mail/mailer';
import { GoogleCalendarClient } from '../integrations/google/calendar-client';
import { SentMailbox } from '../integrations/mail/sent-mailbox';
import { createLatencyWorkers, createZoomQueueWorkers, runWorkers, zoomQueueRates } from './worker';
import { bulkTaskQueue } from '../workflows/task-queues';
import { prebuiltBundle } from './workflow-bundle';
import { ensureSearchAttributes } from './search-attributes';
import { checkZoomScopes } from './zoom-scope-check';
import { ensureHourlySyncSchedule, hourlySyncScheduleOptions } from './hourly-sync-schedule';
import { createWorkerHealthServer, freeLoopbackPort, listen } from './health-server';
import { createWorkerLogging } from './worker-logger';

async function main(): Promise<void> {
  const config = loadWorkerConfig();
  const tracing = startTracing(config.tracing, 'zoom-salesforce-worker');
  // The SDK serves its Prometheus endpoint on a loopback port of its own; the operations port passes it through.
  const sdkMetricsAddress = `127.0.0.1:${await freeLoopbackPort()}`;
  const { logger: log, telemetryLogging } = createWorkerLogging(config.logging);
  Runtime.install({
    logger: log,
    telemetryOptions: {
      logging: telemetryLogging,
      // The SDK's metrics (polls, schedule-to-start, failures) and the product's (activities/product-metrics.ts).
      metrics: { prometheus: { bindAddress: sdkMetricsAddress } },
    },
  });
  const connection = await NativeConnection.connect(await nativeConnectionOptions(config.temporal));
  const workers: Worker[] = [];
  const health = createWorkerHealthServer({
    workers: () => workers,
    temporal: connection,
    sdkMetricsUrl: `http://${sdkMetricsAddress}/metrics`,
  });
  const { metricsHost, metricsPort } = config.runtime;
  await listen(health, metricsHost, metricsPort);
  const client = await connectClient(config.temporal, tracingClientInterceptors(tracing));
  await ensureSearchAttributes(connection, config.temporal.namespace, (message) => log.warn(message));
  if (!config.mail) log.warn('SMTP_URL is not set: attendee e-mails will fail until it is.');
  else if (!config.mail.sentMailbox)
    log.warn('IMAP_URL is not set: a worker crash mid-send may repeat the one e-mail in flight.');
  const { taskQueue, namespace } = config.temporal;
  const zoom = new ZoomClient(config.zoom, {
    plan: config.sync.zoomPlan,
    credentialWatch: createZoomCredentialWatch((line) => log.error(line), Runtime.instance().metricMeter),
  });
  await checkZoomScopes(zoom, (line) => log.error(line));
  const activities = createActivities({
    zoom,
    salesforce: new SalesforceClient(config.salesforce, {
      onApiUsage: salesforceApiUsageGauges(Runtime.instance().metricMeter),
    }),
    ...(config.mail ? { mailer: new Mailer(config.mail) } : {}),
    ...(config.google ? { googleCalendar: new GoogleCalendarClient(config.google) } : {}),
    ...(config.mail?.sentMailbox ? { sentMailbox: new SentMailbox(config.mail.sentMailbox) } : {}),
    temporal: client,
    taskQueue,
    zoomPlan: config.sync.zoomPlan,
  });
  if (config.sync.createSchedule) {
    // Background work: the hourly runs and their host children take the bulk queue's slots, not a rep's.
    const scheduleOptions = hourlySyncScheduleOptions(bulkTaskQueue(taskQueue), config.sync);
    const outcome = await ensureHourlySyncSchedule(client, scheduleOptions);
    log.info(`Schedule zoom-hourly-sync ${outcome} (every ${config.sync.intervalMs / 60_000} min)`);
  }
  const dataConverter = encryptingDataConverter(config.temporal.payloadKeys);
  const { workflowBundlePath, shutdownGraceMs, tuning: concurrency, deployment } = config.runtime;
  const tuning = {
    interactive: { ...concurrency.interactive, shutdownGraceTime: shutdownGraceMs },
    bulk: { ...concurrency.bulk, shutdownGraceTime: shutdownGraceMs },
  };
  workers.push(
    ...(await createLatencyWorkers({
      connection,
      namespace,
      taskQueue,
      activities,
      dataConverter,
      tuning,
      tracing,
      deployment,
      // The image's bundle, built once at image build; without it (npm start, tests) the source is bundled here.
      ...(workflowBundlePath ? { workflowBundle: prebuiltBundle(workflowBundlePath, tracing !== undefined) } : {}),
    })),
    ...(await createZoomQueueWorkers({
      connection,
      namespace,
      taskQueue,
      activities,
      dataConverter,
      // Only the shutdown grace: these workers run activities under the server's rate.
      tuning: tuning.interactive,
      tracing,
      deployment,
      rates: zoomQueueRates(config.sync.zoomPlan),
    })),
  );
  if (deployment)
    log.info(`Worker Versioning: deployment "${deployment.deploymentName}", build "${deployment.buildId}"`);
  log.info(`Worker polling task queues "${taskQueue}" and "${bulkTaskQueue(taskQueue)}" on ${config.temporal.address}`);
  log.info(`Worker metrics at http://${metricsHost}:${metricsPort}/metrics (probes: /healthz, /readyz)`);
  if (config.tracing) log.info(`Worker traces to ${config.tracing.tracesUrl}`);
  try {
    await runWorkers(workers);
  } finally {
    await client.connection.close();
    await connection.close();
    await tracing?.shutdown();
    health.close();
  }
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
