/** Worker Versioning's configuration: off by default, on with a deployment name and a build id, never half set. */
import { loadWorkerConfig } from '../../common/config';

const WORKER_ENV = {
  PAYLOAD_KEYS: 'k1:' + Buffer.alloc(32, 7).toString('base64'),
  ZOOM_ACCOUNT_ID: 'a',
  ZOOM_CLIENT_ID: 'b',
  ZOOM_CLIENT_SECRET: 'c',
  SALESFORCE_LOGIN_URL: 'https://org.my.salesforce.com',
  SALESFORCE_CLIENT_ID: 'd',
  SALESFORCE_CLIENT_SECRET: 'e',
};

test('unversioned unless both are set; both give the deployment version', () => {
  expect(loadWorkerConfig(WORKER_ENV).runtime.deployment).toBeUndefined();
  expect(
    loadWorkerConfig({ ...WORKER_ENV, WORKER_DEPLOYMENT_NAME: 'zoom-salesforce', WORKER_BUILD_ID: '4f2c1ab' }).runtime
      .deployment,
  ).toEqual({ deploymentName: 'zoom-salesforce', buildId: '4f2c1ab' });
});

test('a deployment name without a build id (or the other way round) is a configuration error', () => {
  expect(() => loadWorkerConfig({ ...WORKER_ENV, WORKER_DEPLOYMENT_NAME: 'zoom-salesforce' })).toThrow(
    /WORKER_DEPLOYMENT_NAME and WORKER_BUILD_ID must be set together/,
  );
  expect(() => loadWorkerConfig({ ...WORKER_ENV, WORKER_BUILD_ID: '4f2c1ab' })).toThrow(/set together/);
});
