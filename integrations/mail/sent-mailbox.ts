import { ImapFlow } from 'imapflow';

/**
 * The sender's Sent mailbox over IMAP, where Gmail / Google Workspace and Microsoft 365 file a copy of every
 * message submitted over SMTP. SMTP has no idempotency: a message the server accepted in the instant before a
 * crash is sent again by the retry. The retry asks here first whether its Message-ID was sent already.
 */
export interface SentMailboxConfig {
  host: string;
  port: number;
  /** TLS from the first byte (imaps://); imap:// upgrades with STARTTLS when the server offers it. */
  secure: boolean;
  user: string;
  password: string;
  /** The Sent folder's name: "[Gmail]/Sent Mail" at Gmail, "Sent Items" at Microsoft 365. */
  mailbox: string;
}

/** Within the shortest send activity's 30 s, with the send still to come. */
const TIMEOUT_MS = 10_000;

export class SentMailbox {
  constructor(private readonly config: SentMailboxConfig) {}

  /**
   * Which of `messageIds` (angle brackets included) the Sent mailbox holds: one connection, a UID SEARCH each.
   * Rejects, never answers "none", when the mailbox cannot be read.
   */
  async find(messageIds: readonly string[]): Promise<Set<string>> {
    try {
      return await this.search(messageIds);
    } catch (error) {
      // The server's answer (imapflow's error says only "Command failed") or the socket's error; no credentials.
      const { responseText, serverResponseCode } = error as { responseText?: string; serverResponseCode?: string };
      const reason = responseText
        ? `${serverResponseCode ? `[${serverResponseCode}] ` : ''}${responseText}`
        : error instanceof Error
          ? error.message
          : String(error);
      throw new Error(`Could not look in the Sent mailbox (IMAP_URL) for an earlier send: ${reason}`, { cause: error });
    }
  }

  private async search(messageIds: readonly string[]): Promise<Set<string>> {
    const { host, port, secure, user, password, mailbox } = this.config;
    const client = new ImapFlow({
      host,
      port,
      secure,
      auth: { user, pass: password },
      logger: false,
      connectionTimeout: TIMEOUT_MS,
      greetingTimeout: TIMEOUT_MS,
      socketTimeout: TIMEOUT_MS,
      disableAutoIdle: true,
    });
    // Failures reach the caller through the awaited commands; the event would otherwise be unhandled.
    client.on('error', () => undefined);
    await client.connect();
    try {
      await client.mailboxOpen(mailbox, { readOnly: true });
      const found = new Set<string>();
      for (const messageId of messageIds) {
        const uids = await client.search({ header: { 'Message-ID': messageId } }, { uid: true });
        // imapflow answers false when the server refused the search: that is no "not found".
        if (!Array.isArray(uids)) throw new Error(`The IMAP server refused to search the ${mailbox} mailbox`);
        if (uids.length > 0) found.add(messageId);
      }
      return found;
    } finally {
      await client.logout().catch(() => client.close());
    }
  }
}
