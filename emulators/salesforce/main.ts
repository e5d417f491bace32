/**
 * Runs the Salesforce emulator on its own: `tsx emulators/salesforce/main.ts`. Port, host, connected-app
 * credentials and the trigger's callout target come from the environment, with the demo org's values as defaults.
 */
import { DEMO_CREDENTIALS } from '../demo-org';
import { createSalesforceEmulator } from './server';
import { runEntry, stopOnSignals } from '../common/process';

async function main(): Promise<void> {
  const env = process.env;
  const calloutUrl = env.SALESFORCE_EMULATOR_CALLOUT_URL || 'http://127.0.0.1:3000/v1/salesforce/events';
  const emulator = createSalesforceEmulator({
    clientId: env.SALESFORCE_CLIENT_ID || DEMO_CREDENTIALS.salesforce.clientId,
    clientSecret: env.SALESFORCE_CLIENT_SECRET || DEMO_CREDENTIALS.salesforce.clientSecret,
    callout: { url: calloutUrl, secret: env.CALLOUT_SECRET || DEMO_CREDENTIALS.calloutSecret },
  });
  const url = await emulator.listen(
    Number(env.SALESFORCE_EMULATOR_PORT || 4020),
    env.SALESFORCE_EMULATOR_HOST || '127.0.0.1',
  );
  console.log(`Salesforce emulator listening on ${url} (login URL ${url}, trigger callouts to ${calloutUrl})`);

  stopOnSignals('Salesforce emulator', () => emulator.close());
}

runEntry('Salesforce emulator', main);
