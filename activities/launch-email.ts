import { createHash } from 'node:crypto';
import { activityInfo, heartbeat, log } from '@temporalio/activity';
import { recipientsFrom, renderMeetingEmail, splitEmailList } from '../domain/meeting-email';
import type { MeetingPeople, SalesforceClient } from '../integrations/salesforce/client';
import { TtlCache } from '../common/ttl-cache';
import { createZoomSettingsReader } from './zoom-settings';
import type { Mailer } from '../integrations/mail/mailer';
import { FailureTypes, permanentFailure } from './failures';
import { countEmail } from './product-metrics';
import { alreadySent, type SentMailboxLookup } from './already-sent';

/**
 * The e-mail attendees get when the host starts the meeting, if the host's "Send e-mail to attendees on
 * launch" setting is on. The workflow asks who to mail (`planLaunchEmail`: recipient keys, no addresses), then
 * mails each recipient in an activity of its own (`sendLaunchEmail` with `recipient`): a completed send is in
 * workflow history, so a retry after a crash repeats at most the one send in flight; every message has a stable
 * Message-ID, and a retry first looks it up in the sender's Sent mailbox (`alreadySent`), so not even that one
 * goes twice where the mail provider files sent mail (IMAP_URL).
 * Workflows from before that mail everyone in one `sendLaunchEmail` (no `recipient`), their progress in heartbeats.
 */

export interface LaunchEmailDeps {
  salesforce: Pick<SalesforceClient, 'getZoomSettings' | 'getMeetingPeople'>;
  mailer?: Pick<Mailer, 'send'>;
  /** The sender's Sent mailbox, where a retried send looks for its message first. */
  sentMailbox?: SentMailboxLookup;
  settingsTtlMs?: number;
}

export interface LaunchEmailInput {
  eventId: string;
  ownerId: string;
  /** Identifies this start of the meeting (the Zoom instance), so a restarted meeting may mail again. */
  instanceKey: string;
  topic: string;
  startTime: string;
  durationMinutes: number;
  joinUrl: string;
  passcode?: string;
  /** The one recipient (its key, from `planLaunchEmail`) to mail; absent: everyone (workflows from before). */
  recipient?: string;
}

export interface LaunchEmailPlan {
  /** Keys of the addresses to mail (`recipientKey`), in a stable order. */
  recipients: string[];
  invalidAddresses: number;
  skipped?: string;
}

export interface LaunchEmailResult {
  sent: number;
  invalidAddresses: number;
  skipped?: string;
}

/** A recipient's key in heartbeats and Message-IDs: no addresses in Message-IDs or launch heartbeats. */
export function recipientKey(address: string): string {
  return createHash('sha256').update(address.toLowerCase()).digest('hex').slice(0, 16);
}

/** Who gets the launch e-mail: the attendees with a valid address, the host left out. */
function launchRecipients(people: MeetingPeople): { recipients: string[]; invalid: string[] } {
  const { valid, invalid } = recipientsFrom([
    people.who?.email,
    ...people.invitees.map((p) => p.email),
    ...splitEmailList(people.additionalEmails),
  ]);
  const host = people.owner.email.toLowerCase();
  return { recipients: valid.filter((address) => address.toLowerCase() !== host), invalid };
}

export function createLaunchEmailActivities({
  salesforce,
  mailer,
  sentMailbox,
  settingsTtlMs = 60_000,
}: LaunchEmailDeps) {
  const settingsOf = createZoomSettingsReader(salesforce, settingsTtlMs);
  // One read of the Event's people serves the sends to all its recipients (one activity each).
  const peopleCache = new TtlCache<string, MeetingPeople | null>(settingsTtlMs);

  async function peopleOf(eventId: string): Promise<MeetingPeople | null> {
    const cached = peopleCache.get(eventId);
    if (cached !== undefined) return cached;
    const people = await salesforce.getMeetingPeople(eventId);
    peopleCache.set(eventId, people);
    return people;
  }

  function mailerOrFail(): Pick<Mailer, 'send'> {
    if (!mailer)
      throw permanentFailure(FailureTypes.mailNotConfigured, 'E-mail is not configured (SMTP_URL) on the worker');
    return mailer;
  }

  async function send(input: LaunchEmailInput, people: MeetingPeople, address: string): Promise<void> {
    const email = renderMeetingEmail({
      kind: 'launch',
      topic: input.topic,
      startTime: input.startTime,
      durationMinutes: input.durationMinutes,
      customerTimeZone: people.customerTimeZone,
      hostTimeZone: people.owner.timeZone,
      hostName: people.owner.name,
      joinUrl: input.joinUrl,
      passcode: input.passcode,
    });
    const messageId = `<launch.${input.eventId}.${input.instanceKey}.${recipientKey(address)}@zoom-salesforce.invalid>`;
    const transport = mailerOrFail();
    if ((await alreadySent(sentMailbox, [messageId])).has(messageId)) {
      log.info('Launch e-mail already in the Sent mailbox: not sent again', { eventId: input.eventId });
      return;
    }
    await transport.send({ to: address, ...email, messageId });
    countEmail('sent');
  }

  return {
    async planLaunchEmail(input: { eventId: string; ownerId: string }): Promise<LaunchEmailPlan> {
      const settings = await settingsOf(input.ownerId);
      if (!settings.sendEmailOnLaunch)
        return { recipients: [], invalidAddresses: 0, skipped: 'the host does not send e-mail on launch' };
      mailerOrFail();
      peopleCache.delete(input.eventId);
      const people = await peopleOf(input.eventId);
      if (!people) return { recipients: [], invalidAddresses: 0, skipped: 'the Event no longer exists' };
      const { recipients, invalid } = launchRecipients(people);
      countEmail('invalid', invalid.length);
      return { recipients: recipients.map(recipientKey), invalidAddresses: invalid.length };
    },

    async sendLaunchEmail(input: LaunchEmailInput): Promise<LaunchEmailResult> {
      if (input.recipient !== undefined) {
        const people = await peopleOf(input.eventId);
        const address = people && launchRecipients(people).recipients.find((a) => recipientKey(a) === input.recipient);
        // Gone from the Event since the plan: not mailed.
        if (!people || !address) return { sent: 0, invalidAddresses: 0, skipped: 'no longer an attendee' };
        await send(input, people, address);
        return { sent: 1, invalidAddresses: 0 };
      }
      const settings = await settingsOf(input.ownerId);
      if (!settings.sendEmailOnLaunch)
        return { sent: 0, invalidAddresses: 0, skipped: 'the host does not send e-mail on launch' };
      mailerOrFail();
      const people = await salesforce.getMeetingPeople(input.eventId);
      if (!people) return { sent: 0, invalidAddresses: 0, skipped: 'the Event no longer exists' };
      const { recipients, invalid } = launchRecipients(people);
      const done = new Set<string>((activityInfo().heartbeatDetails as { sent?: string[] } | undefined)?.sent ?? []);
      for (const address of recipients) {
        const key = recipientKey(address);
        if (done.has(key)) continue;
        await send(input, people, address);
        done.add(key);
        heartbeat({ sent: [...done] });
      }
      countEmail('invalid', invalid.length);
      log.info('Launch e-mail sent', {
        eventId: input.eventId,
        recipients: recipients.length,
        invalid: invalid.length,
      });
      return { sent: recipients.length, invalidAddresses: invalid.length };
    },
  };
}
