import { calloutHeaders } from '../../domain/callout-signature';
import {
  MEETING_INPUT_FIELDS,
  SNAPSHOT_FIELDS,
  type EventCalloutItem,
  type EventSnapshot,
} from '../../domain/event-fields';
import { type SRecord } from './values';
import { type DmlChange } from './writes';

/**
 * The org's Apex trigger on Event, played by the emulator: after a DML through the API commits, the Events that
 * matter to a Zoom meeting are sent to the integration in one signed callout per 200 records (a trigger sees at
 * most 200 records, and the Queueable it enqueues makes one callout). Callouts run one after another, after the
 * API response, and are retried on a network error or a 5xx.
 */

export interface CalloutTarget {
  url: string;
  secret: string;
  /** Default true; `setEnabled` switches it at run time. */
  enabled?: boolean;
  /** Waits before each retry; default [200, 800, 3200] ms (three retries). */
  retryDelaysMs?: number[];
  /** Per attempt; Apex's default callout timeout is 10 s. */
  timeoutMs?: number;
}

export interface CalloutRecord {
  /** ISO time the first attempt was sent. */
  sentAt: string;
  itemCount: number;
  /** HTTP status of the last answer; 0 for a network error, null while in flight. */
  status: number | null;
  /** From the first attempt to the last answer, retries included. */
  durationMs: number | null;
  attempts: number;
  error?: string;
}

export const CALLOUT_BATCH_SIZE = 200;

const changed = (before: SRecord, after: SRecord) => MEETING_INPUT_FIELDS.some((f) => before[f] !== after[f]);
const ticked = (record: SRecord | null) => record?.Make_Zoom_Meeting__c === true;
const hasMeeting = (record: SRecord | null) =>
  typeof record?.Zoom_Meeting_Id__c === 'string' && record.Zoom_Meeting_Id__c !== '';
/** A meeting held in Zoom outside Salesforce (imported by the hourly sync) is Zoom's, never sent back to it. */
const managesMeeting = (record: SRecord | null) => hasMeeting(record) && record?.Zoom_Source__c !== 'External';

/** The trigger handler's filter: which changed Events become callout items (integration write-backs do not). */
export function calloutItemsFor(changes: DmlChange[]): EventCalloutItem[] {
  const items: EventCalloutItem[] = [];
  for (const { operation, object, before, after } of changes) {
    if (object.name !== 'Event') continue;
    // An Event inserted with its meeting already made (an instant meeting) is the integration's own: no callout.
    if (operation === 'insert' && ticked(after) && !hasMeeting(after)) {
      items.push({ operation: 'upsert', event: snapshotOf(after) });
    }
    if (operation === 'update' && before && changed(before, after)) {
      if (ticked(before) || ticked(after) || managesMeeting(before) || managesMeeting(after)) {
        items.push({ operation: 'upsert', event: snapshotOf(after) });
      }
    }
    if (operation === 'delete' && (ticked(before) || managesMeeting(before))) {
      items.push({ operation: 'delete', event: snapshotOf(after) });
    }
  }
  return items;
}

/** The Event's `SNAPSHOT_FIELDS` as the REST API writes them, null for empty. */
export function snapshotOf(record: SRecord): EventSnapshot {
  return Object.fromEntries(SNAPSHOT_FIELDS.map((f) => [f, record[f] ?? null])) as unknown as EventSnapshot;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class ApexTriggerPlay {
  readonly callouts: CalloutRecord[] = [];
  private enabled: boolean;
  private queue: Promise<void> = Promise.resolve();
  private generation = 0;

  constructor(
    private readonly target: CalloutTarget | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.enabled = target !== undefined && target.enabled !== false;
  }

  get isEnabled(): boolean {
    return this.enabled;
  }

  /** Turns the trigger on or off (it stays off without a callout target). */
  setEnabled(enabled: boolean): void {
    this.enabled = enabled && this.target !== undefined;
  }

  /** Called once per API request that committed DML, after its response was sent. */
  afterCommit(changes: DmlChange[]): void {
    if (!this.enabled || !this.target) return;
    const items = calloutItemsFor(changes);
    for (let i = 0; i < items.length; i += CALLOUT_BATCH_SIZE) {
      const batch = items.slice(i, i + CALLOUT_BATCH_SIZE);
      const generation = this.generation;
      this.queue = this.queue.then(() => (generation === this.generation ? this.deliver(batch) : undefined));
    }
  }

  /** Resolves when every callout queued so far has been answered or given up. */
  idle(): Promise<void> {
    return this.queue;
  }

  /** Forgets the callout log; queued callouts not yet started are dropped. */
  reset(): void {
    this.generation += 1;
    this.callouts.length = 0;
  }

  private async deliver(items: EventCalloutItem[]): Promise<void> {
    const target = this.target!;
    const body = JSON.stringify({ events: items });
    const started = Date.now();
    const record: CalloutRecord = {
      sentAt: new Date(this.now()).toISOString(),
      itemCount: items.length,
      status: null,
      durationMs: null,
      attempts: 0,
    };
    this.callouts.push(record);
    const delays = target.retryDelaysMs ?? [200, 800, 3200];
    for (let attempt = 0; ; attempt++) {
      record.attempts = attempt + 1;
      try {
        // Signed per attempt: the timestamp must be fresh when the integration checks it.
        const response = await fetch(target.url, {
          method: 'POST',
          headers: calloutHeaders(target.secret, body, this.now()),
          body,
          signal: AbortSignal.timeout(target.timeoutMs ?? 10_000),
        });
        await response.arrayBuffer().catch(() => undefined);
        record.status = response.status;
        delete record.error;
        if (response.status < 500) break;
        record.error = `HTTP ${response.status}`;
      } catch (error) {
        record.status = 0;
        record.error =
          error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
      }
      if (attempt >= delays.length) break;
      await sleep(delays[attempt]);
    }
    record.durationMs = Date.now() - started;
  }
}
