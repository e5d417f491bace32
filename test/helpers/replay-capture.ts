/**
 * Captures workflow histories for the replay tests (`test/replay/`). Opt-in: when `REPLAY_CAPTURE_DIR` is set, the
 * test environments write every workflow's history there before they shut down, PII-free (see `scrubHistory`).
 * A developer then picks the ones worth keeping into `test/replay/histories/`:
 *
 *   REPLAY_CAPTURE_DIR=/tmp/histories npx jest --runInBand test/workflow/meeting-lifecycle.test.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import type { Client } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { historyToJson } from './history-json';
import { ENCRYPTED_ENCODING } from '../../common/payload-codec';
import { payloadFromJson, payloadToJson, type PayloadJson } from '../../common/payload-json';
import { TEST_PAYLOAD_CODEC } from './temporal';

const RESERVED_MAIL_DOMAIN = /(^|\.)(example|example\.com|example\.org|example\.net|invalid|test)$/i;
/** Keys whose values are secrets wherever they appear in a payload. */
const SECRET_KEYS = /^(passcode|password|pwd|token|access_token|accessToken|startUrl|start_url|zak|secret)$/i;
const EMAIL = /[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+\.)+[A-Za-z]{2,}/g;

/** Replaces secrets and any e-mail address outside the reserved example domains; the same address maps the same. */
export class HistoryScrubber {
  private readonly addresses = new Map<string, string>();

  private address(found: string): string {
    if (RESERVED_MAIL_DOMAIN.test(found.split('@')[1])) return found;
    const key = found.toLowerCase();
    if (!this.addresses.has(key)) this.addresses.set(key, `person-${this.addresses.size + 1}@example.com`);
    return this.addresses.get(key)!;
  }

  /** Also drops this machine's name, which sticky task queue names (`<pid>@<host>-<uuid>`) carry. */
  text(value: string): string {
    return value
      .replace(EMAIL, (found) => this.address(found))
      .replace(/([?&](pwd|zak|tk)=)[^&#"\s]+/g, '$1REDACTED')
      .split(`@${hostname()}`)
      .join('@capture-host');
  }

  value(value: unknown, key?: string): unknown {
    if (typeof value === 'string') return key !== undefined && SECRET_KEYS.test(key) ? 'REDACTED' : this.text(value);
    if (Array.isArray(value)) return value.map((item) => this.value(item));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.value(v, k)]));
    }
    return value;
  }
}

function decode(base64: string): string {
  return Buffer.from(base64, 'base64').toString('utf8');
}

function encode(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/**
 * Walks history JSON: JSON payloads are decrypted (the tests' key), decoded, scrubbed and encoded again; worker
 * identities are dropped. Committed histories hold plain payloads: the replay test needs no key to read them.
 */
function scrubNode(node: unknown, scrubber: HistoryScrubber): unknown {
  if (Array.isArray(node)) return node.map((item) => scrubNode(item, scrubber));
  if (node === null || typeof node !== 'object') return typeof node === 'string' ? scrubber.text(node) : node;
  let object = node as Record<string, unknown>;
  if (
    typeof object.data === 'string' &&
    decode((object.metadata as PayloadJson['metadata'])?.encoding ?? '') === ENCRYPTED_ENCODING
  ) {
    object = { ...payloadToJson(TEST_PAYLOAD_CODEC.decrypt(payloadFromJson(object as PayloadJson))) };
  }
  const metadata = object.metadata as Record<string, string> | undefined;
  if (typeof object.data === 'string' && metadata && typeof metadata.encoding === 'string') {
    if (decode(metadata.encoding) !== 'json/plain') return object;
    const payload = JSON.parse(decode(object.data)) as unknown;
    return { ...object, data: encode(JSON.stringify(scrubber.value(payload))) };
  }
  return Object.fromEntries(
    Object.entries(object).map(([key, value]) => [
      key,
      key === 'identity' ? 'replay-capture' : scrubNode(value, scrubber),
    ]),
  );
}

/** A history as JSON (the format `historyFromJSON` reads), PII-free. */
export function scrubHistory(historyJson: unknown): string {
  return JSON.stringify(scrubNode(historyJson, new HistoryScrubber()));
}

/** Writes the history of every workflow the server knows into `REPLAY_CAPTURE_DIR`, if set. */
export async function captureHistoriesIfAsked(client: Client): Promise<void> {
  const dir = process.env.REPLAY_CAPTURE_DIR;
  if (!dir) return;
  const label = basename(expect.getState().testPath ?? 'run', '.test.ts');
  mkdirSync(dir, { recursive: true });
  let n = 0;
  for (const info of await executions(client)) {
    const history = await client.workflow.getHandle(info.workflowId, info.runId).fetchHistory();
    // A workflow whose first task never completed has nothing to replay.
    if (!history.events?.some((e) => e.workflowTaskCompletedEventAttributes)) continue;
    n += 1;
    writeFileSync(join(dir, historyFileName(label, info.workflowId, n)), scrubHistory(historyToJson(history)));
  }
}

/**
 * `<test file>~<workflow id>~<n>.json`: the replay needs the original workflow id (child workflow ids derive from
 * it); the ids hold Salesforce and Zoom ids only, no PII.
 */
export function historyFileName(label: string, workflowId: string, n: number): string {
  return `${label}~${workflowId}~${String(n).padStart(3, '0')}.json`;
}

export function workflowIdOfHistoryFile(fileName: string): string {
  const [, workflowId] = fileName.split('~');
  if (!workflowId) throw new Error(`${fileName} is not named <label>~<workflow id>~<n>.json`);
  return workflowId;
}

/** Every execution: the time-skipping server has no `ListWorkflowExecutions`, only the open and closed lists. */
async function executions(client: Client): Promise<{ workflowId: string; runId: string; type: string }[]> {
  const request = {
    namespace: client.options.namespace,
    maximumPageSize: 1000,
    startTimeFilter: { earliestTime: msToTs(0), latestTime: msToTs(Date.parse('3000-01-01T00:00:00Z')) },
  };
  const service = client.workflowService;
  const pages = [
    await service.listOpenWorkflowExecutions(request),
    await service.listClosedWorkflowExecutions(request),
  ];
  return pages.flatMap((page) =>
    (page.executions ?? []).map((e) => ({
      workflowId: e.execution!.workflowId!,
      runId: e.execution!.runId!,
      type: e.type!.name!,
    })),
  );
}
