/**
 * The launch e-mail survives a kill -9 of the worker mid-send without mailing anyone twice: a real worker process
 * (test/helpers/launch-email-worker.ts) sends through SMTP to the mail sink, is killed between two sends, or just
 * after the mail server accepted a message and before the activity completed, and a new worker finishes. The sink
 * must hold exactly one message per attendee. (Heartbeats cannot promise this: the SDK sends them at most every
 * 0.8 × the heartbeat timeout, so a retry repeats the sends since the last one. The message accepted in the instant
 * before the crash is found in the sender's Sent mailbox over IMAP by the retry.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { createMailSink, senderUrls, type MailSink } from '../../emulators/mail/server';
import type { MeetingPlan } from '../../domain/meeting-plan';
import { meetingStateQuery, meetingWorkflowId, zoomEventSignal, type MeetingState } from '../../workflows/messages';
import type { meetingWorkflow } from '../../workflows/meeting';
import { createDevServerEnv, TEST_DATA_CONVERTER, uniqueTaskQueue } from '../helpers/temporal';
import { LAUNCH_ATTENDEES, launchEmailWorker } from '../helpers/launch-email-worker';

let env: TestWorkflowEnvironment;
let sink: MailSink;
let smtpUrl: string;
let imapUrl: string;
/** The sender's account at the mail server: its SMTP login, and its Sent mailbox over IMAP. */
const SENDER = { user: 'zoom-sync@demo-sales.example', password: 'launch-mail-password' };
let bundlePath: string;
let workflowCode: string;
let child: ChildProcess | undefined;

beforeAll(async () => {
  env = await createDevServerEnv();
  sink = createMailSink({ smtpPort: 0, webPort: 0, imapPort: 0, accounts: { [SENDER.user]: SENDER.password } });
  ({ smtpUrl, imapUrl } = senderUrls(await sink.listen(), SENDER));
  ({ code: workflowCode } = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows') }));
  bundlePath = join(mkdtempSync(join(tmpdir(), 'launch-email-')), 'workflows.js');
  writeFileSync(bundlePath, workflowCode);
}, 120_000);

afterAll(async () => {
  child?.kill('SIGKILL');
  await sink?.close();
  await env?.teardown();
});

/** Starts the worker process; resolves once it polls, and calls `onLine` with each line it prints. */
async function startWorkerProcess(
  taskQueue: string,
  onLine: (line: string) => void,
  extraEnv: Record<string, string> = {},
): Promise<ChildProcess> {
  // One process (no tsx wrapper process), so that the kill reaches the worker itself.
  const proc = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/launch-email-worker.ts'], {
    env: {
      ...process.env,
      LAUNCH_WORKER_TEMPORAL_ADDRESS: env.address,
      LAUNCH_WORKER_TASK_QUEUE: taskQueue,
      LAUNCH_WORKER_WORKFLOW_BUNDLE: bundlePath,
      LAUNCH_WORKER_SMTP_URL: smtpUrl,
      LAUNCH_WORKER_IMAP_URL: imapUrl,
      LAUNCH_WORKER_SEND_DELAY_MS: '400',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`The worker process exited (${code})`)));
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      if (line === 'ready') resolve();
      onLine(line);
    });
  });
  return proc;
}

async function waitForState(workflowId: string, predicate: (s: MeetingState) => boolean): Promise<MeetingState> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    // A query waits for a worker: it times out while the killed worker's task is handed over.
    const state = await env.client.workflow
      .getHandle(workflowId)
      .query(meetingStateQuery)
      .catch(() => undefined);
    if (state && predicate(state)) return state;
    if (Date.now() > deadline) throw new Error(`State never matched: ${JSON.stringify(state)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Starts the meeting workflow of `eventId` on `taskQueue` and has its meeting start, which mails the attendees. */
async function startMeeting(taskQueue: string, eventId: string, meetingId: string): Promise<string> {
  const workflowId = meetingWorkflowId(eventId);
  const start = new Date(Date.now() + 2 * 3_600_000).toISOString();
  const plan: MeetingPlan = {
    ownerId: '005000000000001AAA',
    topic: 'Quarterly review',
    startTime: start,
    durationMinutes: 30,
    agenda: 'Numbers',
    usePmi: false,
    joinBeforeHost: false,
  };
  await env.client.workflow.start<typeof meetingWorkflow>('meetingWorkflow', {
    workflowId,
    taskQueue,
    args: [
      {
        eventId,
        handover: {
          meeting: {
            meetingId,
            joinUrl: `https://zoom.test/j/${meetingId}`,
            hostZoomUserId: 'zoom-host',
            usesPmi: false,
            passcode: 'x7Y2',
          },
          plan,
          hostEmail: 'ada.lovelace@demo-sales.example',
        },
      },
    ],
  });
  await waitForState(workflowId, (s) => s.phase === 'scheduled');
  await env.client.workflow.getHandle(workflowId).signal(zoomEventSignal, {
    kind: 'started',
    meetingId,
    eventTs: Date.now(),
    dedupeKey: `started:${meetingId}`,
    startTime: start,
  });
  return workflowId;
}

/** A new worker (in this process) takes over the killed one's work until the launch e-mail is done. */
async function finishOnNewWorker(taskQueue: string, workflowId: string): Promise<void> {
  const second = launchEmailWorker({ smtpUrl, imapUrl, sendDelayMs: 0 });
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    dataConverter: TEST_DATA_CONVERTER,
    workflowBundle: { code: workflowCode },
    activities: second.activities,
  });
  try {
    const state = await worker.runUntil(waitForState(workflowId, (s) => s.launchEmail !== 'sending'));
    expect(state.launchEmail).toBe('sent');
  } finally {
    second.close();
    await env.client.workflow
      .getHandle(workflowId)
      .terminate('test finished')
      .catch(() => undefined);
  }
}

beforeEach(() => sink.clear());

test('a worker killed between two sends: every attendee gets the launch e-mail exactly once', async () => {
  const taskQueue = uniqueTaskQueue('launch-crash');
  let killedAtSend: (() => void) | undefined;
  const fourthSendPaused = new Promise<void>((resolve) => (killedAtSend = resolve));
  child = await startWorkerProcess(taskQueue, (line) => {
    if (line === 'pause 4') killedAtSend?.();
  });
  const workflowId = await startMeeting(taskQueue, '00U000000000777AAA', '81000000777');

  // Three messages are out, the fourth is about to go: kill -9.
  await fourthSendPaused;
  child.kill('SIGKILL');
  expect(sink.messages()).toHaveLength(3);

  await finishOnNewWorker(taskQueue, workflowId);

  const received = sink.messages().flatMap((m) => m.envelope.to);
  expect(received.sort()).toEqual([...LAUNCH_ATTENDEES].sort());
  expect(sink.messages().every((m) => m.text?.includes('x7Y2'))).toBe(true);
}, 180_000);

test('a worker killed after the mail server accepted a message and before the send completed: no one mailed twice', async () => {
  const taskQueue = uniqueTaskQueue('launch-crash-accepted');
  let killNow: (() => void) | undefined;
  const fourthAccepted = new Promise<void>((resolve) => (killNow = resolve));
  child = await startWorkerProcess(
    taskQueue,
    (line) => {
      if (line === 'sent 4') killNow?.();
    },
    { LAUNCH_WORKER_AFTER_SEND_DELAY_MS: '2000' },
  );
  const workflowId = await startMeeting(taskQueue, '00U000000000778AAA', '81000000778');

  // The fourth message is accepted; its activity has not completed: kill -9. Its retry must not send it again.
  await fourthAccepted;
  child.kill('SIGKILL');
  expect(sink.messages()).toHaveLength(4);

  await finishOnNewWorker(taskQueue, workflowId);

  const received = sink.messages().map((m) => `${m.envelope.to.join(',')} ${m.messageId}`);
  expect(new Set(received).size).toBe(received.length);
  expect(
    sink
      .messages()
      .flatMap((m) => m.envelope.to)
      .sort(),
  ).toEqual([...LAUNCH_ATTENDEES].sort());
}, 180_000);
