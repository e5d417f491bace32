/**
 * The worker process's one log stream: the SDK's logs (workflow and activity loggers, the Rust core's forwarded
 * lines) and the process's own lines, written by pino like the API's. `LOG_FORMAT=json` (the default) gives one
 * JSON object a line for a log shipper; `pretty` is for a terminal.
 */
import pino from 'pino';
import { DefaultLogger, makeTelemetryFilterString, type LogEntry, type Logger } from '@temporalio/worker';
import type { LoggingConfig } from '../common/config';

export interface WorkerLogging {
  /** The Runtime's logger (`Runtime.install({ logger })`). */
  logger: Logger;
  /** `telemetryOptions.logging`: the core's lines at the same level, forwarded to `logger`. */
  telemetryLogging: { filter: string; forward: Record<string, never> };
}

export function createWorkerLogging(config: LoggingConfig): WorkerLogging {
  const out = pino({
    level: config.level,
    base: { service: 'zoom-salesforce-worker' },
    ...(config.pretty ? { transport: { target: 'pino-pretty', options: { ignore: 'pid,hostname' } } } : {}),
  });
  const write = ({ level, message, meta }: LogEntry) => out[level.toLowerCase() as pino.Level](meta ?? {}, message);
  const level = config.level.toUpperCase() as Uppercase<LoggingConfig['level']>;
  return {
    logger: new DefaultLogger(level, write),
    telemetryLogging: { filter: makeTelemetryFilterString({ core: level }), forward: {} },
  };
}
