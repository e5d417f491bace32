import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const REPO = join(__dirname, '..', '..');

/**
 * Builds the image's workflow bundles (`scripts/build-workflow-bundle.ts`: the plain one at `path`, the traced one
 * beside it), for a worker process started with `WORKFLOW_BUNDLE_PATH` as the image starts it. Resolves with `path`.
 */
export async function buildImageBundles(path: string): Promise<string> {
  await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/build-workflow-bundle.ts', path], {
    cwd: REPO,
  });
  return path;
}
