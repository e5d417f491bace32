/**
 * The whole product in one test process, on real parts: a Temporal dev server, the Zoom, Salesforce and Google
 * Calendar emulators on loopback ports, the HTTP API and a worker with the production activities and clients.
 * Only base URLs and credentials say that Zoom and Salesforce are emulated.
 */
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type Worker } from '@temporalio/worker';
import { type FastifyInstance } from 'fastify';
import { Connection as SalesforceConnection } from 'jsforce';
import { createActivities } from '../../activities';
import { createApiServer } from '../../client/server';
import { createZoomWebhookDeps } from '../../client/zoom-webhooks';
import { createMailSink, senderUrls, type MailSink } from '../../emulators/mail/server';
import { Mailer } from '../../integrations/mail/mailer';
import { SentMailbox } from '../../integrations/mail/sent-mailbox';
import { sentMailboxFrom } from '../../common/config';
import { DEMO_CREDENTIALS } from '../../emulators/demo-org';
import { createSalesforceEmulator } from '../../emulators/salesforce/server';
import { createZoomEmulator } from '../../emulators/zoom/server';
import { createGoogleEmulator } from '../../emulators/google/server';
import { GoogleCalendarClient } from '../../integrations/google/calendar-client';
import { SalesforceClient } from '../../integrations/salesforce/client';
import { ZoomClient } from '../../integrations/zoom/client';
import {
  createLatencyWorkers,
  createZoomQueueWorkers,
  runWorkers,
  zoomQueueRates,
  type ZoomQueueRates,
} from '../../workers/worker';
import { type ZoomPlan } from '../../common/zoom-plan';
import { workflowBundleSources } from '../../workers/workflow-bundle';
import { createDevServerEnv, TEST_DATA_CONVERTER, TEST_PAYLOAD_KEYS, uniqueTaskQueue } from './temporal';
import { captureHistoriesIfAsked } from './replay-capture';

export const API_VERSION = '62.0';
export const ZOOM_WEBHOOK_SECRET = 'test-zoom-webhook-secret-token';

export interface TestStack {
  env: TestWorkflowEnvironment;
  zoom: ReturnType<typeof createZoomEmulator>;
  salesforce: ReturnType<typeof createSalesforceEmulator>;
  /** The hosts' Google calendars (`google.store.eventsOf(email)`). */
  google: ReturnType<typeof createGoogleEmulator>;
  api: FastifyInstance;
  apiUrl: string;
  zoomUrl: string;
  salesforceUrl: string;
  taskQueue: string;
  /** The in-process worker of the interactive queue (the bulk queue's beside it); absent with `worker: 'external'`. */
  worker?: Worker;
  /** The environment `workers/main.ts` needs to serve this stack as a separate process. */
  workerEnv: Record<string, string>;
  zoomClient: ZoomClient;
  mail: MailSink;
  /** A jsforce connection playing a Salesforce user of the org (client-credentials flow against the emulator). */
  sfUser: () => Promise<SalesforceConnection>;
  stop(): Promise<void>;
}

export async function startTestStack(
  options: {
    zoomEmulator?: Partial<Parameters<typeof createZoomEmulator>[0]>;
    /** Pace the worker's Zoom reads, writes and import queue by this plan (benchmarks); tests need no plan's pace. */
    zoomPlan?: ZoomPlan;
    /** The Zoom queues' server-side rates, instead of the plan's (a slowed writes queue holds a bulk's backlog). */
    zoomQueueRates?: ZoomQueueRates;
    /** 'external': no worker in this process; the caller runs `workers/main.ts` with `workerEnv` (chaos suite). */
    worker?: 'in-process' | 'external';
    /** Where the API writes its log lines, at the level `npm run api` logs at; silent without. */
    apiLog?: NodeJS.WritableStream;
  } = {},
): Promise<TestStack> {
  const env = await createDevServerEnv();
  const taskQueue = uniqueTaskQueue('e2e');

  // The worker logs in to send, and to look a retried message up in its Sent mailbox, as at Gmail.
  const mailAccount = DEMO_CREDENTIALS.mail;
  const mail = createMailSink({
    smtpPort: 0,
    webPort: 0,
    imapPort: 0,
    accounts: { [mailAccount.user]: mailAccount.password },
  });
  const { smtpUrl, imapUrl } = senderUrls(await mail.listen(), mailAccount);

  // The API listens first: both emulators call it (the org's trigger, Zoom's webhooks).
  let zoomUrl = '';
  const zoomConfig = () => ({
    ...DEMO_CREDENTIALS.zoom,
    apiBaseUrl: `${zoomUrl}/v2`,
    oauthUrl: `${zoomUrl}/oauth/token`,
  });
  const apiZoom = madeAtFirstUse(() => new ZoomClient(zoomConfig()));
  const api = createApiServer({
    calloutSecret: DEMO_CREDENTIALS.calloutSecret,
    temporal: env.client,
    taskQueue,
    logger: options.apiLog ? { level: 'info', stream: options.apiLog } : false,
    zoom: apiZoom,
    externalMeetings: { zoom: apiZoom, salesforce: madeAtFirstUse(() => new SalesforceClient(salesforceConfig)) },
    zoomWebhooks: createZoomWebhookDeps(ZOOM_WEBHOOK_SECRET, env.client, taskQueue),
  });
  const apiUrl = await api.listen({ port: 0, host: '127.0.0.1' });

  const zoom = createZoomEmulator({
    credentials: DEMO_CREDENTIALS.zoom,
    webhooks: { url: `${apiUrl}/v1/zoom/webhooks`, secretToken: ZOOM_WEBHOOK_SECRET },
    // Zoom publishes past data a while after the end: short here, so the product's wait is exercised.
    pastDataDelayMs: 1500,
    ...options.zoomEmulator,
  });
  zoomUrl = await zoom.listen(0, '127.0.0.1');

  const salesforce = createSalesforceEmulator({
    clientId: DEMO_CREDENTIALS.salesforce.clientId,
    clientSecret: DEMO_CREDENTIALS.salesforce.clientSecret,
    callout: { url: `${apiUrl}/v1/salesforce/events`, secret: DEMO_CREDENTIALS.calloutSecret },
  } as Parameters<typeof createSalesforceEmulator>[0]);
  const salesforceUrl = await salesforce.listen(0, '127.0.0.1');

  const google = createGoogleEmulator();
  const googleUrl = await google.listen(0, '127.0.0.1');
  const googleKey = google.serviceAccountKey;
  const googleConfig = {
    serviceAccount: { clientEmail: googleKey.client_email, privateKey: googleKey.private_key },
    apiBaseUrl: `${googleUrl}/`,
    tokenUrl: `${googleUrl}/token`,
  };

  const salesforceConfig = {
    loginUrl: salesforceUrl,
    clientId: DEMO_CREDENTIALS.salesforce.clientId,
    clientSecret: DEMO_CREDENTIALS.salesforce.clientSecret,
    apiVersion: API_VERSION,
  };
  const mailer = { smtpUrl, from: 'Zoom for Salesforce <no-reply@zoom-salesforce.invalid>' };
  const workerEnv = {
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: taskQueue,
    PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
    ZOOM_ACCOUNT_ID: DEMO_CREDENTIALS.zoom.accountId,
    ZOOM_CLIENT_ID: DEMO_CREDENTIALS.zoom.clientId,
    ZOOM_CLIENT_SECRET: DEMO_CREDENTIALS.zoom.clientSecret,
    ZOOM_API_BASE_URL: `${zoomUrl}/v2`,
    ZOOM_OAUTH_URL: `${zoomUrl}/oauth/token`,
    ZOOM_PLAN: options.zoomPlan ?? 'pro',
    SALESFORCE_LOGIN_URL: salesforceUrl,
    SALESFORCE_CLIENT_ID: salesforceConfig.clientId,
    SALESFORCE_CLIENT_SECRET: salesforceConfig.clientSecret,
    SALESFORCE_API_VERSION: API_VERSION,
    SMTP_URL: mailer.smtpUrl,
    MAIL_FROM: mailer.from,
    IMAP_URL: imapUrl,
    SYNC_SCHEDULE: 'false',
    GOOGLE_SERVICE_ACCOUNT_JSON: JSON.stringify(googleKey),
    GOOGLE_CALENDAR_API_BASE_URL: googleConfig.apiBaseUrl,
    GOOGLE_OAUTH_TOKEN_URL: googleConfig.tokenUrl,
  };
  const workers = options.worker === 'external' ? undefined : await startInProcessWorkers();
  async function startInProcessWorkers() {
    const workflowBundle = await bundleWorkflowCode({
      ...workflowBundleSources(false),
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
    });
    const activities = createActivities({
      zoom: new ZoomClient(zoomConfig(), options.zoomPlan ? { plan: options.zoomPlan } : {}),
      salesforce: new SalesforceClient(salesforceConfig),
      mailer: new Mailer(mailer),
      googleCalendar: new GoogleCalendarClient(googleConfig),
      sentMailbox: new SentMailbox(sentMailboxFrom(imapUrl)),
      temporal: env.client,
      taskQueue,
      ...(options.zoomPlan ? { zoomPlan: options.zoomPlan } : {}),
    });
    const [worker, bulkWorker] = await createLatencyWorkers({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue,
      workflowBundle,
      activities,
      dataConverter: TEST_DATA_CONVERTER,
    });
    const zoomQueueWorkers = await createZoomQueueWorkers({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue,
      activities,
      dataConverter: TEST_DATA_CONVERTER,
      // Without a plan, tests never wait on the queues' rates.
      rates:
        options.zoomQueueRates ??
        (options.zoomPlan ? zoomQueueRates(options.zoomPlan) : { importBatchesPerSecond: 50, writesPerSecond: 1000 }),
    });
    return { worker, run: runWorkers([worker, bulkWorker, ...zoomQueueWorkers]) };
  }

  const sfUser = async () => {
    const conn = new SalesforceConnection({
      oauth2: {
        loginUrl: salesforceUrl,
        clientId: salesforceConfig.clientId,
        clientSecret: salesforceConfig.clientSecret,
      },
      version: API_VERSION,
    });
    await conn.authorize({ grant_type: 'client_credentials' });
    return conn;
  };

  return {
    env,
    zoom,
    salesforce,
    google,
    api,
    apiUrl,
    zoomUrl,
    salesforceUrl,
    taskQueue,
    worker: workers?.worker,
    workerEnv,
    zoomClient: new ZoomClient(zoomConfig()),
    mail,
    sfUser,
    async stop() {
      workers?.worker.shutdown();
      await workers?.run;
      await api.close();
      await salesforce.close();
      await zoom.close();
      await google.close();
      await mail.close();
      await captureHistoriesIfAsked(env.client);
      await env.teardown();
    },
  };
}

/** A client made at its first call: the API is created before the emulators it calls know their URLs. */
function madeAtFirstUse<T extends object>(make: () => T): T {
  let made: T | undefined;
  return new Proxy({} as T, {
    get(_target, key) {
      made ??= make();
      const value: unknown = Reflect.get(made, key);
      return typeof value === 'function' ? value.bind(made) : value;
    },
  });
}

/** Polls until `probe` returns a value (not undefined) or the time runs out. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export type EventRecord = Record<string, string | number | boolean | null>;

/** The Event as a Salesforce user sees it (through jsforce), limited to `fields`. */
export async function readEvent<T = EventRecord>(sf: SalesforceConnection, id: string, fields: string[]): Promise<T> {
  return (await sf.sobject('Event').retrieve(id, { fields } as never)) as unknown as T;
}

/** Polls the Event until `predicate` holds. */
export async function waitForEvent<T = EventRecord>(
  sf: SalesforceConnection,
  id: string,
  fields: string[],
  predicate: (event: T) => boolean,
  what: string,
): Promise<T> {
  return eventually(
    async () => {
      const event = await readEvent<T>(sf, id, fields);
      return predicate(event) ? event : undefined;
    },
    30_000,
    what,
  );
}
