import { startTestStack, type TestStack } from '../test/helpers/stack';

/** Nearest-rank percentile of a sample (p in 0..100). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

export function summarize(values: number[]) {
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    count: values.length,
    min: round(Math.min(...values)),
    p50: round(percentile(values, 50)),
    p90: round(percentile(values, 90)),
    p95: round(percentile(values, 95)),
    p99: round(percentile(values, 99)),
    max: round(Math.max(...values)),
    mean: round(values.reduce((a, b) => a + b, 0) / values.length),
  };
}

/**
 * Runs one benchmark on a fresh in-process stack (dev server, emulators, API, worker), prints its report as
 * JSON, and always stops the stack; a failure exits non-zero.
 */
export function runBenchmark(
  options: Parameters<typeof startTestStack>[0],
  measure: (stack: TestStack) => Promise<object>,
): void {
  (async () => {
    const stack = await startTestStack(options);
    try {
      console.log(JSON.stringify(await measure(stack), null, 2));
    } finally {
      await stack.stop();
    }
  })().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
