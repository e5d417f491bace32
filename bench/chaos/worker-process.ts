import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { type Writable } from 'node:stream';

const REPO = join(__dirname, '..', '..');
/** Bundling the workflows takes a while on a busy 2-core machine. */
const READY_TIMEOUT_MS = 180_000;
/** The production worker: what it runs and the line it prints once it polls. */
const WORKER_ENTRY: ProcessEntry = { script: 'workers/main.ts', readyLine: 'Worker polling task queue' };

export interface ProcessEntry {
  /** The entry's path in the repository, run by node with `--import tsx`. */
  script: string;
  /** A line on its stdout that says it is ready. */
  readyLine: string;
}

/**
 * The production worker (`workers/main.ts`) as its own OS process against the chaos stack, so that `kill -9` is a
 * real crash: node runs the entry itself (`--import tsx`, no wrapper process that would outlive the kill). Its
 * stdout and stderr go to the log capture (the chaos suite's `LogCapture`, or any sink). bench:sync runs it too, to
 * measure the worker's own memory (and an emulator's entry, `entry`, apart from the bench's event loop).
 */
export class WorkerProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<unknown> | undefined;
  starts = 0;
  kills = 0;

  constructor(
    private readonly env: Record<string, string>,
    private readonly logs: { stream(source: string): Writable },
    private readonly entry: ProcessEntry = WORKER_ENTRY,
  ) {}

  /** The worker's process id while it runs. */
  get pid(): number | undefined {
    return this.child?.exitCode === null ? this.child.pid : undefined;
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', this.entry.script], {
      cwd: REPO,
      env: { ...process.env, ...this.env, LOG_LEVEL: 'info', LOG_FORMAT: 'json' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exited = once(child, 'exit');
    this.starts += 1;
    child.stdout.pipe(this.logs.stream('worker'));
    child.stderr.pipe(this.logs.stream('worker'));
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.entry.script} did not start in time`)), READY_TIMEOUT_MS);
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes(this.entry.readyLine)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${this.entry.script} exited while starting (code ${code})`));
      });
    });
    await ready;
  }

  /** A crash: SIGKILL, nothing flushed, in-flight activities abandoned. */
  async kill9(): Promise<void> {
    if (!this.child || this.child.exitCode !== null) throw new Error('no worker to kill');
    this.child.kill('SIGKILL');
    this.kills += 1;
    await this.exited;
  }

  /** A clean stop (SIGTERM, the worker drains), SIGKILL after 30 s. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await this.exited;
    clearTimeout(timer);
  }
}
