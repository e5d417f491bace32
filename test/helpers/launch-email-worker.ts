/**
 * A meeting worker for the launch e-mail crash test, run as its own process so the test can kill -9 it mid-send
 * (`tsx test/helpers/launch-email-worker.ts`, settings in LAUNCH_WORKER_* variables). It has the real launch e-mail
 * activities and SMTP mailer (to the mail sink), an org stub whose Event has many attendees, and stubs for the
 * other activities a handed-over meeting calls (Event writes, webhook routes, the Google calendar). Each send first prints `pause <n>` and waits, so a kill lands
 * between two sends; once the mail server has accepted it, it prints `sent <n>` and waits again, so a kill lands
 * after the acceptance and before the activity completes.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createLaunchEmailActivities } from '../../activities/launch-email';
import type { CalendarSyncResult } from '../../activities/google-calendar';
import { Mailer, type OutgoingMessage } from '../../integrations/mail/mailer';
import { SentMailbox } from '../../integrations/mail/sent-mailbox';
import { sentMailboxFrom } from '../../common/config';
import type { MeetingPeople, ZoomSettings } from '../../integrations/salesforce/client';
import { TEST_DATA_CONVERTER } from './temporal';

export const LAUNCH_ATTENDEES = Array.from({ length: 8 }, (_, i) => `attendee${i + 1}@customer.example`);

const SETTINGS: ZoomSettings = {
  sendEmailOnLaunch: true,
  usePmiByDefault: false,
  joinBeforeHostByDefault: false,
  googleCalendarNotifications: false,
};

const PEOPLE: MeetingPeople = {
  owner: { name: 'Ada Lovelace', email: 'ada.lovelace@demo-sales.example', timeZone: 'Europe/London' },
  invitees: LAUNCH_ATTENDEES.map((email, i) => ({ name: `Attendee ${i + 1}`, email })),
  customerTimeZone: 'America/New_York',
};

/** The worker's activities; `onSend` hears of each send (numbered from 1) before its pause. */
export function launchEmailWorker(options: {
  smtpUrl: string;
  /** The sender's Sent mailbox (imap://user:password@host:port/Sent), where a retry looks for its message. */
  imapUrl?: string;
  sendDelayMs: number;
  onSend?: (n: number) => void;
  /** How long a send waits after the mail server accepted it, before the activity completes. */
  afterSendDelayMs?: number;
  onSent?: (n: number) => void;
}) {
  const mailer = new Mailer({ smtpUrl: options.smtpUrl, from: 'zoom-sync@demo-sales.example' });
  let sends = 0;
  const slowMailer = {
    async send(message: OutgoingMessage): Promise<void> {
      sends += 1;
      options.onSend?.(sends);
      await delay(options.sendDelayMs);
      await mailer.send(message);
      options.onSent?.(sends);
      if (options.afterSendDelayMs) await delay(options.afterSendDelayMs);
    },
  };
  const salesforce = {
    getZoomSettings: async (_userId: string) => SETTINGS,
    getMeetingPeople: async (_eventId: string) => PEOPLE,
  };
  const activities = {
    ...createLaunchEmailActivities({
      salesforce,
      mailer: slowMailer,
      ...(options.imapUrl ? { sentMailbox: new SentMailbox(sentMailboxFrom(options.imapUrl)) } : {}),
    }),
    writeEventFields: async () => undefined,
    registerZoomRoute: async () => undefined,
    unregisterZoomRoute: async () => undefined,
    // No Google calendar for this worker's hosts (the meeting workflow keeps it in step when there is one).
    syncCalendarEvent: async (): Promise<CalendarSyncResult> => ({ outcome: 'skipped', skipped: 'off' }),
    cancelCalendarEvent: async () => ({ cancelled: false }),
    noteCalendarOutcome: async () => ({ noted: false }),
  };
  return { activities, close: () => mailer.close() };
}

async function main(): Promise<void> {
  const env = (name: string) => process.env[`LAUNCH_WORKER_${name}`] ?? '';
  const { activities } = launchEmailWorker({
    smtpUrl: env('SMTP_URL'),
    imapUrl: env('IMAP_URL') || undefined,
    sendDelayMs: Number(env('SEND_DELAY_MS')),
    onSend: (n) => process.stdout.write(`pause ${n}\n`),
    afterSendDelayMs: Number(env('AFTER_SEND_DELAY_MS') || 0),
    onSent: (n) => process.stdout.write(`sent ${n}\n`),
  });
  const worker = await Worker.create({
    connection: await NativeConnection.connect({ address: env('TEMPORAL_ADDRESS') }),
    taskQueue: env('TASK_QUEUE'),
    dataConverter: TEST_DATA_CONVERTER,
    workflowBundle: { codePath: env('WORKFLOW_BUNDLE') },
    activities,
  });
  process.stdout.write('ready\n');
  await worker.run();
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
}
