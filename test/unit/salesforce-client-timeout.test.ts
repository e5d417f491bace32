/**
 * The Salesforce client never outlives the activity that called it: a request Salesforce does not answer gives up
 * at the client's timeout (below every activity's startToCloseTimeout), and an activity's cancellation (a timed-out
 * or cancelled attempt) ends its call at once instead of leaving it to race the retry.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MockActivityEnvironment } from '@temporalio/testing';
import { CancelledFailure } from '@temporalio/common';
import { SalesforceClient, SALESFORCE_REQUEST_TIMEOUT_MS } from '../../integrations/salesforce/client';
import { SalesforceApiError } from '../../integrations/salesforce/errors';

let server: Server;
let url: string;

/** Answers the token request; every API request is accepted and never answered. */
beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url?.startsWith('/services/oauth2/token')) {
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({
          access_token: 'token',
          instance_url: url,
          id: `${url}/id/00D000000000001AAA/005000000000001AAA`,
          token_type: 'Bearer',
        }),
      );
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function client(requestTimeoutMs?: number): SalesforceClient {
  return new SalesforceClient({
    loginUrl: url,
    clientId: 'id',
    clientSecret: 'secret',
    apiVersion: '62.0',
    requestTimeoutMs,
  });
}

test('the default timeout leaves room inside the shortest activity that calls Salesforce (10 s)', () => {
  expect(SALESFORCE_REQUEST_TIMEOUT_MS).toBeLessThan(10_000);
});

test('a request Salesforce never answers fails at the client timeout', async () => {
  const began = Date.now();
  await expect(client(300).getUser('005000000000001AAA')).rejects.toThrow();
  expect(Date.now() - began).toBeLessThan(5_000);
});

test('a request that timed out is retried, not taken for Salesforce refusing the data', async () => {
  // bench:sync at 20,000 meetings: an upsert the loaded org answered after the timeout failed the host for good.
  const error: unknown = await client(300)
    .getUser('005000000000001AAA')
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SalesforceApiError);
  expect((error as SalesforceApiError).isRetryable).toBe(true);
  expect((error as SalesforceApiError).message).not.toMatch(/10 minutes/);
});

test("an activity's cancellation ends its Salesforce call at once", async () => {
  const env = new MockActivityEnvironment();
  const call = env.run(async () => client().getUser('005000000000001AAA'));
  setTimeout(() => env.cancel(), 200);
  const began = Date.now();
  await expect(call).rejects.toBeInstanceOf(CancelledFailure);
  expect(Date.now() - began).toBeLessThan(3_000);
});
