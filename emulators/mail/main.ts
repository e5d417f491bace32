/**
 * The mail sink on its own: `npx tsx emulators/mail/main.ts`.
 * Env (or `.env`): MAIL_SINK_SMTP_PORT (1025), MAIL_SINK_WEB_PORT (8025), MAIL_SINK_HOST (127.0.0.1).
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

async function main(): Promise<void> {
  const env = readEnv();
  const sink = createMailSink({
    smtpPort: port('MAIL_SINK_SMTP_PORT', env.MAIL_SINK_SMTP_PORT, 1025),
    webPort: port('MAIL_SINK_WEB_PORT', env.MAIL_SINK_WEB_PORT, 8025),
    host: env.MAIL_SINK_HOST || '127.0.0.1',
  });
  const { smtpUrl, webUrl } = await sink.listen();
  console.log(`mail sink listening: SMTP ${smtpUrl}, web ${webUrl}`);

  stopOnSignals('mail sink', () => sink.close());
}

runEntry('mail sink', main);
