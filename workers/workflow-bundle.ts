import { existsSync } from 'node:fs';
import type { BundleOptions } from '@temporalio/worker';
import { WORKFLOW_TRACING_INTERCEPTORS } from '../common/temporal-tracing';

type BundleSources = Pick<BundleOptions, 'workflowsPath' | 'workflowInterceptorModules'>;

/**
 * What goes into the workflow bundle, the same for the image's prebuilt bundles (`scripts/build-workflow-bundle.ts`),
 * a worker bundling at start, the end-to-end tests and the replay of committed histories: the workflows, and the
 * tracing interceptors only when tracing is on. They are not free when nothing exports their spans: every workflow
 * task opens spans, and every cached workflow evaluates its own copy of the OpenTelemetry modules (bench:sync, 1,000
 * stale Events: the worker peaked at 2,039 MiB with them and 762 MiB without, and its workflow thread worked half as
 * long).
 */
export function workflowBundleSources(tracing: boolean): BundleSources {
  return {
    workflowsPath: require.resolve('../workflows'),
    workflowInterceptorModules: tracing ? [WORKFLOW_TRACING_INTERCEPTORS] : [],
  };
}

/** The prebuilt bundle with the tracing interceptors, written beside the plain one (`dist/workflow-bundle.traced.js`). */
export function tracedBundlePath(bundlePath: string): string {
  return bundlePath.replace(/(\.js)?$/, '.traced.js');
}

/** The image's prebuilt bundle for this worker (`WORKFLOW_BUNDLE_PATH`, or its traced companion when tracing is on). */
export function prebuiltBundle(bundlePath: string, tracing: boolean): { codePath: string } {
  const codePath = tracing ? tracedBundlePath(bundlePath) : bundlePath;
  if (!existsSync(codePath)) {
    throw new Error(
      `No workflow bundle at ${codePath}${tracing ? ' (tracing is on: the traced bundle is loaded)' : ''}; ` +
        'build it with scripts/build-workflow-bundle.ts',
    );
  }
  return { codePath };
}
