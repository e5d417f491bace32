import { pinnedWhenVersioned } from './versioning';

/**
 * The API's replay cache: one workflow per signed request from the org, its id made from the request's nonce
 * (`signedRequestWorkflowId`). The API starts it (`client/replay-guard.ts`) with a start delay that lasts until the
 * request's signature expires and the reject-duplicate id policy, so a second start with the same nonce fails, on
 * every API replica: while the signature could still be accepted the workflow is open, and afterwards it is a
 * closed workflow of that id for as long as the namespace keeps history (a day at least).
 *
 * It has nothing to do: no input (nothing of the request is kept), no activities, one workflow task once the delay
 * is over.
 */
export async function signedRequestWorkflow(): Promise<void> {
  // The id is the record; finishing is all there is to do.
}

// Short-lived: it finishes on the release that started it while that release's workers drain (Worker Versioning).
pinnedWhenVersioned(signedRequestWorkflow);
