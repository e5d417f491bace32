import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { AesGcmPayloadCodec } from '../../common/payload-codec';
import { payloadFromJson, payloadToJson, type PayloadJson } from '../../common/payload-json';
import { createApiServer, type ApiTemporalClient } from '../../client/server';
import { loadApiConfig } from '../../common/config';

const TOKEN = 'codec-token-'.padEnd(40, 'x');
const UI = 'https://cloud.temporal.io';
const attendee = { email: 'jane.doe@acme.example', name: 'Jane Doe' };

const temporal: ApiTemporalClient = {
  workflow: { signalWithStart: async () => undefined, start: async () => undefined },
  connection: { withDeadline: (_deadline, fn) => fn(), workflowService: { getSystemInfo: async () => ({}) } },
};

describe('codec server', () => {
  const codec = new AesGcmPayloadCodec([{ id: 'k1', key: randomBytes(32) }]);
  let app: FastifyInstance;

  beforeAll(async () => {
    app = createApiServer({
      calloutSecret: 's'.repeat(32),
      temporal,
      taskQueue: 'q',
      logger: false,
      codec: { codec, authToken: TOKEN, corsOrigins: [UI] },
    });
    await app.ready();
  });
  afterAll(() => app.close());

  const call = (operation: 'encode' | 'decode', payloads: PayloadJson[], headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: `/codec/${operation}`,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, origin: UI, ...headers },
      payload: JSON.stringify({ payloads }),
    });

  it('encodes and decodes the Web UI JSON form of payloads', async () => {
    const plain = payloadToJson(defaultPayloadConverter.toPayload(attendee));
    const encoded = await call('encode', [plain]);
    expect(encoded.statusCode).toBe(200);
    expect(encoded.body).not.toContain(Buffer.from(attendee.email).toString('base64').slice(0, 12));
    const decoded = await call('decode', encoded.json<{ payloads: PayloadJson[] }>().payloads);
    expect(decoded.statusCode).toBe(200);
    const [payload] = decoded.json<{ payloads: PayloadJson[] }>().payloads;
    expect(defaultPayloadConverter.fromPayload(payloadFromJson(payload))).toEqual(attendee);
  });

  it('answers 401 without the bearer token, or with another one, and decodes nothing', async () => {
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload(attendee)]);
    for (const authorization of ['', 'Bearer wrong-token', TOKEN]) {
      const response = await call('decode', [payloadToJson(encrypted)], { authorization });
      expect(response.statusCode).toBe(401);
      expect(response.body).not.toContain('Jane');
    }
  });

  it('answers a tampered payload 400, naming no key', async () => {
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload(attendee)]);
    const json = payloadToJson({ ...encrypted, data: Buffer.from(encrypted.data!).reverse() });
    const response = await call('decode', [json]);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'Encrypted payload failed authentication (key id "k1")' });
  });

  it("lets the UI's origin through CORS (preflight without credentials) and refuses other origins", async () => {
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/codec/decode',
      headers: {
        origin: UI,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,authorization,x-namespace',
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(UI);
    expect(preflight.headers['access-control-allow-credentials']).toBe('true');
    expect(String(preflight.headers['access-control-allow-headers']).toLowerCase()).toContain('authorization');
    expect(String(preflight.headers['access-control-allow-headers']).toLowerCase()).toContain('x-namespace');

    const allowed = await call('encode', []);
    expect(allowed.headers['access-control-allow-origin']).toBe(UI);

    const evil = 'https://evil.example';
    const refusedPreflight = await app.inject({ method: 'OPTIONS', url: '/codec/decode', headers: { origin: evil } });
    expect(refusedPreflight.statusCode).toBe(403);
    expect(refusedPreflight.headers['access-control-allow-origin']).toBeUndefined();
    const refused = await call('decode', [], { origin: evil });
    expect(refused.statusCode).toBe(403);
  });

  it('is served without a token only by an API on loopback (the embedded stack), otherwise off', () => {
    const base = { CALLOUT_SECRET: 's'.repeat(16), PAYLOAD_KEYS: `k1:${randomBytes(32).toString('base64')}` };
    expect(loadApiConfig(base).codec).toBeUndefined();
    expect(loadApiConfig({ ...base, CODEC_ALLOW_UNAUTHENTICATED: 'true' }).codec).toEqual({
      authToken: undefined,
      corsOrigins: [],
    });
    expect(() => loadApiConfig({ ...base, CODEC_ALLOW_UNAUTHENTICATED: 'true', API_HOST: '0.0.0.0' })).toThrow(
      /CODEC_ALLOW_UNAUTHENTICATED needs API_HOST on loopback/,
    );
    expect(
      loadApiConfig({ ...base, CODEC_AUTH_TOKEN: TOKEN, CODEC_CORS_ORIGINS: `${UI}/, http://x:8233` }).codec,
    ).toEqual({ authToken: TOKEN, corsOrigins: [UI, 'http://x:8233'] });
  });
});
