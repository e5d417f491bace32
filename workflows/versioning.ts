import { setWorkflowOptions, workflowInfo } from '@temporalio/workflow';

/**
 * Marks a short-lived workflow `PINNED` under Worker Versioning (README, "Upgrading workflows"): it finishes on the
 * release that started it while that release's workers drain. Only on a versioned worker: the server refuses a
 * versioning behaviour from a worker without a deployment version (every workflow task failed on the dev server).
 */
export function pinnedWhenVersioned<A extends unknown[], R>(workflow: (...args: A) => Promise<R>): void {
  setWorkflowOptions(
    () => (workflowInfo().currentDeploymentVersion?.deploymentName ? { versioningBehavior: 'PINNED' } : {}),
    workflow as (...args: unknown[]) => Promise<unknown>,
  );
}
