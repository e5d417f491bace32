import { type Connection } from 'jsforce';
import { type TestStack } from '../../test/helpers/stack';
import { type LogCapture } from './log-capture';
import { type WorkerProcess } from './worker-process';

export interface ChaosContext {
  stack: TestStack;
  worker: WorkerProcess;
  logs: LogCapture;
  /** A Salesforce user of the emulated org. */
  sf: Connection;
}

/** What a scenario measured, and every broken promise it saw (empty: passed). */
export interface ScenarioResult {
  figures: Record<string, unknown>;
  failures: string[];
}

export interface Scenario {
  name: string;
  run(context: ChaosContext): Promise<ScenarioResult>;
}

const HOUR = 3_600_000;

/** A Zoom Event two days ahead, owned by the i-th demo host. */
export function zoomEventFields(ownerId: string, subject: string, offsetMinutes = 0) {
  const start = Math.floor(Date.now() / 60_000) * 60_000 + 48 * HOUR + offsetMinutes * 60_000;
  return {
    Subject: subject,
    StartDateTime: new Date(start).toISOString(),
    EndDateTime: new Date(start + 30 * 60_000).toISOString(),
    OwnerId: ownerId,
    Make_Zoom_Meeting__c: true,
    Customer_Time_Zone__c: 'Europe/Paris',
  };
}
