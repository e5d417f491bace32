/**
 * The shared test vector of the org callout (salesforce/.../staticresources/ZoomCalloutTestVector.json). The Apex
 * tests build the same body and signature from it and pick the same Event changes, so these tests pin the backend
 * and the emulated org to what the Apex code in the DX package does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { signCallout, signRequest, verifyCallout } from '../../domain/callout-signature';
import { parseCalloutBody } from '../../domain/callout-validation';
import { MEETING_INPUT_FIELDS, SNAPSHOT_FIELDS, type EventCalloutItem } from '../../domain/event-fields';
import { DEFAULT_METADATA_DIR, loadMetadata } from '../../emulators/salesforce/metadata';
import { Schema, standardObjects, type SObjectDef } from '../../emulators/salesforce/schema';
import { calloutItemsFor } from '../../emulators/salesforce/trigger';
import { type SRecord } from '../../emulators/salesforce/values';
import { type DmlChange } from '../../emulators/salesforce/writes';

interface SelectionCase {
  name: string;
  trigger: 'AFTER_INSERT' | 'AFTER_UPDATE' | 'AFTER_DELETE';
  before: SRecord | null;
  after: SRecord | null;
  expected: 'upsert' | 'delete' | null;
}

interface ButtonRequest {
  method: 'GET' | 'POST';
  path: string;
  body: string;
  signature: string;
}

interface TestVector {
  secret: string;
  timestamp: string;
  nonce: string;
  callout: { items: EventCalloutItem[]; body: string; signature: string };
  buttons: ButtonRequest[];
  selection: SelectionCase[];
}

const vector = JSON.parse(
  readFileSync(join(DEFAULT_METADATA_DIR, 'staticresources/ZoomCalloutTestVector.json'), 'utf8'),
) as TestVector;
const apexSource = (name: string) => readFileSync(join(DEFAULT_METADATA_DIR, 'classes', `${name}.cls`), 'utf8');

describe('the callout the Apex code sends', () => {
  const { body, signature, items } = vector.callout;
  const signedAt = Number(vector.timestamp) * 1000;

  const headers = { timestamp: vector.timestamp, nonce: vector.nonce, signature };

  it('carries a signature over its timestamp, nonce and body that the backend accepts', () => {
    const check = verifyCallout(vector.secret, headers, Buffer.from(body), signedAt);
    expect(check).toEqual({ ok: true });
    expect(signCallout(vector.secret, vector.timestamp, vector.nonce, body)).toBe(signature);
  });

  it('is refused when one byte of the body, the timestamp or the nonce changes', () => {
    const tampered = body.replace('Pricing', 'pricing');
    expect(tampered).not.toBe(body);
    expect(verifyCallout(vector.secret, headers, tampered, signedAt).ok).toBe(false);
    const later = String(Number(vector.timestamp) + 1);
    expect(verifyCallout(vector.secret, { ...headers, timestamp: later }, body, signedAt).ok).toBe(false);
    const otherNonce = vector.nonce.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    expect(verifyCallout(vector.secret, { ...headers, nonce: otherNonce }, body, signedAt).ok).toBe(false);
  });

  it('is refused without its nonce (the signing before replay protection)', () => {
    expect(verifyCallout(vector.secret, { ...headers, nonce: undefined }, body, signedAt)).toEqual({
      ok: false,
      reason: 'Missing X-Nonce header',
    });
  });

  it('is compact JSON of the items, every snapshot field present and in order', () => {
    expect(body).toBe(JSON.stringify({ events: items }));
    for (const item of items) expect(Object.keys(item.event)).toEqual([...SNAPSHOT_FIELDS]);
  });

  it('passes the backend validation item by item', () => {
    const parsed = parseCalloutBody(JSON.parse(body));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    expect(parsed.results.map((r) => r.errors)).toEqual(items.map(() => []));
    expect(parsed.results.map((r) => r.item?.operation)).toEqual(['upsert', 'delete']);
    expect(parsed.results[0].item?.event.Subject).toBe('Démo "Q4" / renewal');
  });
});

describe("the buttons' requests the Apex code sends", () => {
  const signedAt = Number(vector.timestamp) * 1000;
  const headersOf = (request: ButtonRequest) => ({
    timestamp: vector.timestamp,
    nonce: vector.nonce,
    signature: request.signature,
  });

  it.each(vector.buttons.map((b) => [`${b.method} ${b.path}`, b] as const))(
    '%s carries a v2 signature the backend accepts on that route only',
    (_name, request) => {
      const line = { method: request.method, path: request.path };
      const options = { line, requireRequestLine: true };
      expect(verifyCallout(vector.secret, headersOf(request), request.body, signedAt, options)).toEqual({ ok: true });
      expect(signRequest(vector.secret, vector.timestamp, vector.nonce, line, request.body)).toBe(request.signature);
      const elsewhere = { method: request.method, path: request.path.replace(/00U\w+/, '00U5g0000AbCdE2EQK') };
      expect(
        verifyCallout(vector.secret, headersOf(request), request.body, signedAt, { ...options, line: elsewhere }).ok,
      ).toBe(false);
    },
  );
});

describe('which Event changes become callouts', () => {
  const event = { name: 'Event' } as SObjectDef;
  const changeOf = (example: SelectionCase): DmlChange => {
    const operation = ({ AFTER_INSERT: 'insert', AFTER_UPDATE: 'update', AFTER_DELETE: 'delete' } as const)[
      example.trigger
    ];
    return { operation, object: event, before: example.before, after: (example.after ?? example.before)! };
  };

  it.each(vector.selection.map((example) => [example.name, example] as const))(
    'the emulated org agrees with the Apex handler: %s',
    (_name, example) => {
      const items = calloutItemsFor([changeOf(example)]);
      expect(items.map((i) => i.operation)).toEqual(example.expected === null ? [] : [example.expected]);
    },
  );

  it('the Apex handler watches the same fields as the backend', () => {
    const declared = /MEETING_INPUT_FIELDS = new List<String>\{([^}]*)\}/.exec(apexSource('ZoomEventSnapshot'));
    const apexFields = [...(declared?.[1] ?? '').matchAll(/'([^']+)'/g)].map((m) => m[1]);
    expect(apexFields).toEqual([...MEETING_INPUT_FIELDS]);
  });
});

describe('the emulated org loads its schema from the DX package', () => {
  it('has the custom objects and settings, and leaves platform events out', () => {
    const schema = new Schema();
    for (const object of standardObjects()) schema.add(object);
    const loaded = loadMetadata(schema, DEFAULT_METADATA_DIR);
    expect(loaded).toEqual(
      expect.arrayContaining([
        'Zoom_Callout_Failure__c',
        'Zoom_Backend_Secret__c',
        'Zoom_Settings__c',
        'Zoom_Callout_Failure__c.Item__c',
        'Event.Zoom_Status__c',
      ]),
    );
    expect(schema.object('Zoom_Backend_Secret__c')?.customSetting).toBe(true);
    expect(schema.object('Zoom_Event_Change__e')).toBeUndefined();
  });
});
