/**
 * Builds the workflow bundles once, at image build (`Dockerfile`): the worker then loads one with
 * `WORKFLOW_BUNDLE_PATH` instead of running webpack at every start. Two are written: `<target>` without the tracing
 * interceptors, and `<target minus .js>.traced.js` with them, which the worker loads when tracing is on.
 *
 *   npx tsx scripts/build-workflow-bundle.ts dist/workflow-bundle.js
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { tracedBundlePath, workflowBundleSources } from '../workers/workflow-bundle';

async function main(): Promise<void> {
  const target = resolve(process.argv[2] ?? 'dist/workflow-bundle.js');
  mkdirSync(dirname(target), { recursive: true });
  for (const [path, tracing] of [
    [target, false],
    [tracedBundlePath(target), true],
  ] as const) {
    const { code } = await bundleWorkflowCode(workflowBundleSources(tracing));
    writeFileSync(path, code);
    console.log(`Workflow bundle written to ${path} (${(code.length / 1024).toFixed(0)} KiB)`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
