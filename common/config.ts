import { readFileSync, existsSync } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';
import { msToNumber } from '@temporalio/common/lib/time';
import { parsePayloadKeys } from './payload-codec';
import type { SentMailboxConfig } from '../integrations/mail/sent-mailbox';

/**
 * Configuration, read once from the environment (and an optional `.env`) and validated at start-up.
 * Each process asks only for the sections it needs, so the API does not demand Zoom credentials.
 * Defaults point at the embedded stack; real Zoom, Salesforce and Temporal Cloud differ only in these values.
 */

const nonEmpty = z.string().trim().min(1);
const port = z.coerce.number().int().min(1).max(65535);
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const temporalSchema = z.object({
  TEMPORAL_ADDRESS: nonEmpty.default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: nonEmpty.default('default'),
  // Its bulk queue is `<name>-bulk` (workflows/task-queues.ts), so the name itself cannot end that way.
  TEMPORAL_TASK_QUEUE: nonEmpty
    .refine((name) => !name.endsWith('-bulk'), 'must not end in "-bulk": that names its bulk queue')
    .default('zoom-salesforce'),
  TEMPORAL_API_KEY: nonEmpty.optional(),
  TEMPORAL_TLS: bool.optional(),
  TEMPORAL_TLS_CERT_PATH: nonEmpty.optional(),
  TEMPORAL_TLS_KEY_PATH: nonEmpty.optional(),
  TEMPORAL_TLS_SERVER_NAME: nonEmpty.optional(),
  /** PEM of a private CA that signed the frontend's certificate (self-hosted mTLS); default: the system's roots. */
  TEMPORAL_TLS_CA_PATH: nonEmpty.optional(),
  /** AES-256 keys of the payload codec, `id:base64`, comma-separated, oldest first (common/payload-codec.ts). */
  PAYLOAD_KEYS: z.string({ error: 'is required: <id>:<base64 of 32 random bytes> (openssl rand -base64 32)' }),
});

const zoomSchema = z.object({
  ZOOM_ACCOUNT_ID: nonEmpty,
  ZOOM_CLIENT_ID: nonEmpty,
  ZOOM_CLIENT_SECRET: nonEmpty,
  ZOOM_API_BASE_URL: z.url().default('https://api.zoom.us/v2'),
  ZOOM_OAUTH_URL: z.url().default('https://zoom.us/oauth/token'),
});

const salesforceSchema = z.object({
  SALESFORCE_LOGIN_URL: z.url(),
  SALESFORCE_CLIENT_ID: nonEmpty,
  SALESFORCE_CLIENT_SECRET: nonEmpty,
  SALESFORCE_API_VERSION: z
    .string()
    .regex(/^\d{2}\.0$/, 'must look like 62.0')
    .default('62.0'),
});

const loggingSchema = z.object({
  LOG_LEVEL: z
    .string()
    .transform((v) => v.toLowerCase())
    .pipe(z.enum(['trace', 'debug', 'info', 'warn', 'error']))
    .default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
});

const mailSchema = z.object({
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL, e.g. smtps://user:password@smtp.example.com:465')
    .optional(),
  MAIL_FROM: nonEmpty.default('Zoom for Salesforce <no-reply@zoom-salesforce.invalid>'),
  /** The sender's Sent mailbox, where a retried send looks for its message first: imaps://user:password@host/Sent */
  IMAP_URL: z.string().trim().optional(),
});

/**
 * Google Calendar (issue 14): a Workspace service account with domain-wide delegation, its JSON key from a file or
 * inline (one of the two). Unset altogether: no calendar sync. The URLs differ only for the emulator.
 */
const googleSchema = z.object({
  GOOGLE_SERVICE_ACCOUNT_KEY_FILE: nonEmpty.optional(),
  GOOGLE_SERVICE_ACCOUNT_JSON: nonEmpty.optional(),
  GOOGLE_CALENDAR_API_BASE_URL: z.url().default('https://www.googleapis.com/'),
  GOOGLE_OAUTH_TOKEN_URL: z.url().default('https://oauth2.googleapis.com/token'),
});

/** A duration such as `1h`, `10m` or `30d` (Temporal's duration strings), in milliseconds. */
const duration = z
  .string()
  .trim()
  .transform((value, context) => {
    try {
      const ms = msToNumber(value as Parameters<typeof msToNumber>[0]);
      if (ms > 0) return ms;
    } catch {
      // reported below
    }
    context.addIssue({
      code: 'custom',
      message: `must be a positive duration such as 1h, 10m or 30d (got "${value}")`,
    });
    return z.NEVER;
  });

const syncSchema = z.object({
  /** How often the hourly sync runs. */
  SYNC_INTERVAL: duration.default(60 * 60_000),
  /** Each run starts this long before the previous run's end. */
  SYNC_OVERLAP: duration.default(10 * 60_000),
  /** How far back the first run, or the first after the toggle is turned on, looks for external meetings. */
  EXTERNAL_LOOKBACK: duration.default(30 * 24 * 60 * 60_000),
  SYNC_HOST_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** Zoom's plan sets the account-wide rate limits the worker paces itself by. */
  ZOOM_PLAN: z.enum(['pro', 'business']).default('pro'),
  /** Whether this worker creates (or updates) the Schedule at start-up. */
  SYNC_SCHEDULE: bool.default(true),
});

/** The worker process: its metrics endpoint, shutdown, tuning and the prebuilt workflow bundle. */
const workerRuntimeSchema = z.object({
  METRICS_HOST: nonEmpty.default('127.0.0.1'),
  /** The SDK's Prometheus endpoint (`/metrics`): its runtime metrics and the product's own. */
  METRICS_PORT: port.default(9464),
  /** How long in-flight activities may finish after SIGTERM; the orchestrator's stop grace period must exceed it. */
  WORKER_SHUTDOWN_GRACE: duration.default(25_000),
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).default(100),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce.number().int().min(2).default(40),
  /**
   * Workflows kept in memory between tasks. The SDK's default is sized from the heap limit (2,310 for a 4 GiB heap):
   * a reconciliation of thousands of stale Events then grew the worker to 3.5 GiB. 250 is twice the workflows a
   * reconciliation keeps busy at once (24 hand-offs a second on Business, each busy a few seconds); an evicted
   * one is replayed from its short history at its next task (README, "The hourly sync and external meetings").
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(250),
  /**
   * The bulk queue's worker (`workflows/task-queues.ts`): fewer workflow-task slots, so a data load cannot take the
   * process's CPU. Its activities mostly wait for Zoom's rate (the client's pacer), so they get as many slots as the
   * interactive queue's: with 50, the reconciliation's Zoom reads queued for a slot (bench:sync, 2,000 stale Events:
   * 116 s at 50, 91 s at 100, 97 s at 200).
   */
  WORKER_BULK_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).default(100),
  WORKER_BULK_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce.number().int().min(2).default(20),
  WORKER_BULK_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(250),
  /** The workflow bundle built at image build (`scripts/build-workflow-bundle.ts`); unset: bundled at start. */
  WORKFLOW_BUNDLE_PATH: nonEmpty.optional(),
  /** Worker Versioning (README, "Upgrading workflows"): the deployment's name; unset: unversioned workers. */
  WORKER_DEPLOYMENT_NAME: nonEmpty.optional(),
  /** This release's build id within the deployment (the image's, e.g. the git commit). */
  WORKER_BUILD_ID: nonEmpty.optional(),
});

const apiSchema = z.object({
  API_PORT: port.default(3000),
  API_HOST: nonEmpty.default('127.0.0.1'),
  CALLOUT_SECRET: z.string().min(16, 'must be at least 16 characters (share it with the org as the callout secret)'),
  /** The Secret Token of the Zoom app's event subscription; unset: no `POST /v1/zoom/webhooks`. */
  ZOOM_WEBHOOK_SECRET_TOKEN: nonEmpty.optional(),
});

/** OpenTelemetry traces (`common/tracing.ts`), off unless an OTLP endpoint is set; the names are OTel's own. */
const tracingSchema = z.object({
  /** The collector's OTLP/HTTP base URL, e.g. `http://otel-collector:4318`; spans go to `<it>/v1/traces`. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http(s):// URL' }).optional(),
  /** Headers for the collector, `key=value` comma-separated (e.g. an API key of a hosted backend). */
  OTEL_EXPORTER_OTLP_HEADERS: z.string().default(''),
  OTEL_SERVICE_NAME: nonEmpty.optional(),
});

/** The codec server (`/codec/encode`, `/codec/decode` on the API) for the Web UI and the CLI. */
const codecSchema = z.object({
  CODEC_AUTH_TOKEN: z.string().min(32, 'must be at least 32 characters (openssl rand -hex 32)').optional(),
  /** Only for an API listening on loopback alone (the embedded stack: its UI cannot send a static token). */
  CODEC_ALLOW_UNAUTHENTICATED: bool.default(false),
  /** Origins of the Web UI allowed to call the codec server from a browser, comma-separated. */
  CODEC_CORS_ORIGINS: z.string().default(''),
  API_HOST: apiSchema.shape.API_HOST,
});

/** The local preview of the org's pages (`npm start`): where it listens and which API its Apex stand-in calls. */
const previewSchema = z.object({
  PREVIEW_PORT: port.default(8080),
  PREVIEW_HOST: nonEmpty.default('127.0.0.1'),
  API_PORT: port.default(3000),
  PREVIEW_API_URL: z.url().optional(),
  CALLOUT_SECRET: apiSchema.shape.CALLOUT_SECRET,
});

export type TemporalConfig = ReturnType<typeof readTemporal>;
export type ZoomConfig = ReturnType<typeof readZoom>;
export type SalesforceConfig = ReturnType<typeof readSalesforce>;
export type ApiConfig = ReturnType<typeof readApi>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

/** The process environment, over the values of `.env` (when present): the environment wins. */
export function readEnv(dotenvPath = '.env', env: Env = process.env): Env {
  const fromFile = existsSync(dotenvPath) ? parseDotenv(readFileSync(dotenvPath)) : {};
  const blanksRemoved = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  return { ...fromFile, ...blanksRemoved };
}

function parse<T extends z.ZodType>(schema: T, env: Env): z.output<T> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
}

function readTemporal(env: Env) {
  const c = parse(temporalSchema, env);
  if ((c.TEMPORAL_TLS_CERT_PATH === undefined) !== (c.TEMPORAL_TLS_KEY_PATH === undefined)) {
    throw new ConfigError(['TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH must be set together']);
  }
  const { keys: payloadKeys, problems } = parsePayloadKeys(c.PAYLOAD_KEYS);
  if (problems.length > 0) throw new ConfigError(problems.map((problem) => `PAYLOAD_KEYS: ${problem}`));
  return {
    address: c.TEMPORAL_ADDRESS,
    namespace: c.TEMPORAL_NAMESPACE,
    taskQueue: c.TEMPORAL_TASK_QUEUE,
    apiKey: c.TEMPORAL_API_KEY,
    tls: c.TEMPORAL_TLS ?? Boolean(c.TEMPORAL_API_KEY || c.TEMPORAL_TLS_CERT_PATH || c.TEMPORAL_TLS_CA_PATH),
    tlsCertPath: c.TEMPORAL_TLS_CERT_PATH,
    tlsKeyPath: c.TEMPORAL_TLS_KEY_PATH,
    tlsServerName: c.TEMPORAL_TLS_SERVER_NAME,
    tlsCaPath: c.TEMPORAL_TLS_CA_PATH,
    payloadKeys,
  };
}

function readZoom(env: Env) {
  const c = parse(zoomSchema, env);
  return {
    accountId: c.ZOOM_ACCOUNT_ID,
    clientId: c.ZOOM_CLIENT_ID,
    clientSecret: c.ZOOM_CLIENT_SECRET,
    apiBaseUrl: c.ZOOM_API_BASE_URL.replace(/\/+$/, ''),
    oauthUrl: c.ZOOM_OAUTH_URL,
  };
}

function readSalesforce(env: Env) {
  const c = parse(salesforceSchema, env);
  return {
    loginUrl: c.SALESFORCE_LOGIN_URL.replace(/\/+$/, ''),
    clientId: c.SALESFORCE_CLIENT_ID,
    clientSecret: c.SALESFORCE_CLIENT_SECRET,
    apiVersion: c.SALESFORCE_API_VERSION,
  };
}

function readApi(env: Env) {
  const c = parse(apiSchema, env);
  return {
    port: c.API_PORT,
    host: c.API_HOST,
    calloutSecret: c.CALLOUT_SECRET,
    zoomWebhookSecretToken: c.ZOOM_WEBHOOK_SECRET_TOKEN,
  };
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

/** The codec server's settings, or undefined when it is off (no token, no loopback exception). */
function readCodec(env: Env) {
  const c = parse(codecSchema, env);
  const corsOrigins = c.CODEC_CORS_ORIGINS.split(',')
    .map((origin) => origin.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  if (c.CODEC_AUTH_TOKEN !== undefined) return { authToken: c.CODEC_AUTH_TOKEN, corsOrigins };
  if (!c.CODEC_ALLOW_UNAUTHENTICATED) return undefined;
  if (!LOOPBACK_HOSTS.has(c.API_HOST)) {
    throw new ConfigError(['CODEC_ALLOW_UNAUTHENTICATED needs API_HOST on loopback; set CODEC_AUTH_TOKEN instead']);
  }
  return { authToken: undefined, corsOrigins };
}
export type CodecConfig = NonNullable<ReturnType<typeof readCodec>>;

/** The tracing settings, or undefined when traces are off (no endpoint). */
function readTracing(env: Env) {
  const c = parse(tracingSchema, env);
  if (c.OTEL_EXPORTER_OTLP_ENDPOINT === undefined) return undefined;
  const headers: Record<string, string> = {};
  for (const pair of c.OTEL_EXPORTER_OTLP_HEADERS.split(',').filter((p) => p.trim())) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new ConfigError(['OTEL_EXPORTER_OTLP_HEADERS: each entry must be key=value']);
    headers[pair.slice(0, at).trim()] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return {
    tracesUrl: `${c.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`,
    headers,
    serviceName: c.OTEL_SERVICE_NAME,
  };
}
export type TracingConfig = NonNullable<ReturnType<typeof readTracing>>;

/** Reads every section and reports all problems at once. */
function readAll<T extends Record<string, (env: Env) => unknown>>(
  readers: T,
  env: Env,
): { [K in keyof T]: ReturnType<T[K]> } {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, read] of Object.entries(readers)) {
    try {
      out[name] = read(env);
    } catch (error) {
      if (error instanceof ConfigError) problems.push(...error.problems);
      else throw error;
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out as { [K in keyof T]: ReturnType<T[K]> };
}

function readSync(env: Env) {
  const c = parse(syncSchema, env);
  // Zoom's report reads at most six months back (shared/reference/zoom-api.md, "Report: a user's past meetings").
  if (c.EXTERNAL_LOOKBACK > 180 * 24 * 60 * 60_000) {
    throw new ConfigError(['EXTERNAL_LOOKBACK: Zoom keeps report data for six months; use 180d or less']);
  }
  if (c.SYNC_OVERLAP >= c.SYNC_INTERVAL) throw new ConfigError(['SYNC_OVERLAP must be shorter than SYNC_INTERVAL']);
  return {
    intervalMs: c.SYNC_INTERVAL,
    overlapMs: c.SYNC_OVERLAP,
    lookbackMs: c.EXTERNAL_LOOKBACK,
    hostConcurrency: c.SYNC_HOST_CONCURRENCY,
    zoomPlan: c.ZOOM_PLAN,
    createSchedule: c.SYNC_SCHEDULE,
  };
}
export type SyncConfig = ReturnType<typeof readSync>;

function readLogging(env: Env) {
  const c = parse(loggingSchema, env);
  return { level: c.LOG_LEVEL, pretty: c.LOG_FORMAT === 'pretty' };
}
export type LoggingConfig = ReturnType<typeof readLogging>;

/** `imaps://user:password@host[:port]/Mailbox` (user, password and mailbox percent-encoded) → its parts. */
export function sentMailboxFrom(value: string): SentMailboxConfig {
  const problem = (why: string) =>
    new ConfigError([
      `IMAP_URL: ${why}, e.g. imaps://user%40example.com:app-password@imap.gmail.com/%5BGmail%5D%2FSent%20Mail`,
    ]);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw problem('must be a URL');
  }
  if (url.protocol !== 'imaps:' && url.protocol !== 'imap:') throw problem('must be an imaps:// or imap:// URL');
  if (!url.username || !url.password) throw problem('must hold the user and password of the sending account');
  const mailbox = decodeURIComponent(url.pathname.slice(1));
  if (!mailbox) throw problem("must end with the Sent mailbox's name");
  const secure = url.protocol === 'imaps:';
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : secure ? 993 : 143,
    secure,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    mailbox,
  };
}

function readMail(env: Env) {
  const c = parse(mailSchema, env);
  if (!c.SMTP_URL) {
    if (c.IMAP_URL) throw new ConfigError(['IMAP_URL needs SMTP_URL: it is the Sent mailbox of the SMTP account']);
    return undefined;
  }
  return {
    smtpUrl: c.SMTP_URL,
    from: c.MAIL_FROM,
    ...(c.IMAP_URL ? { sentMailbox: sentMailboxFrom(c.IMAP_URL) } : {}),
  };
}
export type MailConfig = NonNullable<ReturnType<typeof readMail>>;

const GOOGLE_SETTINGS = [
  'GOOGLE_SERVICE_ACCOUNT_KEY_FILE',
  'GOOGLE_SERVICE_ACCOUNT_JSON',
  'GOOGLE_CALENDAR_API_BASE_URL',
  'GOOGLE_OAUTH_TOKEN_URL',
];

/** The service account's key: read once here, so a missing file or a malformed key stops the worker at start. */
function serviceAccountFrom(json: string, source: string) {
  let key: Record<string, unknown>;
  try {
    key = JSON.parse(json) as Record<string, unknown>;
  } catch {
    throw new ConfigError([`${source}: is not JSON (the key file the Cloud console downloads)`]);
  }
  const { type, client_email: clientEmail, private_key: privateKey, private_key_id: privateKeyId } = key;
  if (type !== 'service_account' || typeof clientEmail !== 'string' || typeof privateKey !== 'string') {
    throw new ConfigError([`${source}: needs type "service_account", client_email and private_key`]);
  }
  return { clientEmail, privateKey, ...(typeof privateKeyId === 'string' ? { privateKeyId } : {}) };
}

/** Google Calendar's settings, or undefined when none is set (the calendar sync is off). */
function readGoogle(env: Env) {
  if (!GOOGLE_SETTINGS.some((name) => env[name]?.trim())) return undefined;
  const c = parse(googleSchema, env);
  if ((c.GOOGLE_SERVICE_ACCOUNT_KEY_FILE === undefined) === (c.GOOGLE_SERVICE_ACCOUNT_JSON === undefined)) {
    throw new ConfigError(['Set one of GOOGLE_SERVICE_ACCOUNT_KEY_FILE and GOOGLE_SERVICE_ACCOUNT_JSON']);
  }
  let json = c.GOOGLE_SERVICE_ACCOUNT_JSON;
  if (c.GOOGLE_SERVICE_ACCOUNT_KEY_FILE !== undefined) {
    if (!existsSync(c.GOOGLE_SERVICE_ACCOUNT_KEY_FILE)) {
      throw new ConfigError([`GOOGLE_SERVICE_ACCOUNT_KEY_FILE: no file at ${c.GOOGLE_SERVICE_ACCOUNT_KEY_FILE}`]);
    }
    json = readFileSync(c.GOOGLE_SERVICE_ACCOUNT_KEY_FILE, 'utf8');
  }
  const source = c.GOOGLE_SERVICE_ACCOUNT_JSON ? 'GOOGLE_SERVICE_ACCOUNT_JSON' : 'GOOGLE_SERVICE_ACCOUNT_KEY_FILE';
  return {
    serviceAccount: serviceAccountFrom(json!, source),
    apiBaseUrl: c.GOOGLE_CALENDAR_API_BASE_URL,
    tokenUrl: c.GOOGLE_OAUTH_TOKEN_URL,
  };
}
export type GoogleConfig = NonNullable<ReturnType<typeof readGoogle>>;

function workerSlots(activities: number, workflowTasks: number, cachedWorkflows: number | undefined) {
  return {
    maxConcurrentActivityTaskExecutions: activities,
    maxConcurrentWorkflowTaskExecutions: workflowTasks,
    ...(cachedWorkflows !== undefined ? { maxCachedWorkflows: cachedWorkflows } : {}),
  };
}

function readWorkerRuntime(env: Env) {
  const c = parse(workerRuntimeSchema, env);
  if ((c.WORKER_DEPLOYMENT_NAME === undefined) !== (c.WORKER_BUILD_ID === undefined)) {
    throw new ConfigError(['WORKER_DEPLOYMENT_NAME and WORKER_BUILD_ID must be set together (Worker Versioning)']);
  }
  return {
    /** The operations port: the SDK's /metrics passed through, /healthz and /readyz (workers/health-server.ts). */
    metricsHost: c.METRICS_HOST,
    metricsPort: c.METRICS_PORT,
    shutdownGraceMs: c.WORKER_SHUTDOWN_GRACE,
    /** Each latency queue's worker (`workflows/task-queues.ts`): the interactive queue's and the bulk queue's. */
    tuning: {
      interactive: workerSlots(
        c.WORKER_MAX_CONCURRENT_ACTIVITIES,
        c.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
        c.WORKER_MAX_CACHED_WORKFLOWS,
      ),
      bulk: workerSlots(
        c.WORKER_BULK_MAX_CONCURRENT_ACTIVITIES,
        c.WORKER_BULK_MAX_CONCURRENT_WORKFLOW_TASKS,
        c.WORKER_BULK_MAX_CACHED_WORKFLOWS,
      ),
    },
    workflowBundlePath: c.WORKFLOW_BUNDLE_PATH,
    deployment:
      c.WORKER_DEPLOYMENT_NAME !== undefined && c.WORKER_BUILD_ID !== undefined
        ? { deploymentName: c.WORKER_DEPLOYMENT_NAME, buildId: c.WORKER_BUILD_ID }
        : undefined,
  };
}
export type WorkerRuntimeConfig = ReturnType<typeof readWorkerRuntime>;

export function loadWorkerConfig(env: Env = readEnv()) {
  return readAll(
    {
      runtime: readWorkerRuntime,
      temporal: readTemporal,
      zoom: readZoom,
      salesforce: readSalesforce,
      mail: readMail,
      google: readGoogle,
      sync: readSync,
      logging: readLogging,
      tracing: readTracing,
    },
    env,
  );
}
export type WorkerConfig = ReturnType<typeof loadWorkerConfig>;

/** The API's Zoom section: undefined without Zoom credentials; with any of them, all of `readZoom` applies. */
function readOptionalZoom(env: Env) {
  const credentials = ['ZOOM_ACCOUNT_ID', 'ZOOM_CLIENT_ID', 'ZOOM_CLIENT_SECRET'];
  return credentials.some((name) => env[name]?.trim()) ? readZoom(env) : undefined;
}

/** The API's Salesforce section (the External Zoom Meetings page): undefined without a login URL. */
function readOptionalSalesforce(env: Env) {
  return env.SALESFORCE_LOGIN_URL?.trim() ? readSalesforce(env) : undefined;
}

export function loadApiConfig(env: Env = readEnv()) {
  return readAll(
    {
      temporal: readTemporal,
      api: readApi,
      codec: readCodec,
      zoom: readOptionalZoom,
      salesforce: readOptionalSalesforce,
      logging: readLogging,
      tracing: readTracing,
    },
    env,
  );
}
export type ApiProcessConfig = ReturnType<typeof loadApiConfig>;

function readPreview(env: Env) {
  const c = parse(previewSchema, env);
  return {
    port: c.PREVIEW_PORT,
    host: c.PREVIEW_HOST,
    apiUrl: (c.PREVIEW_API_URL ?? `http://127.0.0.1:${c.API_PORT}`).replace(/\/+$/, ''),
    calloutSecret: c.CALLOUT_SECRET,
  };
}
export type PreviewConfig = ReturnType<typeof readPreview>;

/** The preview plays the org: it signs the API's requests and reads and writes Salesforce. */
export function loadPreviewConfig(env: Env = readEnv()) {
  return readAll({ preview: readPreview, salesforce: readSalesforce }, env);
}
