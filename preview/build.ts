import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The preview's bundle: the package's own components (salesforce/force-app/.../lwc), compiled by the LWC compiler
 * with lightning-base-components, for the browser (`preview/compile.ts`). Only what cannot run outside an org is
 * replaced: `@salesforce/apex` imports call the preview server's Apex stand-in, and `lightning/navigation` opens
 * Lightning's paths.
 */
export const PROJECT_ROOT = join(__dirname, '..');
const LWC_DIR = join(PROJECT_ROOT, 'salesforce/force-app/main/default/lwc');
const MODULES_DIR = join(__dirname, 'modules');
const CACHE_DIR = join(PROJECT_ROOT, '.data', 'preview');

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name !== '__tests__')
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? filesUnder(path) : [path];
    })
    .sort();
}

/** What the bundle is made from: the components, the preview's modules, its compile step and the locked versions. */
function sourceHash(): string {
  const hash = createHash('sha256');
  for (const file of [
    ...filesUnder(LWC_DIR),
    ...filesUnder(MODULES_DIR),
    join(__dirname, 'compile.ts'),
    join(PROJECT_ROOT, 'package-lock.json'),
  ]) {
    hash.update(file).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * The bundle, compiled again only when its sources changed (kept in the git-ignored `.data/preview/`): compiling
 * takes 20 to 40 s on two cores.
 */
export function previewBundle(): string {
  const file = join(CACHE_DIR, `bundle-${sourceHash()}.js`);
  if (existsSync(file)) return readFileSync(file, 'utf8');
  mkdirSync(CACHE_DIR, { recursive: true });
  const partial = `${file}.partial`;
  const compiled = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'compile.ts'), partial], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
  });
  if (compiled.status !== 0) throw new Error(`compiling the preview failed: ${compiled.stderr.trim()}`);
  for (const old of readdirSync(CACHE_DIR).filter((name) => name.startsWith('bundle-'))) {
    if (!old.endsWith('.partial')) rmSync(join(CACHE_DIR, old));
  }
  renameSync(partial, file);
  return readFileSync(file, 'utf8');
}
