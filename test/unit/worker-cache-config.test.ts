/**
 * The worker's workflow cache has a default that keeps its memory bounded: the SDK's own default is sized from the
 * heap limit (2,310 workflows for a 4 GiB heap), and a reconciliation of thousands of stale Events grew the worker
 * to 3.5 GiB with it (README, "The hourly sync and external meetings").
 */
import { loadWorkerConfig } from '../../common/config';
import { MINIMAL_WORKER_ENV } from '../helpers/worker-env';

const WORKER_ENV = MINIMAL_WORKER_ENV;

/** The meeting worker's cache size (the tuning holds one worker's slots, or one set per latency queue: the first). */
function cachedWorkflows(env: Record<string, string>): unknown {
  const tuning = loadWorkerConfig({ ...WORKER_ENV, ...env }).runtime.tuning as Record<string, unknown>;
  const meetingWorker = ('interactive' in tuning ? tuning.interactive : tuning) as Record<string, unknown>;
  return meetingWorker.maxCachedWorkflows;
}

test('the workflow cache holds 250 workflows unless WORKER_MAX_CACHED_WORKFLOWS says otherwise', () => {
  expect(cachedWorkflows({})).toBe(250);
  expect(cachedWorkflows({ WORKER_MAX_CACHED_WORKFLOWS: '1000' })).toBe(1000);
});

test('a cache size that is not a whole number of workflows is refused', () => {
  expect(() => cachedWorkflows({ WORKER_MAX_CACHED_WORKFLOWS: 'lots' })).toThrow(/WORKER_MAX_CACHED_WORKFLOWS/);
  expect(() => cachedWorkflows({ WORKER_MAX_CACHED_WORKFLOWS: '-1' })).toThrow(/WORKER_MAX_CACHED_WORKFLOWS/);
});
