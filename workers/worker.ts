import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { type Activities } from '../activities';

/** The meeting worker: the workflows of this project plus the given activities, on one task queue. */
export async function createWorker(options: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  /** Tests pass a pre-built bundle so that each test file bundles once. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}): Promise<Worker> {
  const { connection, namespace, taskQueue, activities, workflowBundle } = options;
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    activities,
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
  });
}
