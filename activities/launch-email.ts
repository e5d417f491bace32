import { createHash } from 'node:crypto';
import { activityInfo, heartbeat, log } from '@temporalio/activity';
import { recipientsFrom, renderMeetingEmail, splitEmailList } from '../domain/meeting-email';
import type { SalesforceClient } from '../integrations/salesforce/client';
import { createZoomSettingsReader } from './zoom-settings';
import type { Mailer } from '../integrations/mail/mailer';
import { FailureTypes, permanentFailure } from './failures';
import { countEmail } from './product-metrics';

/**
 * The e-mail attendees get when the host starts the meeting, if the host's "Send e-mail to attendees on
 * launch" setting is on. Each recipient gets one message: progress is kept in heartbeats, so a retry after a
 * crash skips those already sent, and every message has a stable Message-ID, so the one message that might be
 * resent (sent, then the crash before the heartbeat) is recognisable as the same message.
 */

export interface LaunchEmailDeps {
  salesforce: Pick<SalesforceClient, 'getZoomSettings' | 'getMeetingPeople'>;
  mailer?: Pick<Mailer, 'send'>;
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

export function createLaunchEmailActivities({ salesforce, mailer, settingsTtlMs = 60_000 }: LaunchEmailDeps) {
  const settingsOf = createZoomSettingsReader(salesforce, settingsTtlMs);

  return {
    async sendLaunchEmail(input: LaunchEmailInput): Promise<LaunchEmailResult> {
      const settings = await settingsOf(input.ownerId);
      if (!settings.sendEmailOnLaunch)
        return { sent: 0, invalidAddresses: 0, skipped: 'the host does not send e-mail on launch' };
      if (!mailer)
        throw permanentFailure(FailureTypes.mailNotConfigured, 'E-mail is not configured (SMTP_URL) on the worker');
      const people = await salesforce.getMeetingPeople(input.eventId);
      if (!people) return { sent: 0, invalidAddresses: 0, skipped: 'the Event no longer exists' };
      const { valid, invalid } = recipientsFrom([
        people.who?.email,
        ...people.invitees.map((p) => p.email),
        ...splitEmailList(people.additionalEmails),
      ]);
      const host = people.owner.email.toLowerCase();
      const recipients = valid.filter((address) => address.toLowerCase() !== host);
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
      const done = new Set<string>((activityInfo().heartbeatDetails as { sent?: string[] } | undefined)?.sent ?? []);
      for (const address of recipients) {
        const key = recipientKey(address);
        if (done.has(key)) continue;
        await mailer.send({
          to: address,
          ...email,
          messageId: `<launch.${input.eventId}.${input.instanceKey}.${key}@zoom-salesforce.invalid>`,
        });
        done.add(key);
        countEmail('sent');
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
