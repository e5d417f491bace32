/**
 * Builds the workflow bundle once, at image build (`Dockerfile`): the worker then loads it with
 * `WORKFLOW_BUNDLE_PATH` instead of running webpack at every start.
 *
 *   npx tsx scripts/build-workflow-bundle.ts dist/workflow-bundle.js
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_BUNDLE_SOURCES } from '../workers/workflow-bundle';

async function main(): Promise<void> {
  const target = resolve(process.argv[2] ?? 'dist/workflow-bundle.js');
  const { code } = await bundleWorkflowCode(WORKFLOW_BUNDLE_SOURCES);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, code);
  console.log(`Workflow bundle written to ${target} (${(code.length / 1024).toFixed(0)} KiB)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
