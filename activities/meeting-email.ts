import { activityInfo, heartbeat } from '@temporalio/activity';
import { buildMeetingCalendar } from '../domain/icalendar';
import { recipientsFrom, renderMeetingEmail, splitEmailList } from '../domain/meeting-email';
import type { Mailer } from '../integrations/mail/mailer';
import type { SalesforceClient } from '../integrations/salesforce/client';
import { FailureTypes, permanentFailure } from './failures';
import { recipientKey } from './launch-email';
import { countEmail } from './product-metrics';
import { alreadySent, type SentMailboxLookup } from './already-sent';

/**
 * The "Send Email" button: the meeting details, with an iCalendar invitation, to the Event's contact or lead,
 * its invitees, the stored additional addresses and those typed in the button. Each address gets one message
 * (heartbeats record progress for a retry; a retry also skips the messages its Sent mailbox holds, sent in the
 * instant before a crash) and an outcome: sent, invalid or refused by the mail server.
 */

export interface MeetingEmailDeps {
  salesforce: Pick<SalesforceClient, 'getMeetingPeople'>;
  mailer?: Pick<Mailer, 'send'>;
  /** The sender's Sent mailbox, where a retried send looks for its messages first. */
  sentMailbox?: SentMailboxLookup;
}

export interface MeetingEmailInput {
  eventId: string;
  /** Identifies the button press, so the same press never mails twice. */
  requestKey: string;
  additionalEmails: string[];
  meeting: {
    topic: string;
    startTime: string;
    durationMinutes: number;
    timeZone?: string;
    joinUrl: string;
    passcode?: string;
    cancelled: boolean;
    sequence: number;
  };
}

export type RecipientOutcome = { email: string; outcome: 'sent' | 'invalid' | 'refused'; reason?: string };

export interface MeetingEmailResult {
  recipients: RecipientOutcome[];
}

/** SMTP answers that concern one recipient (5xx on RCPT); anything else is worth retrying the whole send. */
function refusedRecipient(error: unknown): string | undefined {
  const e = error as { responseCode?: number; command?: string; response?: string };
  return typeof e?.responseCode === 'number' && e.responseCode >= 500 && e.command === 'RCPT TO'
    ? (e.response ?? `refused (${e.responseCode})`)
    : undefined;
}

export function createMeetingEmailActivities({ salesforce, mailer, sentMailbox }: MeetingEmailDeps) {
  return {
    async sendMeetingEmail(input: MeetingEmailInput): Promise<MeetingEmailResult> {
      if (!mailer)
        throw permanentFailure(FailureTypes.mailNotConfigured, 'E-mail is not configured (SMTP_URL) on the worker');
      const people = await salesforce.getMeetingPeople(input.eventId);
      if (!people) throw permanentFailure(FailureTypes.salesforceEventGone, 'The Event no longer exists');
      const { valid, invalid } = recipientsFrom([
        people.who?.email,
        ...people.invitees.map((p) => p.email),
        ...splitEmailList(people.additionalEmails),
        ...input.additionalEmails,
      ]);
      const { meeting } = input;
      const email = renderMeetingEmail({
        kind: meeting.cancelled ? 'cancellation' : 'invitation',
        topic: meeting.topic,
        startTime: meeting.startTime,
        durationMinutes: meeting.durationMinutes,
        customerTimeZone: meeting.timeZone ?? people.customerTimeZone,
        hostTimeZone: people.owner.timeZone,
        hostName: people.owner.name,
        joinUrl: meeting.joinUrl,
        passcode: meeting.passcode,
      });
      const invitation = buildMeetingCalendar({
        eventId: input.eventId,
        sequence: meeting.sequence,
        method: meeting.cancelled ? 'CANCEL' : 'REQUEST',
        topic: meeting.topic,
        startTime: meeting.startTime,
        durationMinutes: meeting.durationMinutes,
        timeZone: meeting.timeZone ?? people.customerTimeZone,
        joinUrl: meeting.joinUrl,
        passcode: meeting.passcode,
        organizer: { name: people.owner.name, email: people.owner.email },
        attendees: valid.map((address) => ({ email: address })),
        now: new Date().toISOString(),
      });
      const progress = (activityInfo().heartbeatDetails as { done?: RecipientOutcome[] } | undefined)?.done ?? [];
      const done = new Map(progress.map((o) => [recipientKey(o.email), o]));
      const messageIdOf = (key: string) =>
        `<invite.${input.eventId}.${input.requestKey}.${key}@zoom-salesforce.invalid>`;
      const toSend = valid.map(recipientKey).filter((key) => !done.has(key));
      const sentBefore = await alreadySent(sentMailbox, toSend.map(messageIdOf));
      for (const address of valid) {
        const key = recipientKey(address);
        if (done.has(key)) continue;
        if (sentBefore.has(messageIdOf(key))) {
          done.set(key, { email: address, outcome: 'sent' });
          heartbeat({ done: [...done.values()] });
          continue;
        }
        try {
          await mailer.send({
            to: address,
            ...email,
            messageId: messageIdOf(key),
            attachments: [
              {
                filename: meeting.cancelled ? 'cancel.ics' : 'invite.ics',
                content: invitation,
                contentType: `text/calendar; charset=utf-8; method=${meeting.cancelled ? 'CANCEL' : 'REQUEST'}`,
              },
            ],
          });
          done.set(key, { email: address, outcome: 'sent' });
          countEmail('sent');
        } catch (error) {
          const reason = refusedRecipient(error);
          if (reason === undefined) throw error;
          done.set(key, { email: address, outcome: 'refused', reason });
          countEmail('refused');
        }
        heartbeat({ done: [...done.values()] });
      }
      return {
        recipients: [
          ...valid.map((address) => done.get(recipientKey(address))!),
          ...invalid.map((address): RecipientOutcome => ({
            email: address,
            outcome: 'invalid',
            reason: 'not an e-mail address',
          })),
        ],
      };
    },
  };
}
