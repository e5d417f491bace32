import { type FaultSpec } from '../../emulators/common/admin';
import { DEMO_ORG_ID, DEMO_USERS } from '../../emulators/demo-org';
import { eventually, type TestStack } from '../../test/helpers/stack';
import { auditFailures, auditMeetings, duplicateEmails } from './ledger';
import { zoomEventFields, type ChaosContext, type Scenario } from './scenario';

const RECIPIENTS = Array.from({ length: 25 }, (_, i) => `chaos.guest${String(i + 1).padStart(2, '0')}@acme.example`);
const PARTICIPANTS = [
  { name: 'Ada Lovelace', email: DEMO_USERS[0].email },
  { name: 'Marie Curie', email: 'marie.curie@acme.example' },
];
/** How long a held Zoom call waits: long enough to kill the worker while it is in flight. */
const HOLD_MS = 3_000;
/**
 * The kill lands as the mail sink stores the 10th message, before its SMTP answer reaches the worker: that send's
 * retry must find it in the sender's Sent mailbox (IMAP) and not send it again.
 */
const CRASH_AFTER_MESSAGES = 10;
/** The worker's line for a retried send that found its message already sent. */
const FOUND_IN_SENT = 'Launch e-mail already in the Sent mailbox';
const OUTCOME_TIMEOUT_MS = 120_000;

/** Resolves when the emulator takes the next fault matching `spec`, i.e. when the worker's call is in flight. */
function holdZoomCall(stack: TestStack, spec: FaultSpec): Promise<void> {
  const admin = stack.zoom.admin;
  const take = admin.takeFault.bind(admin);
  return new Promise((resolve) => {
    admin.takeFault = (method, path) => {
      const fault = take(method, path);
      if (fault === undefined) return fault;
      admin.takeFault = take;
      resolve();
      return fault;
    };
    admin.addFault({ ...spec, delayMs: HOLD_MS, times: 1 });
  });
}

const record = (stack: TestStack, id: string) => stack.salesforce.store.find(id)!.record;
const simulate = (stack: TestStack, meetingId: string, action: string, body: unknown = {}) =>
  fetch(`${stack.zoomUrl}/_emulator/meetings/${meetingId}/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then((r) => {
    if (!r.ok) throw new Error(`emulator ${action}: ${r.status}`);
  });

async function waitForField(stack: TestStack, id: string, field: string, value?: unknown): Promise<void> {
  await eventually(
    async () => {
      const current = record(stack, id)[field];
      return (value === undefined ? current : current === value) ? true : undefined;
    },
    OUTCOME_TIMEOUT_MS,
    `${field} of Event ${id}`,
  );
}

/** Kills the worker with SIGKILL when `inFlight` resolves, then starts a new one. */
async function crashDuring(context: ChaosContext, inFlight: Promise<unknown>, what: string): Promise<void> {
  await eventually(() => inFlight.then(() => true), 60_000, what);
  await context.worker.kill9();
  await context.worker.start();
}

/**
 * kill -9 of the worker process in the middle of the three effects that must happen once: the Zoom create, the
 * launch e-mail to 25 recipients, and the end (the outcome read from Zoom and written to the Event). After each
 * crash a new worker finishes the work: one meeting per Event, one Event per meeting, each recipient mailed once,
 * the message in flight at the crash included.
 */
export const workerKills: Scenario = {
  name: 'worker kill -9',
  async run(context) {
    const { stack, sf } = context;
    const ada = DEMO_USERS[0].salesforceId;
    await sf.sobject('Zoom_Settings__c').create({ SetupOwnerId: DEMO_ORG_ID, Send_Email_On_Launch__c: true });
    // The meetings to start and to end, made before the first crash.
    const create = async (subject: string, extra: Record<string, unknown> = {}) => {
      const created = (await sf.sobject('Event').create({ ...zoomEventFields(ada, subject), ...extra })) as {
        id: string;
      };
      return created.id;
    };
    const launchId = await create('Chaos launch', { Zoom_Additional_Emails__c: RECIPIENTS.join('; ') });
    const endId = await create('Chaos end');
    await waitForField(stack, launchId, 'Zoom_Meeting_Id__c');
    await waitForField(stack, endId, 'Zoom_Meeting_Id__c');
    const endMeeting = String(record(stack, endId).Zoom_Meeting_Id__c);
    await simulate(stack, endMeeting, 'start');
    await simulate(stack, endMeeting, 'participants', PARTICIPANTS);
    await waitForField(stack, endId, 'Zoom_Status__c', 'Started');

    // 1. During the create: the worker dies while Zoom is making the meeting.
    const createHeld = holdZoomCall(stack, { method: 'POST', path: '/users/[^/]+/meetings$' });
    const createId = await create('Chaos create');
    await crashDuring(context, createHeld, 'the create in flight');
    await waitForField(stack, createId, 'Zoom_Join_URL__c');

    // 2. During the launch e-mail: the worker dies once 10 of the 25 messages have arrived.
    const mailFor = () => stack.mail.messages().filter((m) => m.envelope.to.some((to) => RECIPIENTS.includes(to)));
    await simulate(stack, String(record(stack, launchId).Zoom_Meeting_Id__c), 'start');
    await crashDuring(
      context,
      stack.mail.waitForMessage(() => mailFor().length >= CRASH_AFTER_MESSAGES, 60_000),
      'the launch e-mails under way',
    );
    const sentBeforeCrash = mailFor().length;
    await eventually(
      async () => (new Set(mailFor().flatMap((m) => m.envelope.to)).size >= RECIPIENTS.length ? true : undefined),
      OUTCOME_TIMEOUT_MS,
      'every launch e-mail',
    );
    await waitForField(stack, launchId, 'Zoom_Status__c', 'Started');

    // 3. During the end: the worker dies while reading the outcome from Zoom.
    const endHeld = holdZoomCall(stack, { method: 'GET', path: '/past_meetings/' });
    await simulate(stack, endMeeting, 'end');
    await crashDuring(context, endHeld, 'the outcome read in flight');
    // Zoom's report, read again by the next worker (the Event says Ended before it, from the webhook).
    await waitForField(stack, endId, 'Zoom_Participant_Count__c');

    const launchMail = mailFor();
    const deliveries = launchMail.flatMap((m) => m.envelope.to);
    const perRecipient = new Set(deliveries);
    const duplicates = duplicateEmails(stack, launchMail);
    const foundInSentMailbox = context.logs.lines.filter((l) => l.line.includes(FOUND_IN_SENT)).length;
    const ids = [createId, launchId, endId];
    const audit = auditMeetings(stack, new Set(ids));
    const ended = record(stack, endId);
    const failures = auditFailures(audit);
    failures.push(...duplicates.map((d) => `launch e-mail delivered ${d}`));
    if (perRecipient.size < RECIPIENTS.length) failures.push(`${RECIPIENTS.length - perRecipient.size} not mailed`);
    if (ended.Zoom_Participant_Count__c !== PARTICIPANTS.length)
      failures.push(
        `the ended Event counts ${ended.Zoom_Participant_Count__c} participants, not ${PARTICIPANTS.length}`,
      );
    return {
      figures: {
        kills: 3,
        meetings: ids.length - audit.lostMeetings.length,
        duplicateMeetings: audit.duplicateMeetings.length,
        duplicateEvents: audit.duplicateEvents.length,
        launchEmails: {
          recipients: RECIPIENTS.length,
          sentBeforeCrash,
          deliveries: deliveries.length,
          duplicates: duplicates.length,
          foundInSentMailbox,
        },
        endedParticipants: ended.Zoom_Participant_Count__c,
      },
      failures,
    };
  },
};
