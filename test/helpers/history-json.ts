/**
 * Workflow histories as JSON, in the format `temporal workflow show --output json` writes (proto3 JSON).
 *
 * The SDK's own `historyToJSON`/`historyFromJSON` (`@temporalio/common/lib/proto-utils`) fail in this install
 * ("type must be a Type"): npm gave `@temporalio/common` and `@temporalio/proto` separate copies of protobufjs,
 * and the JSON codec of one does not accept the other's types. This uses the codec of the copy the proto
 * package itself loads, so the types match whatever the layout.
 */
import { temporal } from '@temporalio/proto';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

type History = temporal.api.history.v1.IHistory;

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): History | null;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const protojson = require(
  require.resolve('protobufjs/ext/protojson', { paths: [require.resolve('@temporalio/proto')] }),
) as ProtoJson;
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType(
  'temporal.api.history.v1.History',
);

export function historyToJson(history: History): unknown {
  return protojson.toJson(historyType, temporal.api.history.v1.History.fromObject(history));
}

export function historyFromJson(json: unknown): History {
  const history = protojson.fromJson(historyType, json, { ignoreUnknownFields: true });
  if (!history) throw new TypeError('Not a workflow history');
  return history;
}
