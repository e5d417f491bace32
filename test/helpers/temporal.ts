/**
 * Temporal test environments on real servers, never a mocked SDK:
 * - `createDevServerEnv()`: the Temporal CLI dev server (in-memory SQLite, the project's search attributes, no UI),
 *   for end-to-end tests and anything needing visibility queries, schedules or start delay;
 * - `createTimeSkippingEnv()`: the Java time-skipping test server, for workflow tests with long timers.
 * Both executables come from `node scripts/bootstrap.mjs` (see `scripts/temporal-binaries.ts`).
 */
import { randomUUID } from 'node:crypto';
import { SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import {
  resolveTemporalCli,
  resolveTemporalTestServer,
  SINGLE_PARTITION_QUEUES,
} from '../../scripts/temporal-binaries';
import { SEARCH_ATTRIBUTES } from '../../workflows/messages';
import { AesGcmPayloadCodec, parsePayloadKeys } from '../../common/payload-codec';

const { IndexedValueType } = temporal.api.enums.v1;

let runtimeInstalled = false;

/** The tests' payload key, as `PAYLOAD_KEYS` holds it: tests run with payloads encrypted, as production does. */
export const TEST_PAYLOAD_KEYS = 'test-1:Fz0kq4Ad0y3vJXrUjHl9m3WbqY2cQ4p8vN6sT1xE7aI=';
export const TEST_PAYLOAD_CODEC = new AesGcmPayloadCodec(parsePayloadKeys(TEST_PAYLOAD_KEYS).keys);
/** The converter of every test client and worker (the environments' clients use it). */
export const TEST_DATA_CONVERTER = { payloadCodecs: [TEST_PAYLOAD_CODEC] };

/**
 * Keeps jest output readable: SDK warnings and errors only. jest gives each test file its own module registry, so
 * this runs once per file; a runtime already created in this registry (by an earlier call) is left alone.
 */
export function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // A runtime already exists in this registry; keep it.
  }
}

/** Server-side index types of `SEARCH_ATTRIBUTES`, for `operatorService.addSearchAttributes`. */
export function searchAttributeIndexTypes(): Record<string, temporal.api.enums.v1.IndexedValueType> {
  const types: Partial<Record<string, temporal.api.enums.v1.IndexedValueType>> = {
    [SearchAttributeType.KEYWORD]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    [SearchAttributeType.DATETIME]: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
    [SearchAttributeType.TEXT]: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
    [SearchAttributeType.INT]: IndexedValueType.INDEXED_VALUE_TYPE_INT,
    [SearchAttributeType.DOUBLE]: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
    [SearchAttributeType.BOOL]: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
    [SearchAttributeType.KEYWORD_LIST]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  };
  return Object.fromEntries(
    SEARCH_ATTRIBUTES.map((key) => {
      const type = types[key.type];
      if (type === undefined) throw new Error(`No index type for search attribute ${key.name} (${key.type})`);
      return [key.name, type];
    }),
  );
}

/**
 * A Temporal CLI dev server with an in-memory database, listening on 127.0.0.1 (random port), UI off, the project's
 * search attributes registered at start. No `--sqlite-pragma` flags: the CLI accepts them with the in-memory
 * database but they are no-ops there (an in-memory SQLite has neither a WAL nor fsyncs).
 */
export async function createDevServerEnv(): Promise<TestWorkflowEnvironment> {
  installQuietRuntime();
  return TestWorkflowEnvironment.createLocal({
    client: { dataConverter: TEST_DATA_CONVERTER },
    server: {
      executable: { type: 'existing-path', path: resolveTemporalCli() },
      ip: '127.0.0.1',
      ui: false,
      searchAttributes: SEARCH_ATTRIBUTES,
      // 'never': the server logs errors while the SDK polls it during start-up; failures still surface in the SDK.
      log: { format: 'pretty', level: 'never' },
      extraArgs: SINGLE_PARTITION_QUEUES,
    },
  });
}

/**
 * The Java time-skipping test server (random port). It starts without custom search attributes and validates
 * upserts against its registry, so the project's are registered before returning.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  installQuietRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    client: { dataConverter: TEST_DATA_CONVERTER },
    server: { executable: { type: 'existing-path', path: resolveTemporalTestServer() } },
  });
  try {
    await env.connection.operatorService.addSearchAttributes({
      namespace: env.namespace ?? 'default',
      searchAttributes: searchAttributeIndexTypes(),
    });
  } catch (error) {
    await env.teardown();
    throw error;
  }
  return env;
}

/** A task queue no other test uses, so tests sharing one server do not steal each other's tasks. */
export function uniqueTaskQueue(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}
