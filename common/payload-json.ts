/**
 * Payloads in their proto3 JSON form (`metadata` values and `data` in base64), as the codec server's requests
 * (`/codec/encode`, `/codec/decode`) and history JSON (`temporal workflow show --output json`) carry them.
 */
import type { Payload } from '@temporalio/common';

export interface PayloadJson {
  metadata?: Record<string, string>;
  data?: string;
}

const base64 = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('base64');

export function payloadFromJson(json: PayloadJson): Payload {
  const metadata = Object.entries(json.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')]);
  return { metadata: Object.fromEntries(metadata), data: Buffer.from(json.data ?? '', 'base64') };
}

export function payloadToJson(payload: Payload): PayloadJson {
  const metadata = Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, base64(value)]);
  return { metadata: Object.fromEntries(metadata), data: base64(payload.data) };
}

/** Whether a value has the shape of a JSON payload (a `data` string and a `metadata` object of strings). */
export function isPayloadJson(value: unknown): value is PayloadJson {
  if (value === null || typeof value !== 'object') return false;
  const { metadata, data } = value as Record<string, unknown>;
  return (
    (data === undefined || typeof data === 'string') &&
    metadata !== null &&
    typeof metadata === 'object' &&
    Object.values(metadata).every((v) => typeof v === 'string')
  );
}
