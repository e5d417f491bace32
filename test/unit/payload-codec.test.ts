import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { loadApiConfig } from '../../common/config';
import {
  AesGcmPayloadCodec,
  ENCRYPTED_ENCODING,
  KEY_ID_METADATA,
  parsePayloadKeys,
  PayloadDecryptionError,
  type PayloadKey,
} from '../../common/payload-codec';

const key = (id: string): PayloadKey => ({ id, key: randomBytes(32) });
const meeting = { eventId: '00U5g00000XyZabEAF', passcode: '482913', email: 'jane.doe@acme.example' };
const toPayload = (value: unknown) => defaultPayloadConverter.toPayload(value);
const fromPayload = (payload: Payload) => defaultPayloadConverter.fromPayload(payload);
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');

describe('AesGcmPayloadCodec', () => {
  it('round-trips a payload, which on the wire names its key and shows nothing of the value', async () => {
    const codec = new AesGcmPayloadCodec([key('k1')]);
    const [encrypted] = await codec.encode([toPayload(meeting)]);
    expect(text(encrypted.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(encrypted.metadata?.[KEY_ID_METADATA])).toBe('k1');
    const wire = Buffer.from(encrypted.data!).toString('latin1');
    for (const secret of [meeting.passcode, meeting.email, 'json/plain']) expect(wire).not.toContain(secret);
    const [decrypted] = await codec.decode([encrypted]);
    expect(fromPayload(decrypted)).toEqual(meeting);
    expect(text(decrypted.metadata?.encoding)).toBe('json/plain');
  });

  it('encrypts the same value differently every time (a fresh IV per payload)', async () => {
    const codec = new AesGcmPayloadCodec([key('k1')]);
    const [a, b] = await codec.encode([toPayload(meeting), toPayload(meeting)]);
    expect(Buffer.from(a.data!).equals(Buffer.from(b.data!))).toBe(false);
  });

  it('rotates: new payloads use the newest key, payloads under the old key still decode', async () => {
    const old = key('2026-01');
    const [before] = await new AesGcmPayloadCodec([old]).encode([toPayload(meeting)]);
    const rotated = new AesGcmPayloadCodec([old, key('2026-07')]);
    const [after] = await rotated.encode([toPayload(meeting)]);
    expect(text(after.metadata?.[KEY_ID_METADATA])).toBe('2026-07');
    const decoded = await rotated.decode([before, after]);
    expect(decoded.map(fromPayload)).toEqual([meeting, meeting]);
  });

  it('refuses a payload whose key was removed, naming the key id only', async () => {
    const [encrypted] = await new AesGcmPayloadCodec([key('gone')]).encode([toPayload(meeting)]);
    await expect(new AesGcmPayloadCodec([key('k2')]).decode([encrypted])).rejects.toThrow(
      new PayloadDecryptionError('No payload key with id "gone" (PAYLOAD_KEYS)'),
    );
  });

  it('detects tampering: a flipped bit of the ciphertext, or the key id changed to another key', async () => {
    const k1 = key('k1');
    const k2 = { id: 'k2', key: k1.key };
    const codec = new AesGcmPayloadCodec([k1, k2]);
    const [encrypted] = await codec.encode([toPayload(meeting)]);
    const flipped = Buffer.from(encrypted.data!);
    flipped[20] ^= 1;
    await expect(codec.decode([{ ...encrypted, data: flipped }])).rejects.toThrow(/failed authentication/);
    // Same key bytes under another id: the id is authenticated, so the payload is still refused.
    const relabelled = { ...encrypted.metadata, [KEY_ID_METADATA]: Buffer.from('k1') };
    await expect(codec.decode([{ ...encrypted, metadata: relabelled }])).rejects.toThrow(/failed authentication/);
    await expect(codec.decode([{ ...encrypted, data: flipped.subarray(0, 10) }])).rejects.toThrow(/truncated/);
  });

  it('passes unencrypted payloads through decode: histories from before the codec still read', async () => {
    const codec = new AesGcmPayloadCodec([key('k1')]);
    const plain = toPayload(meeting);
    expect(await codec.decode([plain])).toEqual([plain]);
  });
});

describe('PAYLOAD_KEYS', () => {
  const good = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;

  it('reads id:base64 entries oldest first', () => {
    const { keys, problems } = parsePayloadKeys(`${good('a')}, ${good('b')}`);
    expect(problems).toEqual([]);
    expect(keys.map((k) => k.id)).toEqual(['a', 'b']);
  });

  it('is required by the API and reports bad entries without their key material', () => {
    const env = { CALLOUT_SECRET: 'x'.repeat(16) };
    expect(() => loadApiConfig(env)).toThrow(/PAYLOAD_KEYS: is required/);
    const short = randomBytes(16).toString('base64');
    const error = (() => {
      try {
        loadApiConfig({ ...env, PAYLOAD_KEYS: `${good('a')},${good('a')},b:${short},nokey` });
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(error).toContain('key "b" must be 32 random bytes');
    expect(error).toContain('key id "a" appears twice');
    expect(error).toContain('entry 4 must be <id>:<base64 key>');
    expect(error).not.toContain(short);
  });
});
