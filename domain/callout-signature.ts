import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Signatures of the org's requests: `X-Timestamp` (unix seconds), `X-Nonce` (new for every request) and
 * `X-Signature`, in one of two schemes:
 *
 * - `v1=<hex HMAC-SHA256(secret, timestamp + "." + nonce + "." + rawBody)>`: the body alone. Enough where the body
 *   names its target (the trigger callout, an instant meeting).
 * - `v2=<hex HMAC-SHA256(secret, timestamp + "." + nonce + "." + METHOD + "." + path + "." + rawBody)>`: also binds
 *   the method and the path (with its query) as sent, so a captured button request for one Event cannot be replayed
 *   against another. The Event routes accept only v2.
 *
 * The nonce is covered by both schemes, so a request cannot be given another nonce without the secret; the API
 * honours each nonce once (`client/replay-guard.ts`), so no signed request is honoured twice. A retry is a new
 * request: the org signs it again, with a new timestamp and nonce.
 */
export const CALLOUT_TIMESTAMP_HEADER = 'x-timestamp';
export const CALLOUT_NONCE_HEADER = 'x-nonce';
export const CALLOUT_SIGNATURE_HEADER = 'x-signature';
export const CALLOUT_MAX_SKEW_SECONDS = 300;
/** What a nonce may be: no '.', so the signed string has one reading; long enough not to repeat by chance. */
export const CALLOUT_NONCE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

/** The request line a v2 signature covers. */
export interface SignedRequestLine {
  method: string;
  /** Path and query as sent, e.g. `/v1/events/00U…/start-url`. */
  path: string;
}

const hmacHex = (secret: string, prefix: string, rawBody: Buffer | string) =>
  createHmac('sha256', secret).update(prefix).update(rawBody).digest('hex');

/** 32 hex digits from 128 random bits, as the Apex code makes them (`Crypto.generateAesKey(128)`). */
export function newNonce(): string {
  return randomBytes(16).toString('hex');
}

export function signCallout(secret: string, timestamp: string, nonce: string, rawBody: Buffer | string): string {
  return 'v1=' + hmacHex(secret, `${timestamp}.${nonce}.`, rawBody);
}

export function signRequest(
  secret: string,
  timestamp: string,
  nonce: string,
  line: SignedRequestLine,
  rawBody: Buffer | string,
): string {
  return 'v2=' + hmacHex(secret, `${timestamp}.${nonce}.${line.method.toUpperCase()}.${line.path}.`, rawBody);
}

/**
 * Headers for a signed request, with a new nonce unless one is given; v2 when the request line is given. Used by
 * the Salesforce emulator (playing the org), the demo scripts and tests.
 */
export function calloutHeaders(
  secret: string,
  rawBody: Buffer | string,
  nowMs = Date.now(),
  line?: SignedRequestLine,
  nonce = newNonce(),
): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  return {
    'content-type': 'application/json',
    [CALLOUT_TIMESTAMP_HEADER]: timestamp,
    [CALLOUT_NONCE_HEADER]: nonce,
    [CALLOUT_SIGNATURE_HEADER]: line
      ? signRequest(secret, timestamp, nonce, line, rawBody)
      : signCallout(secret, timestamp, nonce, rawBody),
  };
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

export interface VerifyOptions {
  /** The request as received; needed to check a v2 signature. */
  line?: SignedRequestLine;
  /** Refuse v1: the route's target is in its path, not its body. */
  requireRequestLine?: boolean;
}

/**
 * Checks the headers and the signature. A valid signature does not make the request new: the caller must also
 * honour its nonce once (`client/replay-guard.ts`).
 */
export function verifyCallout(
  secret: string,
  headers: { timestamp?: string; nonce?: string; signature?: string },
  rawBody: Buffer | string,
  nowMs = Date.now(),
  options: VerifyOptions = {},
): SignatureCheck {
  const { timestamp, nonce, signature } = headers;
  if (!timestamp || !signature) return { ok: false, reason: 'Missing X-Timestamp or X-Signature header' };
  if (!nonce) return { ok: false, reason: 'Missing X-Nonce header' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'X-Timestamp must be unix seconds' };
  if (!CALLOUT_NONCE_PATTERN.test(nonce)) {
    return { ok: false, reason: 'X-Nonce must be 16 to 64 letters, digits, "-" or "_"' };
  }
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > CALLOUT_MAX_SKEW_SECONDS) {
    return { ok: false, reason: `X-Timestamp is more than ${CALLOUT_MAX_SKEW_SECONDS} s away from now` };
  }
  const isV2 = signature.startsWith('v2=');
  if (!isV2 && options.requireRequestLine) {
    return { ok: false, reason: 'This route needs a v2 signature, which also covers the method and the path' };
  }
  if (isV2 && !options.line) return { ok: false, reason: 'Signature does not match' };
  const expected = Buffer.from(
    isV2 && options.line
      ? signRequest(secret, timestamp, nonce, options.line, rawBody)
      : signCallout(secret, timestamp, nonce, rawBody),
  );
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: 'Signature does not match' };
  }
  return { ok: true };
}
