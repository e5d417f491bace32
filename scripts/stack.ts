/**
 * `npm start`: the whole embedded stack as child processes, started in order, each awaited until ready:
 *
 *   temporal    Temporal dev server (SQLite in .data/, Web UI)   unless TEMPORAL_ADDRESS is set
 *   zoom        Zoom emulator                                    unless ZOOM_API_BASE_URL is set (real Zoom)
 *   salesforce  Salesforce emulator (calls the API back)         unless SALESFORCE_LOGIN_URL is set (real org)
 *   google      Google Calendar emulator                         unless GOOGLE_CALENDAR_API_BASE_URL is set
 *   mail        mail sink (SMTP, web UI, IMAP Sent mailbox)      unless SMTP_URL is set
 *   worker      the Temporal worker (workers/main.ts)
 *   api         the HTTP API (client/main.ts)
 *   preview     the org's pages, rendered from the package's components (preview/main.ts)
 *
 * Each child runs in its own process group, with its output prefixed by a colored name. If one exits unexpectedly,
 * everything stops and the stack exits non-zero with that child's last lines. Ctrl-C / SIGTERM stops the children in
 * reverse order (SIGTERM, up to 10 s, then SIGKILL), Temporal last, and exits 0.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { Connection } from '@temporalio/client';
import { readEnv, type Env } from '../common/config';
import { DEMO_CREDENTIALS } from '../emulators/demo-org';
import { senderUrls } from '../emulators/mail/server';
import { SEARCH_ATTRIBUTES } from '../workflows/messages';
import { PROJECT_ROOT, resolveTemporalCli, SINGLE_PARTITION_QUEUES } from './temporal-binaries';

const STOP_GRACE_MS = 10_000;
const LAST_LINES = 40;

const useColor = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
const paint = (code: number, text: string) => (useColor ? `\x1b[${code}m${text}\x1b[0m` : text);
const bold = (text: string) => paint(1, text);
const dim = (text: string) => paint(2, text);

interface ComponentSpec {
  name: string;
  color: number;
  command: string;
  args: string[];
  /** A file that must exist (entry point), checked before starting. */
  entry?: string;
  /** Ports that must be free before starting. */
  ports: number[];
  /** Resolves true once the component serves. Polled. */
  isReady: (component: RunningComponent) => Promise<boolean>;
  readyTimeoutMs: number;
  /** Runs just before the process starts (after every port check passed). */
  beforeStart?: () => void;
}

interface RunningComponent {
  spec: ComponentSpec;
  child: ChildProcess;
  startedAt: number;
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited: boolean;
  stopping: boolean;
}

class StackError extends Error {}

const NAME_WIDTH = 10;
const log = (message: string) => console.log(`${bold('stack'.padEnd(NAME_WIDTH))} ${dim('|')} ${message}`);

// ----------------------------------------------------------------------------------------------------------------
// Readiness probes

function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function portFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

async function http200(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000), redirect: 'manual' });
    await response.arrayBuffer().catch(() => undefined);
    return response.status === 200;
  } catch {
    return false;
  }
}

/** True once a worker polls `taskQueue` (a poller seen after `since`, so pollers of a previous run don't count). */
async function workerPolling(address: string, namespace: string, taskQueue: string, since: number): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 2_000 });
    const response = await connection.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue },
      taskQueueType: 1, // TASK_QUEUE_TYPE_WORKFLOW
    });
    return (response.pollers ?? []).some((p) => {
      const seconds = Number(p.lastAccessTime?.seconds ?? 0);
      return seconds * 1000 >= since - 1_000;
    });
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

// ----------------------------------------------------------------------------------------------------------------
// Child processes

const running: RunningComponent[] = [];
let shuttingDown = false;

function prefix(spec: ComponentSpec): string {
  return `${paint(spec.color, spec.name.padEnd(NAME_WIDTH))} ${dim('|')} `;
}

function start(spec: ComponentSpec, env: NodeJS.ProcessEnv): RunningComponent {
  const child = spawn(spec.command, spec.args, {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // own process group: we stop it (and its children) as a unit, the terminal's Ctrl-C does not
  });
  const component: RunningComponent = {
    spec,
    child,
    startedAt: Date.now(),
    lines: [],
    hasExited: false,
    stopping: false,
    exited: new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', (error) => {
        component.lines.push(`failed to start: ${error.message}`);
        resolve({ code: 127, signal: null });
      });
    }),
  };
  void component.exited.then(() => {
    component.hasExited = true;
  });
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      component.lines.push(line);
      if (component.lines.length > LAST_LINES) component.lines.shift();
      // A stopping server's warnings about its own connections closing are noise.
      if (component.stopping && /level=(WARN|INFO)/.test(line)) return;
      process.stdout.write(`${prefix(spec)}${line}\n`);
    });
  }
  running.push(component);
  void component.exited.then(({ code, signal }) => {
    if (component.stopping || shuttingDown) return;
    void fail(
      `${spec.name} exited unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`}). Its last lines:\n` +
        component.lines.map((l) => `    ${l}`).join('\n'),
    );
  });
  return component;
}

function signalGroup(component: RunningComponent, signal: NodeJS.Signals): void {
  const pid = component.child.pid;
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal); // the whole process group
  } catch {
    try {
      component.child.kill(signal);
    } catch {
      // already gone
    }
  }
}

async function stop(component: RunningComponent): Promise<void> {
  component.stopping = true;
  if (component.hasExited) {
    signalGroup(component, 'SIGKILL'); // leftovers of the group, if any
    return;
  }
  signalGroup(component, 'SIGTERM');
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), STOP_GRACE_MS).unref());
  if ((await Promise.race([component.exited, timer])) === 'timeout') {
    log(`${component.spec.name} did not stop within ${STOP_GRACE_MS / 1000} s; killing it`);
    signalGroup(component, 'SIGKILL');
    await component.exited;
  }
  signalGroup(component, 'SIGKILL'); // anything the leader left behind in its group
}

/** Reverse start order; the app processes first, then the emulators, Temporal last. */
async function stopAll(): Promise<void> {
  const order = [...running].reverse();
  const temporal = order.filter((c) => c.spec.name === 'temporal');
  const apps = order.filter((c) => c.spec.name === 'api' || c.spec.name === 'worker');
  const others = order.filter((c) => !temporal.includes(c) && !apps.includes(c));
  for (const group of [apps, others, temporal]) await Promise.all(group.map(stop));
}

async function fail(message: string): Promise<never> {
  if (!shuttingDown) {
    shuttingDown = true;
    console.error(`\n${bold('stack'.padEnd(NAME_WIDTH))} ${dim('|')} ${paint(31, 'FAILED')}: ${message}\n`);
    await stopAll();
  }
  process.exit(1);
}

async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  log(`${signal}: stopping ${running.map((c) => c.spec.name).join(', ')}`);
  await stopAll();
  log('stopped');
  process.exit(0);
}

// Last resort: never leave children behind, even on an unexpected crash of this script.
process.on('exit', () => {
  for (const component of running) if (!component.hasExited) signalGroup(component, 'SIGKILL');
});

async function waitReady(component: RunningComponent): Promise<void> {
  const { spec } = component;
  const deadline = Date.now() + spec.readyTimeoutMs;
  while (Date.now() < deadline) {
    if (component.hasExited || shuttingDown) await new Promise(() => undefined); // the exit handler takes over
    if (await spec.isReady(component)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await fail(
    `${spec.name} was not ready within ${spec.readyTimeoutMs / 1000} s. Its last lines:\n` +
      component.lines.map((l) => `    ${l}`).join('\n'),
  );
}

// ----------------------------------------------------------------------------------------------------------------
// The stack

function portFrom(env: Env, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new StackError(`${name} must be a port, got ${value}`);
  return port;
}

function tsxComponent(
  name: string,
  color: number,
  entry: string,
  ports: number[],
  isReady: ComponentSpec['isReady'],
  readyTimeoutMs = 30_000,
): ComponentSpec {
  return {
    name,
    color,
    command: process.execPath,
    args: ['--import', 'tsx', entry],
    entry,
    ports,
    isReady,
    readyTimeoutMs,
  };
}

async function main(): Promise<void> {
  const env = readEnv(join(PROJECT_ROOT, '.env'));
  const host = '127.0.0.1';

  const temporalPort = portFrom(env, 'TEMPORAL_PORT', 7233);
  const temporalUiPort = portFrom(env, 'TEMPORAL_UI_PORT', 8233);
  const zoomPort = portFrom(env, 'ZOOM_EMULATOR_PORT', 4010);
  const salesforcePort = portFrom(env, 'SALESFORCE_EMULATOR_PORT', 4020);
  const googlePort = portFrom(env, 'GOOGLE_EMULATOR_PORT', 4030);
  const smtpPort = portFrom(env, 'MAIL_SINK_SMTP_PORT', 1025);
  const mailWebPort = portFrom(env, 'MAIL_SINK_WEB_PORT', 8025);
  const imapPort = portFrom(env, 'MAIL_SINK_IMAP_PORT', 1143);
  const apiPort = portFrom(env, 'API_PORT', 3000);
  const previewPort = portFrom(env, 'PREVIEW_PORT', 8080);

  const embeddedTemporal = !env.TEMPORAL_ADDRESS;
  const emulateZoom = !env.ZOOM_API_BASE_URL;
  const emulateSalesforce = !env.SALESFORCE_LOGIN_URL;
  const emulateGoogle = !env.GOOGLE_CALENDAR_API_BASE_URL;
  // The emulator's service-account key, made at its start (never committed), for the worker to sign its JWTs with.
  const googleKeyFile = join(PROJECT_ROOT, env.GOOGLE_EMULATOR_KEY_FILE || '.data/google-demo-service-account.json');
  const embeddedMail = !env.SMTP_URL;

  const temporalAddress = embeddedTemporal ? `${host}:${temporalPort}` : env.TEMPORAL_ADDRESS!;
  const namespace = env.TEMPORAL_NAMESPACE || 'default';
  const taskQueue = env.TEMPORAL_TASK_QUEUE || 'zoom-salesforce';

  // What the children see: the environment and .env, plus what points the production code at the emulators.
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    ...env,
    LOG_FORMAT: env.LOG_FORMAT || 'pretty',
    LOG_LEVEL: env.LOG_LEVEL || 'info',
    TEMPORAL_ADDRESS: temporalAddress,
    API_PORT: String(apiPort),
    ...(useColor ? { FORCE_COLOR: '1' } : {}),
  };
  if (embeddedTemporal) {
    Object.assign(childEnv, {
      PAYLOAD_KEYS: env.PAYLOAD_KEYS || DEMO_CREDENTIALS.payloadKeys,
      // The Web UI decodes payloads through the API's codec server; it cannot send a static token, and both listen
      // on loopback only.
      ...(env.CODEC_AUTH_TOKEN
        ? {}
        : { CODEC_ALLOW_UNAUTHENTICATED: 'true', CODEC_CORS_ORIGINS: `http://${host}:${temporalUiPort}` }),
    });
  }
  if (emulateZoom) {
    Object.assign(childEnv, {
      ZOOM_API_BASE_URL: `http://${host}:${zoomPort}/v2`,
      ZOOM_OAUTH_URL: `http://${host}:${zoomPort}/oauth/token`,
      ZOOM_ACCOUNT_ID: DEMO_CREDENTIALS.zoom.accountId,
      ZOOM_CLIENT_ID: DEMO_CREDENTIALS.zoom.clientId,
      ZOOM_CLIENT_SECRET: DEMO_CREDENTIALS.zoom.clientSecret,
      ZOOM_EMULATOR_PORT: String(zoomPort),
      // Zoom's webhooks: the emulator signs them with the app's secret token and posts them to the API.
      ZOOM_WEBHOOK_SECRET_TOKEN: env.ZOOM_WEBHOOK_SECRET_TOKEN || DEMO_CREDENTIALS.zoomWebhookSecretToken,
      ZOOM_EMULATOR_WEBHOOK_URL: `http://${host}:${apiPort}/v1/zoom/webhooks`,
      // Past data (participants, reports) is readable this long after a meeting ends, as in Zoom.
      ZOOM_EMULATOR_PAST_DATA_DELAY_MS: env.ZOOM_EMULATOR_PAST_DATA_DELAY_MS || '5000',
    });
  }
  if (emulateSalesforce) {
    Object.assign(childEnv, {
      SALESFORCE_LOGIN_URL: `http://${host}:${salesforcePort}`,
      SALESFORCE_CLIENT_ID: DEMO_CREDENTIALS.salesforce.clientId,
      SALESFORCE_CLIENT_SECRET: DEMO_CREDENTIALS.salesforce.clientSecret,
      SALESFORCE_EMULATOR_PORT: String(salesforcePort),
      SALESFORCE_EMULATOR_CALLOUT_URL: `http://${host}:${apiPort}/v1/salesforce/events`,
      CALLOUT_SECRET: env.CALLOUT_SECRET || DEMO_CREDENTIALS.calloutSecret,
    });
  }
  if (emulateGoogle) {
    delete childEnv.GOOGLE_SERVICE_ACCOUNT_JSON;
    Object.assign(childEnv, {
      GOOGLE_CALENDAR_API_BASE_URL: `http://${host}:${googlePort}/`,
      GOOGLE_OAUTH_TOKEN_URL: `http://${host}:${googlePort}/token`,
      GOOGLE_SERVICE_ACCOUNT_KEY_FILE: googleKeyFile,
      GOOGLE_EMULATOR_PORT: String(googlePort),
      GOOGLE_EMULATOR_KEY_FILE: googleKeyFile,
    });
  }
  if (embeddedMail) {
    Object.assign(childEnv, {
      // The worker logs in to send and to look a retried message up in its Sent mailbox, as at Gmail.
      ...senderUrls(
        { smtpUrl: `smtp://${host}:${smtpPort}`, imapUrl: `imap://${host}:${imapPort}` },
        DEMO_CREDENTIALS.mail,
      ),
      MAIL_SINK_ACCOUNTS: `${DEMO_CREDENTIALS.mail.user}:${DEMO_CREDENTIALS.mail.password}`,
      MAIL_SINK_SMTP_PORT: String(smtpPort),
      MAIL_SINK_WEB_PORT: String(mailWebPort),
      MAIL_SINK_IMAP_PORT: String(imapPort),
      MAIL_SINK_HOST: host,
    });
  }

  const specs: ComponentSpec[] = [];
  if (embeddedTemporal) {
    const dataDir = join(PROJECT_ROOT, '.data');
    mkdirSync(dataDir, { recursive: true });
    const dbFile = join(dataDir, 'temporal.sqlite');
    specs.push({
      name: 'temporal',
      color: 35,
      // The emulated org lives in memory and numbers new records from 1 on every start, so Event Ids (and thus
      // workflow Ids `meeting-<EventId>`) repeat across runs: a kept database would pair a new Event with an old
      // run's workflow. So with the Salesforce emulator, Temporal starts on a fresh database; the previous run's
      // is kept next to it for a look in the UI (`temporal server start-dev --db-filename` on that copy).
      beforeStart: emulateSalesforce
        ? () => {
            if (!existsSync(dbFile)) return;
            const previous = join(dataDir, 'temporal-previous.sqlite');
            for (const suffix of ['', '-wal', '-shm']) {
              rmSync(previous + suffix, { force: true });
              if (existsSync(dbFile + suffix)) renameSync(dbFile + suffix, previous + suffix);
            }
            log(
              `fresh Temporal database (the Salesforce emulator's org starts empty); last run's kept in ${relative(process.cwd(), previous)}`,
            );
          }
        : undefined,
      command: resolveTemporalCli(),
      // prettier-ignore
      args: [
        'server', 'start-dev',
        '--db-filename', dbFile,
        '--port', String(temporalPort),
        '--ui-port', String(temporalUiPort),
        '--ui-codec-endpoint', `http://${host}:${apiPort}/codec`,
        '--ip', host,
        '--namespace', namespace,
        '--log-level', 'warn',
        '--sqlite-pragma', 'journal_mode=WAL',
        '--sqlite-pragma', 'synchronous=NORMAL',
        ...SINGLE_PARTITION_QUEUES,
        ...SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${cliType(key.type)}`]),
      ],
      ports: [temporalPort, temporalUiPort],
      isReady: async () => (await portOpen(temporalPort)) && (await http200(`http://${host}:${temporalUiPort}/`)),
      readyTimeoutMs: 60_000,
    });
  }
  if (emulateZoom) {
    specs.push(tsxComponent('zoom', 34, 'emulators/zoom/main.ts', [zoomPort], () => portOpen(zoomPort)));
  }
  if (emulateSalesforce) {
    specs.push(
      tsxComponent('salesforce', 36, 'emulators/salesforce/main.ts', [salesforcePort], () => portOpen(salesforcePort)),
    );
  }
  if (emulateGoogle) {
    specs.push({
      ...tsxComponent('google', 93, 'emulators/google/main.ts', [googlePort], async () => {
        return (await portOpen(googlePort)) && existsSync(googleKeyFile);
      }),
      // A key left by an earlier run is not this run's: the worker waits for the new one.
      beforeStart: () => rmSync(googleKeyFile, { force: true }),
    });
  }
  if (embeddedMail) {
    specs.push(
      tsxComponent('mail', 33, 'emulators/mail/main.ts', [smtpPort, mailWebPort, imapPort], async () => {
        return (
          (await portOpen(smtpPort)) && (await portOpen(imapPort)) && (await http200(`http://${host}:${mailWebPort}/`))
        );
      }),
    );
  }
  specs.push(
    tsxComponent(
      'worker',
      32,
      'workers/main.ts',
      [],
      async (component) =>
        component.lines.some((line) => /polling/i.test(line)) ||
        (await workerPolling(temporalAddress, namespace, taskQueue, component.startedAt)),
      120_000,
    ),
  );
  specs.push(tsxComponent('api', 91, 'client/main.ts', [apiPort], () => http200(`http://${host}:${apiPort}/healthz`)));
  // The org's pages, compiled from the package's components (a first build takes up to a minute).
  specs.push(
    tsxComponent(
      'preview',
      95,
      'preview/main.ts',
      [previewPort],
      () => http200(`http://${host}:${previewPort}/`),
      180_000,
    ),
  );

  // Check everything that can be checked before starting anything.
  const missing = specs.filter((s) => s.entry && !existsSync(join(PROJECT_ROOT, s.entry)));
  if (missing.length > 0) {
    throw new StackError(
      `missing entry point(s): ${missing.map((s) => `${s.entry} (${s.name})`).join(', ')}. ` +
        'Is that part of the project checked out / written yet?',
    );
  }
  for (const spec of specs) {
    for (const port of spec.ports) {
      if (!(await portFree(port, host))) {
        throw new StackError(
          `port ${port} on ${host} (needed by ${spec.name}) is already in use: is another stack running? ` +
            'Stop it, or pick other ports in .env (see .env.example).',
        );
      }
    }
  }

  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGHUP', () => void shutdown('SIGHUP'));

  for (const spec of specs) {
    const began = Date.now();
    spec.beforeStart?.();
    log(`starting ${spec.name}: ${dim(describeCommand(spec))}`);
    const component = start(spec, childEnv);
    await waitReady(component);
    log(`${spec.name} ready (${((Date.now() - began) / 1000).toFixed(1)} s)`);
  }

  const rows: [string, string][] = [
    ['HTTP API', `http://${host}:${apiPort}  (GET /healthz, POST /v1/salesforce/events)`],
    ['Preview of the org', `http://${host}:${previewPort}/lightning/n/External_Zoom_Meetings`],
    ['Temporal gRPC', embeddedTemporal ? temporalAddress : `${temporalAddress} (external, TEMPORAL_ADDRESS)`],
    ['Temporal UI', embeddedTemporal ? `http://${host}:${temporalUiPort}` : '(external cluster: its own UI)'],
    [
      'Zoom emulator',
      emulateZoom ? `http://${host}:${zoomPort}  (API /v2)` : `not started (real Zoom: ${env.ZOOM_API_BASE_URL})`,
    ],
    [
      'Salesforce emulator',
      emulateSalesforce ? `http://${host}:${salesforcePort}` : `not started (real org: ${env.SALESFORCE_LOGIN_URL})`,
    ],
    [
      'Google Calendar emulator',
      emulateGoogle
        ? `http://${host}:${googlePort}  (a host's calendar: /_emulator/calendars/<e-mail>/events)`
        : `not started (real Google: ${env.GOOGLE_CALENDAR_API_BASE_URL})`,
    ],
    ['Mail sink (web)', embeddedMail ? `http://${host}:${mailWebPort}` : '(SMTP_URL set: no mail sink)'],
    ['SMTP', embeddedMail ? `smtp://${host}:${smtpPort}` : redactUrl(env.SMTP_URL!)],
    [
      'IMAP (Sent mailbox)',
      embeddedMail
        ? `imap://${host}:${imapPort}/Sent`
        : env.IMAP_URL
          ? redactUrl(env.IMAP_URL, 'IMAP_URL')
          : '(IMAP_URL not set)',
    ],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const temporalCli = relative(process.cwd(), resolveTemporalCliOrFallback()) || 'temporal';
  console.log(
    [
      '',
      bold('The stack is up:'),
      ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`),
      '',
      bold('Try:'),
      ...(emulateSalesforce
        ? [
            `  npx tsx scripts/demo-create-event.ts   ${dim('# a Zoom Event through the Salesforce emulator (jsforce)')}`,
          ]
        : []),
      ...(embeddedMail
        ? [`  curl -s http://${host}:${mailWebPort}/api/messages   ${dim('# mail the integration sent')}`]
        : []),
      ...(emulateGoogle
        ? [
            `  curl -s http://${host}:${googlePort}/_emulator/calendars/ada.lovelace@demo-sales.example/events   ` +
              dim("# Ada's Google calendar (her Google Calendar Notifications setting must be on)"),
          ]
        : []),
      `  ${temporalCli} workflow list --address ${temporalAddress} --namespace ${namespace} ` +
        `--query 'MeetingStatus="Scheduled"'`,
      '',
      dim('Ctrl-C stops everything.'),
      '',
    ].join('\n'),
  );
}

function cliType(type: string): string {
  const names: Record<string, string> = {
    KEYWORD: 'Keyword',
    TEXT: 'Text',
    INT: 'Int',
    DOUBLE: 'Double',
    BOOL: 'Bool',
    DATETIME: 'Datetime',
    KEYWORD_LIST: 'KeywordList',
  };
  const name = names[type.toUpperCase()];
  if (!name) throw new StackError(`search attribute type ${type} has no CLI name`);
  return name;
}

function describeCommand(spec: ComponentSpec): string {
  if (spec.entry) return `tsx ${spec.entry}`;
  const exe = relative(PROJECT_ROOT, spec.command);
  return [exe.startsWith('..') ? spec.command : exe, ...spec.args.slice(0, 2)].join(' ') + ' …';
}

function resolveTemporalCliOrFallback(): string {
  try {
    return resolveTemporalCli();
  } catch {
    return 'temporal';
  }
}

function redactUrl(url: string, name = 'SMTP_URL'): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return `(${name})`;
  }
}

main().catch((error: unknown) =>
  fail(error instanceof StackError || error instanceof Error ? error.message : String(error)),
);
