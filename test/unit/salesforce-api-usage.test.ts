/**
 * The org's daily API allowance as the SalesforceClient sees it: every REST response carries
 * `Sforce-Limit-Info: api-usage=<used>/<limit>`, which jsforce parses into `connection.limitInfo`; the client hands
 * each new reading to its `onApiUsage` observer (the worker's `salesforce_api_requests_remaining` gauge).
 */
import axios from 'axios';
import { DEMO_CREDENTIALS, DEMO_USERS } from '../../emulators/demo-org';
import { createSalesforceEmulator, type SalesforceEmulator } from '../../emulators/salesforce/server';
import { SalesforceClient, type SalesforceApiUsage } from '../../integrations/salesforce/client';

const VERSION = '62.0';
const { clientId, clientSecret } = DEMO_CREDENTIALS.salesforce;

let emulator: SalesforceEmulator;
let url: string;

beforeAll(async () => {
  emulator = createSalesforceEmulator({ clientId, clientSecret, dailyApiLimit: 5_000 });
  url = await emulator.listen(0);
});

afterAll(async () => {
  await emulator.close();
});

beforeEach(() => {
  emulator.admin.reset();
});

function observedClient(): { client: SalesforceClient; readings: SalesforceApiUsage[] } {
  const readings: SalesforceApiUsage[] = [];
  const client = new SalesforceClient(
    { loginUrl: url, clientId, clientSecret, apiVersion: VERSION },
    { onApiUsage: (usage) => readings.push(usage) },
  );
  return { client, readings };
}

test('each call reports the org’s API usage from the Sforce-Limit-Info header', async () => {
  await axios.post(`${url}/_emulator/limits`, { used: 1_200 });
  const { client, readings } = observedClient();
  await client.getUser(DEMO_USERS[0].salesforceId);
  // The token request is not a REST call: the query is the 1,201st of the day.
  expect(readings.at(-1)).toEqual({ used: 1_201, limit: 5_000, remaining: 3_799 });
  await client.getUser(DEMO_USERS[1].salesforceId);
  expect(readings.at(-1)).toEqual({ used: 1_202, limit: 5_000, remaining: 3_798 });
});

test('a call refused for the spent allowance still reports it: nothing left', async () => {
  await axios.post(`${url}/_emulator/limits`, { used: 5_000 });
  const { client, readings } = observedClient();
  await expect(client.getUser(DEMO_USERS[0].salesforceId)).rejects.toMatchObject({
    errorCode: 'REQUEST_LIMIT_EXCEEDED',
  });
  expect(readings.at(-1)).toEqual({ used: 5_000, limit: 5_000, remaining: 0 });
});
