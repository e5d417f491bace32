/**
 * The "Send Email" activity with the real SMTP mailer and the sender's Sent mailbox (the mail sink, over SMTP and
 * IMAP): the mail server accepts a message but its answer is lost (the attempt fails right after), and the retry
 * must not send that message again. Without a Sent mailbox the same retry sends it twice: the documented caveat.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import {
  createMeetingEmailActivities,
  type MeetingEmailInput,
  type MeetingEmailResult,
} from '../../activities/meeting-email';
import { sentMailboxFrom } from '../../common/config';
import { createMailSink, senderUrls, type MailSink } from '../../emulators/mail/server';
import { Mailer, type OutgoingMessage } from '../../integrations/mail/mailer';
import { SentMailbox } from '../../integrations/mail/sent-mailbox';
import type { MeetingPeople } from '../../integrations/salesforce/client';

const ACCOUNT = { user: 'zoom-sync@demo-sales.example', password: 'mail-password' };
const PEOPLE: MeetingPeople = {
  owner: { name: 'Ada Lovelace', email: 'ada.lovelace@demo-sales.example', timeZone: 'Europe/London' },
  who: { name: 'Marie Curie', email: 'marie.curie@acme.example' },
  invitees: [
    { name: 'Niels Bohr', email: 'niels.bohr@acme.example' },
    { name: 'Lise Meitner', email: 'lise.meitner@acme.example' },
  ],
  customerTimeZone: 'America/New_York',
};

let sink: MailSink;
let urls: { smtpUrl: string; imapUrl: string };
let mailer: Mailer;

beforeAll(async () => {
  sink = createMailSink({ smtpPort: 0, webPort: 0, imapPort: 0, accounts: { [ACCOUNT.user]: ACCOUNT.password } });
  urls = senderUrls(await sink.listen(), ACCOUNT);
  mailer = new Mailer({ smtpUrl: urls.smtpUrl, from: 'Zoom for Salesforce <no-reply@demo-sales.example>' });
});

afterAll(async () => {
  mailer.close();
  await sink.close();
});

function input(requestKey: string): MeetingEmailInput {
  return {
    eventId: '00U000000000901AAA',
    requestKey,
    additionalEmails: [],
    meeting: {
      topic: 'Quarterly review',
      startTime: '2030-03-08T14:00:00.000Z',
      durationMinutes: 30,
      joinUrl: 'https://zoom.test/j/81000000901',
      cancelled: false,
      sequence: 0,
    },
  };
}

/** Attempt 1 mails the first recipient, then the second, whose acceptance it never hears of; attempt 2 finishes. */
async function sendWithLostAnswer(requestKey: string, sentMailbox?: SentMailbox) {
  let sends = 0;
  const losesSecondAnswer = {
    async send(message: OutgoingMessage) {
      await mailer.send(message);
      if (++sends === 2) throw new Error('connection reset after DATA');
    },
  };
  const salesforce = { getMeetingPeople: async () => PEOPLE };
  const first = createMeetingEmailActivities({ salesforce, mailer: losesSecondAnswer, sentMailbox });
  const env = new MockActivityEnvironment();
  let details: unknown;
  env.on('heartbeat', (d: unknown) => (details = d));
  await expect(env.run(first.sendMeetingEmail, input(requestKey))).rejects.toThrow('connection reset');
  const retry = createMeetingEmailActivities({ salesforce, mailer, sentMailbox });
  const result: MeetingEmailResult = await new MockActivityEnvironment({ attempt: 2, heartbeatDetails: details }).run(
    retry.sendMeetingEmail,
    input(requestKey),
  );
  const delivered = sink
    .messages()
    .filter((m) => m.messageId?.includes(`.${requestKey}.`))
    .map((m) => m.envelope.to.join(','));
  return { result, delivered };
}

test('the retry finds the message whose answer was lost in the Sent mailbox: each recipient mailed once', async () => {
  const { result, delivered } = await sendWithLostAnswer('press-imap', new SentMailbox(sentMailboxFrom(urls.imapUrl)));
  expect(delivered.sort()).toEqual([
    'lise.meitner@acme.example',
    'marie.curie@acme.example',
    'niels.bohr@acme.example',
  ]);
  expect(result.recipients.map((r) => r.outcome)).toEqual(['sent', 'sent', 'sent']);
});

test('without a Sent mailbox the same retry mails the second recipient twice (why IMAP_URL is recommended)', async () => {
  const { delivered } = await sendWithLostAnswer('press-plain');
  expect(delivered.filter((to) => to === 'niels.bohr@acme.example')).toHaveLength(2);
  expect(delivered).toHaveLength(4);
});
