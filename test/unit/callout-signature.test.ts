import { createHmac } from 'node:crypto';
import {
  CALLOUT_MAX_SKEW_SECONDS,
  CALLOUT_NONCE_HEADER,
  CALLOUT_SIGNATURE_HEADER,
  CALLOUT_TIMESTAMP_HEADER,
  calloutHeaders,
  newNonce,
  signCallout,
  signRequest,
  verifyCallout,
} from '../../domain/callout-signature';

const SECRET = 'a-callout-secret-of-32-characters';
const BODY = '{"events":[{"operation":"delete","event":{"Id":"00U5g00000XyZabEAF"}}]}';
const NOW_MS = 1_795_716_000_000;
const NOW_S = NOW_MS / 1000;
const NONCE = '5f0c2d9e8a7b4c3d2e1f0a9b8c7d6e5f';

function signedAt(seconds: number, body: string | Buffer = BODY, secret = SECRET, nonce = NONCE) {
  const timestamp = String(seconds);
  return { timestamp, nonce, signature: signCallout(secret, timestamp, nonce, body) };
}

describe('callout signature', () => {
  it('verifies a body signed with the shared secret', () => {
    expect(verifyCallout(SECRET, signedAt(NOW_S), BODY, NOW_MS)).toEqual({ ok: true });
  });

  it('verifies the headers calloutHeaders produces, over a string or the same bytes', () => {
    const headers = calloutHeaders(SECRET, BODY, NOW_MS);
    const given = {
      timestamp: headers[CALLOUT_TIMESTAMP_HEADER],
      nonce: headers[CALLOUT_NONCE_HEADER],
      signature: headers[CALLOUT_SIGNATURE_HEADER],
    };
    expect(headers['content-type']).toBe('application/json');
    expect(given.nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(verifyCallout(SECRET, given, BODY, NOW_MS)).toEqual({ ok: true });
    expect(verifyCallout(SECRET, given, Buffer.from(BODY), NOW_MS)).toEqual({ ok: true });
  });

  it('has the documented form: v1= and the hex HMAC-SHA256 of "timestamp.nonce.body"', () => {
    expect(signCallout(SECRET, '1', NONCE, 'x')).toBe(
      'v1=' + createHmac('sha256', SECRET).update(`1.${NONCE}.x`).digest('hex'),
    );
  });

  it('gives every request its own nonce', () => {
    const nonces = new Set(
      Array.from({ length: 100 }, () => calloutHeaders(SECRET, BODY, NOW_MS)[CALLOUT_NONCE_HEADER]),
    );
    expect(nonces.size).toBe(100);
    expect(newNonce()).toMatch(/^[0-9a-f]{32}$/);
  });

  it('rejects a signature moved to another nonce', () => {
    const { timestamp, signature } = signedAt(NOW_S);
    expect(verifyCallout(SECRET, { timestamp, signature, nonce: newNonce() }, BODY, NOW_MS)).toEqual({
      ok: false,
      reason: 'Signature does not match',
    });
  });

  it('rejects a request without a nonce, or with one that is too short or not plain', () => {
    const { timestamp } = signedAt(NOW_S);
    const { nonce: _nonce, ...withoutNonce } = signedAt(NOW_S);
    expect(verifyCallout(SECRET, withoutNonce, BODY, NOW_MS)).toEqual({ ok: false, reason: 'Missing X-Nonce header' });
    for (const nonce of ['short', 'x'.repeat(65), `${NONCE.slice(0, 20)}.abcdef`, `${NONCE} `]) {
      expect(verifyCallout(SECRET, signedAt(NOW_S, BODY, SECRET, nonce), BODY, NOW_MS)).toEqual({
        ok: false,
        reason: 'X-Nonce must be 16 to 64 letters, digits, "-" or "_"',
      });
      expect(timestamp).toBe(String(NOW_S));
    }
  });

  it('rejects a signature made with another secret', () => {
    const check = verifyCallout(SECRET, signedAt(NOW_S, BODY, 'another-secret-of-32-characters!!'), BODY, NOW_MS);
    expect(check).toEqual({ ok: false, reason: 'Signature does not match' });
  });

  it('rejects a body with one byte changed', () => {
    const tampered = Buffer.from(BODY);
    tampered[tampered.length - 5] ^= 0x01;
    expect(verifyCallout(SECRET, signedAt(NOW_S), tampered, NOW_MS)).toEqual({
      ok: false,
      reason: 'Signature does not match',
    });
  });

  it('rejects a signature moved to another timestamp', () => {
    const { signature } = signedAt(NOW_S);
    expect(
      verifyCallout(SECRET, { timestamp: String(NOW_S - 1), nonce: NONCE, signature }, BODY, NOW_MS),
    ).toMatchObject({
      ok: false,
    });
  });

  it('rejects a truncated or differently encoded signature', () => {
    const { timestamp, signature } = signedAt(NOW_S);
    for (const forged of [signature.slice(0, -1), signature.toUpperCase(), signature.replace('v1=', 'v2=')]) {
      expect(verifyCallout(SECRET, { timestamp, nonce: NONCE, signature: forged }, BODY, NOW_MS)).toEqual({
        ok: false,
        reason: 'Signature does not match',
      });
    }
  });

  it('rejects missing headers', () => {
    const { timestamp, signature } = signedAt(NOW_S);
    const missing = { ok: false, reason: 'Missing X-Timestamp or X-Signature header' };
    expect(verifyCallout(SECRET, { signature }, BODY, NOW_MS)).toEqual(missing);
    expect(verifyCallout(SECRET, { timestamp }, BODY, NOW_MS)).toEqual(missing);
    expect(verifyCallout(SECRET, {}, BODY, NOW_MS)).toEqual(missing);
    expect(verifyCallout(SECRET, { timestamp: '', signature: '' }, BODY, NOW_MS)).toEqual(missing);
  });

  it.each(['abc', '1795716000.5', '-1795716000', ' 1795716000', '1e9', '1234567890123'])(
    'rejects the non-numeric or oversized timestamp %p',
    (timestamp) => {
      const signature = signCallout(SECRET, timestamp, NONCE, BODY);
      expect(verifyCallout(SECRET, { timestamp, nonce: NONCE, signature }, BODY, NOW_MS)).toEqual({
        ok: false,
        reason: 'X-Timestamp must be unix seconds',
      });
    },
  );

  it('accepts timestamps exactly 300 s in the past or the future', () => {
    expect(CALLOUT_MAX_SKEW_SECONDS).toBe(300);
    expect(verifyCallout(SECRET, signedAt(NOW_S - 300), BODY, NOW_MS)).toEqual({ ok: true });
    expect(verifyCallout(SECRET, signedAt(NOW_S + 300), BODY, NOW_MS)).toEqual({ ok: true });
  });

  it('rejects stale and future timestamps beyond 300 s', () => {
    const stale = { ok: false, reason: 'X-Timestamp is more than 300 s away from now' };
    expect(verifyCallout(SECRET, signedAt(NOW_S - 301), BODY, NOW_MS)).toEqual(stale);
    expect(verifyCallout(SECRET, signedAt(NOW_S + 301), BODY, NOW_MS)).toEqual(stale);
    // A fraction of a second past the boundary already counts.
    expect(verifyCallout(SECRET, signedAt(NOW_S - 300), BODY, NOW_MS + 1)).toEqual(stale);
  });

  describe('v2, over the method and the path too', () => {
    const line = { method: 'GET', path: '/v1/events/00U5g00000XyZabEAF/start-url' };
    const v2 = (at = line) => ({
      timestamp: String(NOW_S),
      nonce: NONCE,
      signature: signRequest(SECRET, String(NOW_S), NONCE, at, ''),
    });

    it('has the documented form: v2= and the hex HMAC-SHA256 of "timestamp.nonce.METHOD.path.body"', () => {
      expect(signRequest(SECRET, '1', NONCE, line, '{}')).toBe(
        'v2=' + createHmac('sha256', SECRET).update(`1.${NONCE}.GET.${line.path}.{}`).digest('hex'),
      );
      expect(signRequest(SECRET, '1', NONCE, { ...line, method: 'get' }, '')).toBe(
        signRequest(SECRET, '1', NONCE, line, ''),
      );
    });

    it('rejects it with another nonce', () => {
      expect(verifyCallout(SECRET, { ...v2(), nonce: newNonce() }, '', NOW_MS, { line })).toEqual({
        ok: false,
        reason: 'Signature does not match',
      });
    });

    it('verifies on the route it was made for', () => {
      expect(verifyCallout(SECRET, v2(), '', NOW_MS, { line, requireRequestLine: true })).toEqual({ ok: true });
    });

    it.each([
      ['another Event', { ...line, path: '/v1/events/00U5g00000XyZacEAF/start-url' }],
      ['another button', { ...line, path: '/v1/events/00U5g00000XyZabEAF' }],
      ['another method', { ...line, method: 'POST' }],
      ['an added query', { ...line, path: `${line.path}?x=1` }],
    ])('rejects it replayed on %s', (_label, elsewhere) => {
      expect(verifyCallout(SECRET, v2(), '', NOW_MS, { line: elsewhere })).toEqual({
        ok: false,
        reason: 'Signature does not match',
      });
    });

    it('rejects v1 where the route requires the request line, and v2 where none is known', () => {
      const v1 = { timestamp: String(NOW_S), nonce: NONCE, signature: signCallout(SECRET, String(NOW_S), NONCE, '') };
      expect(verifyCallout(SECRET, v1, '', NOW_MS, { line, requireRequestLine: true })).toEqual({
        ok: false,
        reason: 'This route needs a v2 signature, which also covers the method and the path',
      });
      expect(verifyCallout(SECRET, v2(), '', NOW_MS)).toMatchObject({ ok: false });
    });

    it('is what calloutHeaders makes when given the request line', () => {
      const headers = calloutHeaders(SECRET, '', NOW_MS, line, NONCE);
      expect(headers[CALLOUT_NONCE_HEADER]).toBe(NONCE);
      expect(headers[CALLOUT_SIGNATURE_HEADER]).toBe(v2().signature);
    });
  });
});
