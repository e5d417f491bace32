import {
  WorkflowExecutionAlreadyStartedError,
  type ConnectionLike,
  type WorkflowStartOptions,
} from '@temporalio/client';
import type { signedRequestWorkflow } from '../workflows/signed-request';
import { signedRequestWorkflowId } from '../workflows/messages';
import { withinDeadline } from './request-helpers';

/**
 * The replay cache of the org's signed requests: each `X-Nonce` is honoured once, on whichever API replica it
 * arrives. It lives in Temporal, which every replica already shares: the first use of a nonce starts
 * `signedRequestWorkflow` under an id made from it, with the reject-duplicate id policy; a second start of that id
 * fails (`WorkflowExecutionAlreadyStartedError`), so a replayed request is refused. Nothing of the request is sent
 * to Temporal but the nonce, which is random.
 *
 * The workflow's first task is delayed until the signature expires, so it stays open (and its id taken, whatever
 * the namespace's retention) while the request could still be accepted, and costs one workflow task in all.
 */
export const SIGNED_REQUEST_WORKFLOW_TYPE = 'signedRequestWorkflow';

export type SignedRequestStartOptions = WorkflowStartOptions<typeof signedRequestWorkflow>;

export interface ReplayGuardTemporal {
  workflow: { start(workflowType: string, options: SignedRequestStartOptions): Promise<unknown> };
  connection: Pick<ConnectionLike, 'withDeadline'>;
}

export interface ReplayGuard {
  /**
   * Records the nonce; `true` the first time, `false` for a nonce seen before. Throws when the cache cannot be
   * reached by `deadlineMs` (epoch ms); the request must then be refused as "try again later", not accepted.
   */
  firstUse(nonce: string, validUntilMs: number, deadlineMs: number): Promise<boolean>;
}

export function temporalReplayGuard(temporal: ReplayGuardTemporal, taskQueue: string, now: () => number): ReplayGuard {
  return {
    async firstUse(nonce, validUntilMs, deadlineMs) {
      const startDelay = Math.max(0, Math.ceil(validUntilMs - now()));
      try {
        await withinDeadline(temporal.connection, deadlineMs, () =>
          temporal.workflow.start(SIGNED_REQUEST_WORKFLOW_TYPE, {
            workflowId: signedRequestWorkflowId(nonce),
            taskQueue,
            workflowIdConflictPolicy: 'FAIL',
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
            ...(startDelay > 0 ? { startDelay } : {}),
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
        throw error;
      }
    },
  };
}
