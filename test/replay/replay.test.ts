/**
 * Every committed history (`test/replay/histories/*.json`, captured from the workflow and end-to-end tests of
 * earlier versions, PII-free) must replay against the current workflow code without a non-determinism error.
 * A change to a workflow's command order that is not behind `patched()` fails here, before it reaches the
 * workflows still open in production (see "Upgrading workflows" in the README).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { historyFromJson } from '../helpers/history-json';
import { workflowIdOfHistoryFile } from '../helpers/replay-capture';
import { installQuietRuntime, TEST_DATA_CONVERTER } from '../helpers/temporal';
import { workflowBundleSources } from '../../workers/workflow-bundle';
import { workerTracing } from '../../common/temporal-tracing';

const HISTORIES_DIR = join(__dirname, 'histories');
const files = readdirSync(HISTORIES_DIR)
  .filter((file) => file.endsWith('.json'))
  .sort();

interface HistoryJson {
  events: { workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } }; eventType?: string }[];
}

const read = (file: string) => JSON.parse(readFileSync(join(HISTORIES_DIR, file), 'utf8')) as HistoryJson;

/** The production bundles: the workflows alone (tracing off, the default), and with the tracing interceptors. */
const workflowBundles = new Map<boolean, WorkflowBundleWithSourceMap>();

beforeAll(async () => {
  installQuietRuntime();
  const silent = () => undefined;
  for (const tracing of [false, true]) {
    const bundle = await bundleWorkflowCode({
      ...workflowBundleSources(tracing),
      logger: { trace: silent, debug: silent, info: silent, warn: silent, error: silent, log: silent },
    });
    workflowBundles.set(tracing, bundle);
  }
});

test('the histories cover the long-lived workflows and the short ones, each with a completed workflow task', () => {
  // A history without a completed task gives the replayer nothing to do: it would wait forever.
  const empty = files.filter(
    (file) => !read(file).events.some((e) => e.eventType === 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED'),
  );
  expect(empty).toEqual([]);
  const types = new Set(
    files.map((file) => read(file).events[0].workflowExecutionStartedEventAttributes?.workflowType?.name),
  );
  for (const type of ['meetingWorkflow', 'instantMeetingWorkflow', 'hourlySyncWorkflow', 'hostSyncWorkflow']) {
    expect(types).toContain(type);
  }
});

// With the payload codec in place, as the workers run: the committed histories' plain payloads pass through it.
// Histories recorded with tracing on replay on a worker with it off, and the other way round: the interceptors add
// headers, never commands.
test.each([
  ['off', false],
  ['on', true],
])('every committed history replays against the current workflow code, tracing %s', async (_, tracing) => {
  const histories = files.map((file) => ({
    // The original id: child workflow ids derive from it.
    workflowId: workflowIdOfHistoryFile(file),
    history: historyFromJson(read(file)),
  }));
  const failures: string[] = [];
  let replayed = 0;
  for await (const result of Worker.runReplayHistories(
    {
      workflowBundle: workflowBundles.get(tracing)!,
      dataConverter: TEST_DATA_CONVERTER,
      sinks: workerTracing(undefined).sinks,
    },
    histories,
  )) {
    // Results come in the order the histories went in.
    if (result.error) failures.push(`${files[replayed]}: ${result.error.name}: ${result.error.message}`);
    replayed += 1;
  }
  expect(failures).toEqual([]);
  expect(replayed).toBe(files.length);
});
