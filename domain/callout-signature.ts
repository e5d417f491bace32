import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signature of the org's callouts: `X-Timestamp` (unix seconds) and
 * `X-Signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + rawBody)>`.
 */
export const CALLOUT_TIMESTAMP_HEADER = 'x-timestamp';
export const CALLOUT_SIGNATURE_HEADER = 'x-signature';
export const CALLOUT_MAX_SKEW_SECONDS = 300;

export function signCallout(secret: string, timestamp: string, rawBody: Buffer | string): string {
  return 'v1=' + createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/** Headers for a signed callout; used by the Salesforce emulator (playing the org) and by tests. */
export function calloutHeaders(secret: string, rawBody: string, nowMs = Date.now()): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  return {
    'content-type': 'application/json',
    [CALLOUT_TIMESTAMP_HEADER]: timestamp,
    [CALLOUT_SIGNATURE_HEADER]: signCallout(secret, timestamp, rawBody),
  };
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

export function verifyCallout(
  secret: string,
  headers: { timestamp?: string; signature?: string },
  rawBody: Buffer | string,
  nowMs = Date.now(),
): SignatureCheck {
  const { timestamp, signature } = headers;
  if (!timestamp || !signature) return { ok: false, reason: 'Missing X-Timestamp or X-Signature header' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'X-Timestamp must be unix seconds' };
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > CALLOUT_MAX_SKEW_SECONDS) {
    return { ok: false, reason: `X-Timestamp is more than ${CALLOUT_MAX_SKEW_SECONDS} s away from now` };
  }
  const expected = Buffer.from(signCallout(secret, timestamp, rawBody));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: 'Signature does not match' };
  }
  return { ok: true };
}
