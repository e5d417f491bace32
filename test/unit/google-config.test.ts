/** The Google Calendar section of the worker's configuration: optional as a whole, strict once any part is set. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadWorkerConfig } from '../../common/config';
import { createDemoServiceAccount } from '../../emulators/google/oauth';

const base = {
  PAYLOAD_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
  ZOOM_ACCOUNT_ID: 'a',
  ZOOM_CLIENT_ID: 'b',
  ZOOM_CLIENT_SECRET: 'c',
  SALESFORCE_LOGIN_URL: 'https://example.my.salesforce.com',
  SALESFORCE_CLIENT_ID: 'd',
  SALESFORCE_CLIENT_SECRET: 'e',
};
const key = createDemoServiceAccount().key;

function problems(env: Record<string, string>): string[] {
  try {
    loadWorkerConfig({ ...base, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('Google Calendar configuration', () => {
  it('is off when no GOOGLE_* variable is set', () => {
    expect(loadWorkerConfig(base).google).toBeUndefined();
  });

  it("reads the service account's key from a file or inline, with Google's URLs by default", () => {
    const file = join(mkdtempSync(join(tmpdir(), 'google-key-')), 'key.json');
    writeFileSync(file, JSON.stringify(key));
    const fromFile = loadWorkerConfig({ ...base, GOOGLE_SERVICE_ACCOUNT_KEY_FILE: file }).google;
    expect(fromFile).toEqual({
      serviceAccount: { clientEmail: key.client_email, privateKey: key.private_key, privateKeyId: key.private_key_id },
      apiBaseUrl: 'https://www.googleapis.com/',
      tokenUrl: 'https://oauth2.googleapis.com/token',
    });
    expect(loadWorkerConfig({ ...base, GOOGLE_SERVICE_ACCOUNT_JSON: JSON.stringify(key) }).google).toEqual(fromFile);
  });

  it('refuses a half configuration, both key sources, a missing file and a key that is not a service account', () => {
    expect(problems({ GOOGLE_CALENDAR_API_BASE_URL: 'http://127.0.0.1:4030/' })).toEqual([
      'Set one of GOOGLE_SERVICE_ACCOUNT_KEY_FILE and GOOGLE_SERVICE_ACCOUNT_JSON',
    ]);
    expect(problems({ GOOGLE_SERVICE_ACCOUNT_JSON: '{}', GOOGLE_SERVICE_ACCOUNT_KEY_FILE: '/k.json' })).toHaveLength(1);
    expect(problems({ GOOGLE_SERVICE_ACCOUNT_KEY_FILE: '/nowhere/key.json' })).toEqual([
      'GOOGLE_SERVICE_ACCOUNT_KEY_FILE: no file at /nowhere/key.json',
    ]);
    expect(problems({ GOOGLE_SERVICE_ACCOUNT_JSON: '{"type":"authorized_user"}' })).toEqual([
      'GOOGLE_SERVICE_ACCOUNT_JSON: needs type "service_account", client_email and private_key',
    ]);
    expect(problems({ GOOGLE_SERVICE_ACCOUNT_JSON: JSON.stringify(key), GOOGLE_OAUTH_TOKEN_URL: 'not a url' })).toEqual(
      [expect.stringMatching(/^GOOGLE_OAUTH_TOKEN_URL: /)],
    );
  });
});
