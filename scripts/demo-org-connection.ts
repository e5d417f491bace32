import { Connection } from 'jsforce';
import { readEnv } from '../common/config';
import { DEMO_CREDENTIALS } from '../emulators/demo-org';

/** A jsforce connection to the emulated demo org of the embedded stack (its connected-app credentials). */
export async function connectToDemoOrg(): Promise<Connection> {
  const env = readEnv();
  const conn = new Connection({
    oauth2: {
      loginUrl: `http://127.0.0.1:${env.SALESFORCE_EMULATOR_PORT || 4020}`,
      clientId: DEMO_CREDENTIALS.salesforce.clientId,
      clientSecret: DEMO_CREDENTIALS.salesforce.clientSecret,
    },
    version: env.SALESFORCE_API_VERSION || '62.0',
  });
  await conn.authorize({ grant_type: 'client_credentials' });
  return conn;
}
