import type { BundleOptions } from '@temporalio/worker';
import { WORKFLOW_TRACING_INTERCEPTORS } from '../common/temporal-tracing';

/**
 * What goes into the workflow bundle, the same for the image's prebuilt bundle (`scripts/build-workflow-bundle.ts`),
 * a worker bundling at start, the end-to-end tests and the replay of committed histories: the workflows and the
 * tracing interceptors, which run whether or not tracing is on.
 */
export const WORKFLOW_BUNDLE_SOURCES = {
  workflowsPath: require.resolve('../workflows'),
  workflowInterceptorModules: [WORKFLOW_TRACING_INTERCEPTORS],
} satisfies Pick<BundleOptions, 'workflowsPath' | 'workflowInterceptorModules'>;
