import { activityInfo } from '@temporalio/activity';
import type { SentMailbox } from '../integrations/mail/sent-mailbox';

export type SentMailboxLookup = Pick<SentMailbox, 'find'>;

/**
 * The messages among `messageIds` that a retried send must not send again: on a retry (attempt > 1: the previous
 * attempt failed, timed out, or died with its worker) those the sender's Sent mailbox already holds, accepted by
 * the mail server although the attempt never heard so. A first attempt has sent nothing, so it looks nothing up.
 * Without a Sent mailbox (IMAP_URL unset) none: the one message in flight at a crash may then go twice.
 */
export async function alreadySent(
  sentMailbox: SentMailboxLookup | undefined,
  messageIds: readonly string[],
): Promise<Set<string>> {
  if (!sentMailbox || messageIds.length === 0 || activityInfo().attempt <= 1) return new Set();
  return sentMailbox.find(messageIds);
}
