/**
 * Where the Temporal executables are: the CLI (`temporal`, for `server start-dev`) and the Java time-skipping test
 * server (`temporal-test-server`). `node scripts/bootstrap.mjs` installs both into `.tools/temporal/bin`.
 *
 * Precedence (the same as the bootstrap's):
 *   CLI:         $TEMPORAL_CLI_PATH, then `temporal` on PATH, then .tools/temporal/bin/temporal
 *   test server: $TEMPORAL_TEST_SERVER_PATH, then .tools/temporal/bin/temporal-test-server
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

export const PROJECT_ROOT = resolve(__dirname, '..');
export const TEMPORAL_TOOLS_BIN = join(PROJECT_ROOT, '.tools', 'temporal', 'bin');

function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(exe: string, pathVar = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathVar.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, exe);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function fromEnv(name: string): string | undefined {
  const value = process.env[name];
  if (!value) return undefined;
  if (!isExecutable(value)) {
    throw new Error(
      `${name}=${value} is not an executable file. Fix or unset it, then run: node scripts/bootstrap.mjs`,
    );
  }
  return value;
}

function notInstalled(what: string, envName: string): Error {
  return new Error(
    `${what} not found (looked at $${envName}${envName === 'TEMPORAL_CLI_PATH' ? ', PATH' : ''} and ` +
      `${TEMPORAL_TOOLS_BIN}). Install it with: node scripts/bootstrap.mjs`,
  );
}

/** Path of the `temporal` CLI executable. Throws a clear error when it is not installed. */
export function resolveTemporalCli(): string {
  const path = fromEnv('TEMPORAL_CLI_PATH') ?? findOnPath('temporal');
  if (path) return path;
  const local = join(TEMPORAL_TOOLS_BIN, 'temporal');
  if (isExecutable(local)) return local;
  throw notInstalled('Temporal CLI (temporal)', 'TEMPORAL_CLI_PATH');
}

/** Path of the Java time-skipping test server executable. Throws a clear error when it is not installed. */
export function resolveTemporalTestServer(): string {
  const path = fromEnv('TEMPORAL_TEST_SERVER_PATH');
  if (path) return path;
  const local = join(TEMPORAL_TOOLS_BIN, 'temporal-test-server');
  if (isExecutable(local)) return local;
  throw notInstalled('Temporal time-skipping test server (temporal-test-server)', 'TEMPORAL_TEST_SERVER_PATH');
}

/**
 * `temporal server start-dev` flags for one partition per task queue, as the rate-limited Zoom queues need (README,
 * "Rate-limited queues"): the server splits a queue's `maxTaskQueueActivitiesPerSecond` between its partitions (4 by
 * default), and at a fraction of a task a second each partition's share stalls while another's tokens go unused.
 */
export const SINGLE_PARTITION_QUEUES = [
  '--dynamic-config-value',
  'matching.numTaskqueueReadPartitions=1',
  '--dynamic-config-value',
  'matching.numTaskqueueWritePartitions=1',
];
