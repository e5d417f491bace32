/**
 * Encryption of every payload the service writes to Temporal (workflow inputs, signals, activity results, memos):
 * attendee names, e-mails and passcodes reach the server's disks only as AES-256-GCM ciphertext.
 *
 * - Keys come from `PAYLOAD_KEYS` (`common/config.ts`); the last one encrypts, all of them decrypt, so a key is
 *   rotated by appending a new one and removed once no open workflow or kept history uses it.
 * - An encrypted payload carries `encoding: binary/encrypted` and the key's id (`encryption-key-id`); its data is
 *   the 12-byte IV, the ciphertext of the whole original payload (metadata and data) and the 16-byte tag. The key
 *   id is authenticated too, so a payload moved to another key id fails instead of decrypting wrongly.
 * - A payload without that encoding passes through decode unchanged: histories written before the codec (the
 *   replay tests' committed histories, workflows started before a rollout) keep working.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { type DataConverter, type Payload, type PayloadCodec, ValueError } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const PAYLOAD_KEY_BYTES = 32;

export interface PayloadKey {
  /** Stored in each payload's metadata: an id, never the key. */
  id: string;
  /** 32 bytes (AES-256). */
  key: Buffer;
}

const utf8 = (text: string) => Buffer.from(text, 'utf8');
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');

export class PayloadDecryptionError extends ValueError {}

export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly byId: ReadonlyMap<string, Buffer>;
  private readonly current: PayloadKey;

  /** `keys` oldest first: the last one encrypts. */
  constructor(keys: readonly PayloadKey[]) {
    if (keys.length === 0) throw new TypeError('AesGcmPayloadCodec needs at least one key');
    for (const { id, key } of keys) {
      if (key.length !== PAYLOAD_KEY_BYTES) throw new TypeError(`Payload key ${id} is not ${PAYLOAD_KEY_BYTES} bytes`);
    }
    this.byId = new Map(keys.map(({ id, key }) => [id, key]));
    this.current = keys[keys.length - 1];
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encrypt(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.decrypt(payload));
  }

  encrypt(payload: Payload): Payload {
    const { id, key } = this.current;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(utf8(id));
    const plain = temporal.api.common.v1.Payload.encode(payload).finish();
    const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return { metadata: { encoding: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8(id) }, data: sealed };
  }

  /** Decrypts an encrypted payload; any other payload is returned as it is. */
  decrypt(payload: Payload): Payload {
    if (text(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) return payload;
    const id = text(payload.metadata?.[KEY_ID_METADATA]);
    const key = this.byId.get(id);
    if (!key) throw new PayloadDecryptionError(`No payload key with id "${id}" (PAYLOAD_KEYS)`);
    const sealed = Buffer.from(payload.data ?? []);
    if (sealed.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError('Encrypted payload is truncated');
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
    decipher.setAAD(utf8(id));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(`Encrypted payload failed authentication (key id "${id}")`);
    }
    const decoded = temporal.api.common.v1.Payload.decode(plain);
    return { metadata: decoded.metadata, data: decoded.data };
  }
}

/** The data converter of every Temporal client and worker of the service: default conversion, then encryption. */
export function encryptingDataConverter(keys: readonly PayloadKey[]): DataConverter {
  return { payloadCodecs: [new AesGcmPayloadCodec(keys)] };
}

/**
 * `id:base64key` entries separated by commas, oldest first, as `PAYLOAD_KEYS` holds them. Returns the keys, or the
 * problems (without key material) for the configuration's report.
 */
export function parsePayloadKeys(value: string): { keys: PayloadKey[]; problems: string[] } {
  const keys: PayloadKey[] = [];
  const problems: string[] = [];
  for (const [index, entry] of value
    .split(',')
    .map((e) => e.trim())
    .entries()) {
    const separator = entry.indexOf(':');
    const id = separator > 0 ? entry.slice(0, separator) : '';
    const encoded = entry.slice(separator + 1);
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(id)) {
      problems.push(`entry ${index + 1} must be <id>:<base64 key> with an id of letters, digits, . _ -`);
      continue;
    }
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== PAYLOAD_KEY_BYTES || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) {
      problems.push(`key "${id}" must be ${PAYLOAD_KEY_BYTES} random bytes in base64 (openssl rand -base64 32)`);
      continue;
    }
    if (keys.some((k) => k.id === id)) problems.push(`key id "${id}" appears twice`);
    keys.push({ id, key });
  }
  return { keys, problems };
}
