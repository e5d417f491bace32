/**
 * The emulated org for the hourly sync of external Zoom meetings: the new fields from the DX package, sObject
 * Collections upsert by the meeting UUID, EventRelation with the Shared Activities rules, bulk seeding through
 * the admin API, and SOQL over 50,000 records.
 */
import axios from 'axios';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from 'jsforce';
import { DEMO_CONTACTS, DEMO_CREDENTIALS, DEMO_LEADS, DEMO_ORG_ID, DEMO_USERS } from '../../emulators/demo-org';
import { createSalesforceEmulator, type SalesforceEmulator } from '../../emulators/salesforce/server';

type AnyObject = Record<string, unknown>;
type ItemResult = { id?: string; success: boolean; created?: boolean; errors: { statusCode: string }[] };

const VERSION = '62.0';
const { clientId, clientSecret } = DEMO_CREDENTIALS.salesforce;
const ADA = DEMO_USERS[0];
const GRACE = DEMO_USERS[1];
const ALAN = DEMO_USERS[2]; // owns no demo Contact
const [MARIE, NIELS, LISE] = DEMO_CONTACTS.map((c) => c.Id);
const ROSALIND = DEMO_LEADS[0].Id;

let emulator: SalesforceEmulator;
let url: string;

beforeAll(async () => {
  // A callout target nobody listens on: any callout the trigger attempts is logged, none is expected here.
  emulator = createSalesforceEmulator({
    clientId,
    clientSecret,
    callout: { url: 'http://127.0.0.1:9/v1/salesforce/events', secret: 's', retryDelaysMs: [] },
  });
  url = await emulator.listen(0);
});

afterAll(async () => {
  await emulator.close();
});

beforeEach(async () => {
  emulator.admin.reset();
  await emulator.trigger.idle();
});

async function connect(base = url): Promise<Connection> {
  const conn = new Connection({ oauth2: { loginUrl: base, clientId, clientSecret }, version: VERSION });
  await conn.authorize({ grant_type: 'client_credentials' });
  return conn;
}

const path = (rest: string) => `/services/data/v${VERSION}${rest}`;

function patch(conn: Connection, rest: string, body: unknown): Promise<ItemResult[]> {
  return conn.request({
    method: 'PATCH',
    url: path(rest),
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
}

function post(conn: Connection, rest: string, body: unknown): Promise<ItemResult[]> {
  return conn.request({
    method: 'POST',
    url: path(rest),
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
}

const externalEvent = (uuid: string, overrides: AnyObject = {}) => ({
  attributes: { type: 'Event' },
  Zoom_Meeting_UUID__c: uuid,
  Subject: 'Weekly sync',
  StartDateTime: '2026-11-20T10:00:00.000Z',
  EndDateTime: '2026-11-20T10:30:00.000Z',
  OwnerId: ADA.salesforceId,
  Make_Zoom_Meeting__c: false,
  Zoom_Source__c: 'External',
  Zoom_Meeting_Id__c: '85746065499',
  ...overrides,
});

const upsertByUuid = (conn: Connection, records: unknown[]) =>
  patch(conn, '/composite/sobjects/Event/Zoom_Meeting_UUID__c', { allOrNone: false, records });

const seed = (sobject: string, records: AnyObject[]) =>
  axios.post<{ ids: string[] }>(`${url}/_emulator/records/${sobject}`, { records }, { validateStatus: () => true });

const codes = (results: ItemResult[]) => results.map((r) => (r.success ? 'ok' : r.errors[0]?.statusCode));

describe('the new fields, loaded from the DX package', () => {
  test('Event: meeting UUID (external id), source with External, match notes (long text)', async () => {
    const conn = await connect();
    const fields = (await conn.sobject('Event').describe()).fields;
    const field = (name: string) => fields.find((f) => f.name === name)!;
    expect(field('Zoom_Meeting_UUID__c')).toMatchObject({
      type: 'string',
      length: 64,
      externalId: true,
      idLookup: true,
      unique: false,
      caseSensitive: false,
    });
    expect(field('Zoom_Source__c')).toMatchObject({ type: 'picklist', restrictedPicklist: true });
    expect(field('Zoom_Source__c').picklistValues!.map((p) => p.value)).toEqual(['Scheduled', 'Instant', 'External']);
    expect(field('Zoom_Match_Notes__c')).toMatchObject({ type: 'textarea', length: 32768 });

    const bad = await upsertByUuid(conn, [
      externalEvent('u1', { Zoom_Source__c: 'Salesforce' }),
      externalEvent('u2', { Zoom_Match_Notes__c: 'x'.repeat(32769) }),
      externalEvent('u3', { Zoom_Match_Notes__c: 'Marie Curie: Contact by e-mail\n'.repeat(1000) }),
    ]);
    expect(codes(bad)).toEqual(['INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', 'STRING_TOO_LONG', 'ok']);
  });

  test('Zoom Settings: Sync External Zoom Meetings, off by default, one organization default', async () => {
    const conn = await connect();
    const field = (await conn.sobject('Zoom_Settings__c').describe()).fields.find(
      (f) => f.name === 'Sync_External_Meetings__c',
    );
    expect(field).toMatchObject({ type: 'boolean', defaultValue: false, label: 'Sync External Zoom Meetings' });

    await conn.sobject('Zoom_Settings__c').create({ SetupOwnerId: DEMO_ORG_ID });
    await conn
      .sobject('Zoom_Settings__c')
      .create({ SetupOwnerId: GRACE.salesforceId, Sync_External_Meetings__c: true });
    const { records } = await conn.query<{ SetupOwnerId: string; Sync_External_Meetings__c: boolean }>(
      'SELECT SetupOwnerId, Sync_External_Meetings__c FROM Zoom_Settings__c',
    );
    // Ids come back in their 18-character form; the demo org id is written with a placeholder suffix.
    expect(records.map((r) => [r.SetupOwnerId.slice(0, 15), r.Sync_External_Meetings__c])).toEqual([
      [DEMO_ORG_ID.slice(0, 15), false],
      [GRACE.salesforceId.slice(0, 15), true],
    ]);
    // A hierarchy setting holds one record per location.
    await expect(conn.sobject('Zoom_Settings__c').create({ SetupOwnerId: DEMO_ORG_ID })).rejects.toMatchObject({
      errorCode: 'DUPLICATE_VALUE',
    });
  });
});

describe('sObject Collections upsert by Zoom_Meeting_UUID__c', () => {
  test('creates, then updates the same Events, one result per record in order', async () => {
    const conn = await connect();
    const first = await upsertByUuid(conn, [externalEvent('aB3+/x=='), externalEvent('Zz9')]);
    expect(first.map((r) => [r.success, r.created])).toEqual([
      [true, true],
      [true, true],
    ]);
    const again = await upsertByUuid(conn, [
      externalEvent('Zz9', { Subject: 'Renamed' }),
      externalEvent('aB3+/x==', { Zoom_Match_Notes__c: 'Niels Bohr: Contact by name' }),
    ]);
    expect(again.map((r) => [r.id, r.created])).toEqual([
      [first[1].id, false],
      [first[0].id, false],
    ]);
    const { records } = await conn.query<{ Subject: string }>(
      "SELECT Subject FROM Event WHERE Zoom_Meeting_UUID__c = 'Zz9'",
    );
    expect(records.map((r) => r.Subject)).toEqual(['Renamed']);
  });

  test('refuses a repeated UUID (every row with it), a record without the UUID or without its type', async () => {
    const conn = await connect();
    const { attributes: _attributes, ...untyped } = externalEvent('u4');
    const { Zoom_Meeting_UUID__c: _uuid, ...withoutUuid } = externalEvent('u5');
    const results = await upsertByUuid(conn, [
      externalEvent('dup'),
      externalEvent('ok'),
      untyped,
      withoutUuid,
      externalEvent('dup', { Subject: 'again' }),
      { ...externalEvent('u6'), attributes: { type: 'Task' } },
    ]);
    expect(codes(results)).toEqual([
      'DUPLICATE_VALUE',
      'ok',
      'INVALID_TYPE',
      'REQUIRED_FIELD_MISSING',
      'DUPLICATE_VALUE',
      'INVALID_TYPE',
    ]);
    const { totalSize } = await conn.query('SELECT Id FROM Event WHERE Zoom_Meeting_UUID__c != null');
    expect(totalSize).toBe(1);
  });

  test('at most 200 records; matched on an external id field, never Id', async () => {
    const conn = await connect();
    const many = Array.from({ length: 201 }, (_, i) => externalEvent(`m${i}`));
    await expect(upsertByUuid(conn, many)).rejects.toMatchObject({ errorCode: 'EXCEEDED_ID_LIMIT' });
    const max = await upsertByUuid(conn, many.slice(0, 200));
    expect(max.every((r) => r.success && r.created)).toBe(true);
    await expect(patch(conn, '/composite/sobjects/Event/Id', { records: [] })).rejects.toMatchObject({
      errorCode: 'NOT_FOUND',
    });
    await expect(patch(conn, '/composite/sobjects/Event/Subject', { records: [] })).rejects.toMatchObject({
      errorCode: 'NOT_FOUND',
    });
  });

  test('a UUID that differs only in case matches the same Event (the field is not unique, so not case-sensitive)', async () => {
    const conn = await connect();
    const [created] = await upsertByUuid(conn, [externalEvent('AbCd==')]);
    const [matched] = await upsertByUuid(conn, [externalEvent('abcd==', { Subject: 'x' })]);
    expect(matched).toMatchObject({ id: created.id, created: false });
  });

  test('an external meeting stays in Salesforce: inserting, editing or deleting its Event calls nobody', async () => {
    const conn = await connect();
    const [created] = await upsertByUuid(conn, [externalEvent('quiet')]);
    await upsertByUuid(conn, [externalEvent('quiet', { Subject: 'Renamed', EndDateTime: '2026-11-20T10:45:00Z' })]);
    await conn.sobject('Event').destroy(created.id!);
    await emulator.trigger.idle();
    expect(emulator.trigger.callouts).toEqual([]);
  });
});

describe('a unique case-sensitive external id (metadata that allows it)', () => {
  test('"ABC" and "abc" are two records, and SOQL = tells them apart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sfdx-'));
    mkdirSync(join(dir, 'objects/Contact/fields'), { recursive: true });
    writeFileSync(
      join(dir, 'objects/Contact/fields/Code__c.field-meta.xml'),
      '<?xml version="1.0" encoding="UTF-8"?><CustomField xmlns="http://soap.sforce.com/2006/04/metadata">' +
        '<fullName>Code__c</fullName><caseSensitive>true</caseSensitive><externalId>true</externalId>' +
        '<label>Code</label><length>64</length><type>Text</type><unique>true</unique></CustomField>',
    );
    const other = createSalesforceEmulator({ clientId, clientSecret, metadataDir: dir });
    try {
      const conn = await connect(await other.listen(0));
      const contact = (code: string) => ({ attributes: { type: 'Contact' }, LastName: code, Code__c: code });
      const results = await patch(conn, '/composite/sobjects/Contact/Code__c', {
        records: [contact('ABC'), contact('abc')],
      });
      expect(results.map((r) => r.created)).toEqual([true, true]);
      const { records } = await conn.query<{ LastName: string }>("SELECT LastName FROM Contact WHERE Code__c = 'abc'");
      expect(records.map((r) => r.LastName)).toEqual(['abc']);
      const [again] = await patch(conn, '/composite/sobjects/Contact/Code__c', { records: [contact('ABC')] });
      expect(again).toMatchObject({ id: results[0].id, created: false });
    } finally {
      await other.close();
    }
  });
});

describe('EventRelation (Shared Activities)', () => {
  const relation = (EventId: string, RelationId: string, overrides: AnyObject = {}) => ({
    attributes: { type: 'EventRelation' },
    EventId,
    RelationId,
    IsParent: true,
    IsInvitee: false,
    ...overrides,
  });

  test('relates contacts; one row per person (the WhoId included); a lead never with contacts', async () => {
    const conn = await connect();
    const [event] = await upsertByUuid(conn, [externalEvent('rel', { WhoId: MARIE })]);
    const id = event.id!;
    const results = await post(conn, '/composite/sobjects', {
      allOrNone: false,
      records: [
        relation(id, NIELS),
        relation(id, LISE),
        relation(id, MARIE),
        relation(id, NIELS),
        relation(id, ROSALIND),
        relation(id, ADA.salesforceId, { IsParent: false, IsInvitee: true }),
      ],
    });
    expect(codes(results)).toEqual([
      'ok',
      'ok',
      'DUPLICATE_VALUE',
      'DUPLICATE_VALUE',
      'FIELD_INTEGRITY_EXCEPTION',
      'ok',
    ]);
    const { records } = await conn.query<{ EventId: string; RelationId: string }>(
      `SELECT EventId, RelationId FROM EventRelation WHERE EventId IN ('${id}') ORDER BY RelationId`,
    );
    expect(records.map((r) => [r.EventId, r.RelationId])).toEqual([
      [id, NIELS],
      [id, LISE],
      [id, ADA.salesforceId],
    ]);
  });

  test('one lead alone; a repeated pair fails even under allOrNone', async () => {
    const conn = await connect();
    const [event] = await upsertByUuid(conn, [externalEvent('lead')]);
    const id = event.id!;
    expect(codes(await post(conn, '/composite/sobjects', { records: [relation(id, ROSALIND)] }))).toEqual(['ok']);
    expect(codes(await post(conn, '/composite/sobjects', { records: [relation(id, MARIE)] }))).toEqual([
      'FIELD_INTEGRITY_EXCEPTION',
    ]);
    const [other] = await upsertByUuid(conn, [externalEvent('pair')]);
    const twice = await post(conn, '/composite/sobjects', {
      allOrNone: true,
      records: [relation(other.id!, MARIE), relation(other.id!, MARIE)],
    });
    expect(codes(twice)).toEqual(['ALL_OR_NONE_OPERATION_ROLLED_BACK', 'DUPLICATE_VALUE']);
  });

  test('at most 50 contacts related to one Event', async () => {
    const conn = await connect();
    const contacts = Array.from({ length: 51 }, (_, i) => ({ LastName: `Guest ${i}`, OwnerId: ADA.salesforceId }));
    const { data } = await seed('Contact', contacts);
    const [event] = await upsertByUuid(conn, [externalEvent('fifty')]);
    const results = await post(conn, '/composite/sobjects', {
      allOrNone: false,
      records: data.ids.map((contactId) => relation(event.id!, contactId)),
    });
    expect(results.filter((r) => r.success)).toHaveLength(50);
    expect(codes(results).at(-1)).toBe('FIELD_INTEGRITY_EXCEPTION');
  });

  const related = async (conn: Connection, eventId: string) =>
    (
      await conn.query<{ RelationId: string; IsParent: boolean; IsInvitee: boolean }>(
        `SELECT RelationId, IsParent, IsInvitee FROM EventRelation WHERE EventId = '${eventId}' ORDER BY RelationId`,
      )
    ).records.map((r) => [r.RelationId, r.IsParent, r.IsInvitee]);

  test('EventWhoIds relates the people in the write itself: the first is the WhoId; a re-upsert replaces the list', async () => {
    const conn = await connect();
    const [created] = await upsertByUuid(conn, [externalEvent('who-ids', { EventWhoIds: [MARIE, NIELS, LISE] })]);
    const id = created.id!;
    const [event] = (await conn.query<{ WhoId: string }>(`SELECT WhoId FROM Event WHERE Id = '${id}'`)).records;
    expect(event.WhoId).toBe(MARIE);
    expect(await related(conn, id)).toEqual([
      [NIELS, true, false],
      [LISE, true, false],
    ]);

    // Retried with the same list: nothing new. Then with a shorter one: only those stay; an invitee keeps its row.
    await post(conn, '/composite/sobjects', {
      records: [relation(id, ADA.salesforceId, { IsParent: false, IsInvitee: true })],
    });
    expect(codes(await upsertByUuid(conn, [externalEvent('who-ids', { EventWhoIds: [MARIE, NIELS, LISE] })]))).toEqual([
      'ok',
    ]);
    expect(await related(conn, id)).toHaveLength(3);
    await upsertByUuid(conn, [externalEvent('who-ids', { EventWhoIds: [NIELS, MARIE] })]);
    expect(await related(conn, id)).toEqual([
      [MARIE, true, false],
      [ADA.salesforceId, false, true],
    ]);
  });

  test('EventWhoIds keeps the Shared Activities rules and refuses what is not a person', async () => {
    const conn = await connect();
    const results = await upsertByUuid(conn, [
      externalEvent('w1', { EventWhoIds: [MARIE, ROSALIND] }),
      externalEvent('w2', { EventWhoIds: [MARIE, MARIE] }),
      externalEvent('w3', { EventWhoIds: [ADA.salesforceId] }),
      externalEvent('w4', { EventWhoIds: [NIELS], WhoId: MARIE }),
      externalEvent('w5', { EventWhoIds: MARIE }),
      externalEvent('w6', { EventWhoIds: [ROSALIND] }),
    ]);
    expect(codes(results)).toEqual([
      'FIELD_INTEGRITY_EXCEPTION',
      'FIELD_INTEGRITY_EXCEPTION',
      'FIELD_INTEGRITY_EXCEPTION',
      'FIELD_INTEGRITY_EXCEPTION',
      'JSON_PARSER_ERROR',
      'ok',
    ]);
    const { data } = await seed(
      'Contact',
      Array.from({ length: 51 }, (_, i) => ({ LastName: `Guest ${i}`, OwnerId: ADA.salesforceId })),
    );
    expect(codes(await upsertByUuid(conn, [externalEvent('w7', { EventWhoIds: data.ids })]))).toEqual([
      'FIELD_INTEGRITY_EXCEPTION',
    ]);
    await expect(conn.sobject('Contact').create({ LastName: 'X', EventWhoIds: [MARIE] })).rejects.toMatchObject({
      errorCode: 'INVALID_FIELD',
    });
  });
});

describe('bulk seeding and SOQL over 50,000 records', () => {
  test('seeds Contacts and Leads (IsConverted settable only here), refuses a bad record whole', async () => {
    const conn = await connect();
    const bad = await seed('Lead', [
      { LastName: 'Fine', Company: 'X' },
      { LastName: 'Bad', Company: 'X', Nope__c: 1 },
    ]);
    expect(bad.status).toBe(400);
    expect(bad.data).toMatchObject({ index: 1, errors: [{ errorCode: 'INVALID_FIELD' }] });
    expect((await conn.query("SELECT Id FROM Lead WHERE LastName = 'Fine'")).totalSize).toBe(0);

    const good = await seed('Lead', [
      { LastName: 'Done', Company: 'X', IsConverted: true, OwnerId: GRACE.salesforceId },
    ]);
    expect(good.status).toBe(200);
    const { records } = await conn.query<{ IsConverted: boolean; OwnerId: string }>(
      `SELECT IsConverted, OwnerId FROM Lead WHERE Id = '${good.data.ids[0]}'`,
    );
    expect(records).toMatchObject([{ IsConverted: true, OwnerId: GRACE.salesforceId }]);
    await expect(
      conn.sobject('Lead').create({ LastName: 'Api', Company: 'X', IsConverted: true }),
    ).rejects.toMatchObject({ errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE' });
    expect(
      (await axios.post(`${url}/_emulator/records/Nope`, { records: [] }, { validateStatus: () => true })).status,
    ).toBe(404);
  });

  test('50,000 Contacts and 50,000 Leads load in seconds and are read back in batches of 2,000', async () => {
    const count = 50_000;
    const owners = [ADA.salesforceId, ALAN.salesforceId];
    const people = (i: number) => ({
      OwnerId: owners[i % 2],
      FirstName: `First${i}`,
      LastName: `Last${i}`,
      Email: `person${i}@bulk.example`,
    });
    const started = Date.now();
    const contacts = await seed(
      'Contact',
      Array.from({ length: count }, (_, i) => people(i)),
    );
    const leads = await seed(
      'Lead',
      Array.from({ length: count }, (_, i) => ({ ...people(i), Company: 'Bulk', IsConverted: i % 10 === 0 })),
    );
    const seededMs = Date.now() - started;
    expect([contacts.status, leads.status]).toEqual([200, 200]);
    expect(contacts.data.ids).toHaveLength(count);

    const conn = await connect();
    const queried = Date.now();
    const first = await conn.query(
      `SELECT Id, FirstName, LastName, Email FROM Contact WHERE OwnerId = '${ALAN.salesforceId}'`,
    );
    const firstBatchMs = Date.now() - queried;
    expect(first.totalSize).toBe(count / 2);
    expect(first.records).toHaveLength(2000);
    const all = await conn.query(
      `SELECT Id, FirstName, LastName, Email FROM Contact WHERE OwnerId = '${ALAN.salesforceId}'`,
      { autoFetch: true, maxFetch: count },
    );
    const allMs = Date.now() - queried;
    expect(all.records).toHaveLength(count / 2);
    const open = await conn.query('SELECT Id FROM Lead WHERE IsConverted = false', {
      autoFetch: true,
      maxFetch: count,
    });
    expect(open.records).toHaveLength(count - count / 10 + DEMO_LEADS.length);

    console.log(
      `seeded ${2 * count} records in ${seededMs} ms; ${count / 2} Contacts of one owner out of ${count}: ` +
        `first batch ${firstBatchMs} ms, all ${allMs} ms`,
    );
    expect(seededMs).toBeLessThan(20_000);
    expect(firstBatchMs).toBeLessThan(3_000);
  }, 60_000);
});

describe('the demo org', () => {
  test('every Zoom user of the demo is a Salesforce user with the same e-mail', async () => {
    const conn = await connect();
    const { records } = await conn.query<{ Email: string }>('SELECT Email FROM User WHERE IsActive = true');
    const emails = records.map((r) => r.Email);
    for (const user of DEMO_USERS.filter((u) => u.zoomId !== null)) expect(emails).toContain(user.email);
  });
});
