/**
 * The task queues by latency (workflows/task-queues.ts) and their workers' slots from config (common/config.ts).
 */
import { loadWorkerConfig } from '../../common/config';
import { MINIMAL_WORKER_ENV } from '../helpers/worker-env';
import { zoomImportTaskQueue, zoomWritesTaskQueue } from '../../workflows/messages';
import { BULK_PRIORITY, bulkTaskQueue, calloutLatency, placementFor } from '../../workflows/task-queues';

const WORKER_ENV = MINIMAL_WORKER_ENV;

test("a rep's callout is interactive, a data load's is bulk", () => {
  expect(calloutLatency(1)).toBe('interactive');
  expect(calloutLatency(10)).toBe('interactive');
  expect(calloutLatency(11)).toBe('bulk');
  expect(calloutLatency(200)).toBe('bulk');
});

test('bulk workflows run on <queue>-bulk at the lowest priority; interactive ones on <queue> at the default', () => {
  expect(placementFor('interactive', 'zs')).toEqual({ taskQueue: 'zs' });
  expect(placementFor('bulk', 'zs')).toEqual({ taskQueue: 'zs-bulk', priority: { priorityKey: 5 } });
  expect(BULK_PRIORITY.priorityKey).toBe(5);
  // Either queue's name gives the same family.
  expect(bulkTaskQueue('zs-bulk')).toBe('zs-bulk');
  expect(placementFor('interactive', 'zs-bulk')).toEqual({ taskQueue: 'zs' });
});

test('both latency classes share the rate-limited Zoom queues: one account-wide budget', () => {
  expect(zoomWritesTaskQueue('zs-bulk')).toBe(zoomWritesTaskQueue('zs'));
  expect(zoomWritesTaskQueue('zs')).toBe('zs-zoom-writes');
  expect(zoomImportTaskQueue('zs-bulk')).toBe('zs-zoom-import');
});

test('each latency queue has its own slots from config, with defaults', () => {
  const defaults = loadWorkerConfig(WORKER_ENV).runtime.tuning;
  expect(defaults).toEqual({
    interactive: {
      maxConcurrentActivityTaskExecutions: 100,
      maxConcurrentWorkflowTaskExecutions: 40,
      maxCachedWorkflows: 250,
    },
    bulk: {
      maxConcurrentActivityTaskExecutions: 100,
      maxConcurrentWorkflowTaskExecutions: 20,
      maxCachedWorkflows: 250,
    },
  });
  const set = loadWorkerConfig({
    ...WORKER_ENV,
    WORKER_BULK_MAX_CONCURRENT_ACTIVITIES: '8',
    WORKER_BULK_MAX_CONCURRENT_WORKFLOW_TASKS: '4',
    WORKER_BULK_MAX_CACHED_WORKFLOWS: '50',
  }).runtime.tuning;
  expect(set.bulk).toEqual({
    maxConcurrentActivityTaskExecutions: 8,
    maxConcurrentWorkflowTaskExecutions: 4,
    maxCachedWorkflows: 50,
  });
  expect(set.interactive).toEqual(defaults.interactive);
});

test('bad slot counts and a task queue named like a bulk queue are refused, all in one error', () => {
  const load = () =>
    loadWorkerConfig({
      ...WORKER_ENV,
      WORKER_BULK_MAX_CONCURRENT_ACTIVITIES: '0',
      WORKER_BULK_MAX_CONCURRENT_WORKFLOW_TASKS: 'many',
      TEMPORAL_TASK_QUEUE: 'zs-bulk',
    });
  expect(load).toThrow(/WORKER_BULK_MAX_CONCURRENT_ACTIVITIES/);
  expect(load).toThrow(/WORKER_BULK_MAX_CONCURRENT_WORKFLOW_TASKS/);
  expect(load).toThrow(/TEMPORAL_TASK_QUEUE.*-bulk/);
});
