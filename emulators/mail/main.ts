/**
 * The mail sink on its own: `npx tsx emulators/mail/main.ts`.
 * Env (or `.env`): MAIL_SINK_SMTP_PORT (1025), MAIL_SINK_WEB_PORT (8025), MAIL_SINK_IMAP_PORT (1143),
 * MAIL_SINK_HOST (127.0.0.1), MAIL_SINK_ACCOUNTS (`user:password`, comma-separated; unset: any login).
 */
import { readEnv } from '../../common/config';
import { createMailSink } from './server';
import { runEntry, stopOnSignals } from '../common/process';

function port(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new Error(`${name} must be a port number (0-65535), got ${JSON.stringify(value)}`);
  }
  return n;
}

/** `user:password,user:password` → user → password; the password is everything after the user's first colon. */
function accounts(value: string | undefined): Record<string, string> | undefined {
  if (!value) return undefined;
  const entries = value.split(',').map((entry) => {
    const colon = entry.indexOf(':');
    if (colon <= 0 || colon === entry.length - 1)
      throw new Error('MAIL_SINK_ACCOUNTS must be user:password pairs, comma-separated');
    return [entry.slice(0, colon).trim(), entry.slice(colon + 1)] as const;
  });
  return Object.fromEntries(entries);
}

async function main(): Promise<void> {
  const env = readEnv();
  const sink = createMailSink({
    smtpPort: port('MAIL_SINK_SMTP_PORT', env.MAIL_SINK_SMTP_PORT, 1025),
    webPort: port('MAIL_SINK_WEB_PORT', env.MAIL_SINK_WEB_PORT, 8025),
    imapPort: port('MAIL_SINK_IMAP_PORT', env.MAIL_SINK_IMAP_PORT, 1143),
    host: env.MAIL_SINK_HOST || '127.0.0.1',
    accounts: accounts(env.MAIL_SINK_ACCOUNTS),
  });
  const { smtpUrl, webUrl, imapUrl } = await sink.listen();
  console.log(`mail sink listening: SMTP ${smtpUrl}, web ${webUrl}, IMAP ${imapUrl} (the senders' Sent mailboxes)`);

  stopOnSignals('mail sink', () => sink.close());
}

runEntry('mail sink', main);
