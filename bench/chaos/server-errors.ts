import { type LogCapture } from './log-capture';

/**
 * Every 5xx the API answered during the run, whoever asked (the scenarios, the emulated org's callouts, Zoom's
 * webhooks), counted by method, route and status from the API's one log line per request.
 */
export function serverErrors(logs: LogCapture): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { source, line } of logs.lines) {
    if (source !== 'api') continue;
    let entry: { msg?: unknown; status?: unknown; method?: unknown; route?: unknown };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue;
    }
    if (entry.msg !== 'request' || typeof entry.status !== 'number' || entry.status < 500) continue;
    const key = `${String(entry.method)} ${String(entry.route)} ${entry.status}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
