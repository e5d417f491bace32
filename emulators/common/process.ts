/** What every emulator's standalone entry does around its server: start, report failure, stop on a signal. */

/** Closes the server on SIGINT/SIGTERM (once), then exits; a close that hangs is cut short after 5 s. */
export function stopOnSignals(name: string, close: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`${name} stopping (${signal})`);
    setTimeout(() => process.exit(0), 5_000).unref();
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`${name}: error while stopping`, error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** Runs an entry's `main`, exiting non-zero with a one-line reason when it cannot start. */
export function runEntry(name: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(`${name} failed to start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
