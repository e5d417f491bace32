/**
 * The one-task floor of the callout path (issue 15 §4), measured beside it by `bench:schedule` in the same run on the
 * same dev server: the org's callout of one Event to the API, the API's signal-with-start, the first workflow task,
 * one local activity writing the Event's Zoom fields, as the real path's write-back does. Nothing can reach the join
 * URL faster on Temporal, so it is what the hot path (`workflows/hot-path.ts`) is held to.
 *
 * It has its own task queue, worker (the production worker's options, `bench/one-task-floor-workflow.ts` bundled with
 * the production interceptors) and API (the production callout route, its signature check and replay guard), in the
 * bench's process beside the stack's: the same machine, server and emulated org.
 */
import { bundleWorkflowCode } from '@temporalio/worker';
import { createMeetingActivities } from '../activities/meetings';
import { CALLOUT_PATH, createApiServer } from '../client/server';
import { calloutHeaders } from '../domain/callout-signature';
import { DEMO_CREDENTIALS } from '../emulators/demo-org';
import { snapshotOf } from '../emulators/salesforce/trigger';
import { SalesforceClient } from '../integrations/salesforce/client';
import { createWorker, runWorkers } from '../workers/worker';
import { workflowBundleSources } from '../workers/workflow-bundle';
import { API_VERSION, type TestStack } from '../test/helpers/stack';
import { TEST_DATA_CONVERTER, uniqueTaskQueue } from '../test/helpers/temporal';

export interface OneTaskFloor {
  /** Sends the org's callout for this Event (a single) to the floor's API; resolves with when it was sent (epoch ms). */
  callout(eventId: string): Promise<number>;
  stop(): Promise<void>;
}

export async function startOneTaskFloor(stack: TestStack): Promise<OneTaskFloor> {
  const taskQueue = uniqueTaskQueue('floor');
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('./one-task-floor-workflow'),
    workflowInterceptorModules: workflowBundleSources(false).workflowInterceptorModules,
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
  });
  const salesforce = new SalesforceClient({
    loginUrl: stack.salesforceUrl,
    clientId: DEMO_CREDENTIALS.salesforce.clientId,
    clientSecret: DEMO_CREDENTIALS.salesforce.clientSecret,
    apiVersion: API_VERSION,
  });
  const { writeEventFields } = createMeetingActivities({ zoom: stack.zoomClient, salesforce });
  const worker = await createWorker({
    connection: stack.env.nativeConnection,
    namespace: 'default',
    taskQueue,
    workflowBundle,
    // The floor's workflow calls this one activity only.
    activities: { writeEventFields } as unknown as Parameters<typeof createWorker>[0]['activities'],
    dataConverter: TEST_DATA_CONVERTER,
  });
  const running = runWorkers([worker]);
  const api = createApiServer({
    calloutSecret: DEMO_CREDENTIALS.calloutSecret,
    temporal: stack.env.client,
    taskQueue,
    logger: false,
  });
  const apiUrl = await api.listen({ port: 0, host: '127.0.0.1' });

  return {
    async callout(eventId) {
      const record = stack.salesforce.store.find(eventId)?.record;
      if (!record) throw new Error(`no Event ${eventId} in the org`);
      const body = JSON.stringify({ events: [{ operation: 'upsert', event: snapshotOf(record) }] });
      const sentAt = Date.now();
      const response = await fetch(`${apiUrl}${CALLOUT_PATH}`, {
        method: 'POST',
        headers: calloutHeaders(DEMO_CREDENTIALS.calloutSecret, body, sentAt),
        body,
      });
      await response.arrayBuffer();
      if (response.status !== 202) throw new Error(`the floor's callout was answered ${response.status}`);
      return sentAt;
    },
    async stop() {
      worker.shutdown();
      await running;
      await api.close();
    },
  };
}
