/**
 * Runs the Zoom emulator on its own: `tsx emulators/zoom/main.ts`. Port, host, plan and credentials come from
 * the environment, with the demo org's credentials as defaults; webhooks are sent when
 * `ZOOM_EMULATOR_WEBHOOK_URL` and `ZOOM_WEBHOOK_SECRET_TOKEN` are set (`ZOOM_EMULATOR_AWKWARD_UUIDS=true` gives
 * instances UUIDs that need double encoding; `ZOOM_EMULATOR_PAST_DATA_DELAY_MS` sets how long after a meeting's end
 * its past data becomes readable, default 5000; `ZOOM_EMULATOR_USERS`, a JSON array of users as the emulator's
 * `users` option takes them, replaces the demo org's).
 */
import { DEMO_CREDENTIALS } from '../demo-org';
import { type ZoomPlan } from './rate-limits';
import { createZoomEmulator } from './server';
import { type ZoomUserSeed } from './store';
import { type WebhookOptions } from './webhooks';
import { runEntry, stopOnSignals } from '../common/process';

const PLANS: readonly ZoomPlan[] = ['free', 'pro', 'business'];

function planFrom(value: string | undefined): ZoomPlan {
  if (value === undefined || value === '') return 'pro';
  if (!PLANS.includes(value as ZoomPlan)) throw new Error(`ZOOM_EMULATOR_PLAN must be one of ${PLANS.join(', ')}`);
  return value as ZoomPlan;
}

/** Webhooks go out only when both the receiver's URL and the app's secret token are set. */
function webhooksFrom(url: string | undefined, secretToken: string | undefined): WebhookOptions | undefined {
  if (!url && !secretToken) return undefined;
  if (!url || !secretToken)
    throw new Error('Set both ZOOM_EMULATOR_WEBHOOK_URL and ZOOM_WEBHOOK_SECRET_TOKEN, or neither');
  return { url, secretToken };
}

function delayFrom(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 0) throw new Error('ZOOM_EMULATOR_PAST_DATA_DELAY_MS must be whole milliseconds');
  return ms;
}

function usersFrom(value: string | undefined): ZoomUserSeed[] | undefined {
  if (value === undefined || value === '') return undefined;
  const users: unknown = JSON.parse(value);
  if (!Array.isArray(users) || users.length === 0) throw new Error('ZOOM_EMULATOR_USERS must be a JSON array of users');
  return users as ZoomUserSeed[];
}

async function main(): Promise<void> {
  const env = process.env;
  const emulator = createZoomEmulator({
    credentials: {
      accountId: env.ZOOM_ACCOUNT_ID || DEMO_CREDENTIALS.zoom.accountId,
      clientId: env.ZOOM_CLIENT_ID || DEMO_CREDENTIALS.zoom.clientId,
      clientSecret: env.ZOOM_CLIENT_SECRET || DEMO_CREDENTIALS.zoom.clientSecret,
    },
    plan: planFrom(env.ZOOM_EMULATOR_PLAN),
    webhooks: webhooksFrom(env.ZOOM_EMULATOR_WEBHOOK_URL, env.ZOOM_WEBHOOK_SECRET_TOKEN),
    awkwardUuids: env.ZOOM_EMULATOR_AWKWARD_UUIDS === 'true',
    pastDataDelayMs: delayFrom(env.ZOOM_EMULATOR_PAST_DATA_DELAY_MS),
    users: usersFrom(env.ZOOM_EMULATOR_USERS),
  });
  const url = await emulator.listen(Number(env.ZOOM_EMULATOR_PORT || 4010), env.ZOOM_EMULATOR_HOST || '127.0.0.1');
  console.log(`Zoom emulator listening on ${url} (API ${url}/v2, token ${url}/oauth/token)`);

  stopOnSignals('Zoom emulator', () => emulator.close());
}

runEntry('Zoom emulator', main);
