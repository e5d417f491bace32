/** Worker Versioning's configuration: off by default, on with a deployment name and a build id, never half set. */
import { loadWorkerConfig } from '../../common/config';
import { MINIMAL_WORKER_ENV } from '../helpers/worker-env';

const WORKER_ENV = MINIMAL_WORKER_ENV;

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
