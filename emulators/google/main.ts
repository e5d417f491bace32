/**
 * Runs the Google Calendar emulator on its own: `tsx emulators/google/main.ts` (port `GOOGLE_EMULATOR_PORT`, default
 * 4030). Its service account's key pair is made at start; the JSON key is written (mode 0600) to
 * `GOOGLE_EMULATOR_KEY_FILE` (default `.data/google-demo-service-account.json`, git-ignored) for the worker's
 * `GOOGLE_SERVICE_ACCOUNT_KEY_FILE`. It is valid against this run of the emulator only.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createGoogleEmulator } from './server';
import { runEntry, stopOnSignals } from '../common/process';

export const DEFAULT_GOOGLE_EMULATOR_KEY_FILE = '.data/google-demo-service-account.json';

async function main(): Promise<void> {
  const env = process.env;
  const emulator = createGoogleEmulator();
  const url = await emulator.listen(Number(env.GOOGLE_EMULATOR_PORT || 4030), env.GOOGLE_EMULATOR_HOST || '127.0.0.1');
  const keyFile = env.GOOGLE_EMULATOR_KEY_FILE || DEFAULT_GOOGLE_EMULATOR_KEY_FILE;
  mkdirSync(dirname(keyFile), { recursive: true });
  writeFileSync(keyFile, JSON.stringify(emulator.serviceAccountKey, null, 2), { mode: 0o600 });
  console.log(`Google Calendar emulator listening on ${url} (API ${url}/calendar/v3, token ${url}/token)`);
  console.log(`Demo service account key written to ${keyFile}`);

  stopOnSignals('Google Calendar emulator', () => emulator.close());
}

runEntry('Google Calendar emulator', main);
