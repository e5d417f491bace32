/**
 * The Salesforce emulator driven as production drives it: through jsforce and the SalesforceClient, over HTTP.
 */
import axios from 'axios';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from 'jsforce';

type AnyObject = Record<string, unknown>;
type Saved = { id: string; success: boolean; errors: AnyObject[]; created?: boolean };

/** jsforce's sObject API without a generated schema: records as plain objects. */
interface LooseSObject {
  create(record: AnyObject): Promise<Saved>;
  create(records: AnyObject[], options?: { allOrNone?: boolean }): Promise<Saved[]>;
  update(record: AnyObject): Promise<Saved>;
  update(records: AnyObject[], options?: { allOrNone?: boolean }): Promise<Saved[]>;
  upsert(record: AnyObject, externalIdField: string): Promise<Saved>;
  retrieve(id: string, options?: { fields: string[] }): Promise<AnyObject>;
  retrieve(ids: string[]): Promise<(AnyObject | null)[]>;
  destroy(id: string): Promise<Saved>;
  destroy(ids: string[]): Promise<Saved[]>;
  describe(): Promise<{ fields: { name: string; picklistValues?: { value: string }[] }[] }>;
}

const sobject = (conn: Connection, type: string) => conn.sobject(type) as unknown as LooseSObject;
import { verifyCallout } from '../../domain/callout-signature';
import { SNAPSHOT_FIELDS } from '../../domain/event-fields';
import { DEMO_CREDENTIALS, DEMO_ORG_ID, DEMO_USERS } from '../../emulators/demo-org';
import { createSalesforceEmulator, type SalesforceEmulator } from '../../emulators/salesforce/server';
import { SalesforceClient } from '../../integrations/salesforce/client';
import { SalesforceApiError, toSalesforceError } from '../../integrations/salesforce/errors';

const VERSION = '62.0';
const SECRET = DEMO_CREDENTIALS.calloutSecret;
const { clientId, clientSecret, username, password } = DEMO_CREDENTIALS.salesforce;
const ADA = DEMO_USERS[0];

interface ReceivedCallout {
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

let emulator: SalesforceEmulator;
let url: string;
let sink: Server;
let received: ReceivedCallout[];
let sinkStatus: number[];

beforeAll(async () => {
  received = [];
  sinkStatus = [];
  sink = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push({ body, headers: request.headers });
      response.writeHead(sinkStatus.shift() ?? 202).end('{}');
    });
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/v1/salesforce/events`;
  emulator = createSalesforceEmulator({
    clientId,
    clientSecret,
    callout: { url: sinkUrl, secret: SECRET, retryDelaysMs: [10, 20] },
  });
  url = await emulator.listen(0);
});

afterAll(async () => {
  await emulator.close();
  await new Promise((resolve) => sink.close(resolve));
});

beforeEach(async () => {
  emulator.admin.reset();
  await emulator.trigger.idle();
  received.length = 0;
  sinkStatus.length = 0;
});

async function connect(): Promise<Connection> {
  const conn = new Connection({ oauth2: { loginUrl: url, clientId, clientSecret }, version: VERSION });
  await conn.authorize({ grant_type: 'client_credentials' });
  return conn;
}

function client(): SalesforceClient {
  return new SalesforceClient({ loginUrl: url, clientId, clientSecret, apiVersion: VERSION });
}

function newEvent(overrides: Record<string, unknown> = {}) {
  return {
    Subject: 'Discovery call',
    StartDateTime: '2026-12-01T15:00:00.000Z',
    EndDateTime: '2026-12-01T15:45:00.000Z',
    OwnerId: ADA.salesforceId,
    WhoId: '003000000000001AAA',
    Make_Zoom_Meeting__c: true,
    ...overrides,
  };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const tokenRequest = (fields: Record<string, string>) =>
  axios.post(`${url}/services/oauth2/token`, form(fields), {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    validateStatus: () => true,
  });

describe('OAuth', () => {
  test('client credentials, password and refresh token grants all return an identity URL', async () => {
    const cc = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
    });
    expect(cc.status).toBe(200);
    expect(cc.data).toMatchObject({
      token_type: 'Bearer',
      instance_url: url,
      id: `${url}/id/${emulator.orgId}/${emulator.integrationUserId}`,
    });
    expect(cc.data.refresh_token).toBeUndefined();
    expect(cc.data.signature).toBeTruthy();

    const pw = await tokenRequest({
      grant_type: 'password',
      client_id: clientId,
      client_secret: clientSecret,
      username,
      password,
    });
    expect(pw.status).toBe(200);
    expect(pw.data.refresh_token).toBeTruthy();

    const refreshed = await tokenRequest({
      grant_type: 'refresh_token',
      client_id: clientId,
      client_secret: clientSecret,
      refresh_token: pw.data.refresh_token,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.data.id).toBe(pw.data.id);

    const bad = await tokenRequest({
      grant_type: 'password',
      client_id: clientId,
      client_secret: clientSecret,
      username,
      password: 'nope',
    });
    expect(bad.status).toBe(400);
    expect(bad.data).toEqual({ error: 'invalid_grant', error_description: 'authentication failure' });
    const badClient = await tokenRequest({ grant_type: 'client_credentials', client_id: 'who', client_secret: 'x' });
    expect(badClient.data.error).toBe('invalid_client_id');
  });

  test('jsforce login with the password grant, identity, versions and limits', async () => {
    const conn = new Connection({ oauth2: { loginUrl: url, clientId, clientSecret }, version: VERSION });
    const info = await conn.login(username, password);
    expect(info.id).toBe(emulator.integrationUserId);
    const identity = await conn.identity();
    expect(identity).toMatchObject({ user_id: emulator.integrationUserId, organization_id: emulator.orgId, username });
    const versions = (await axios.get(`${url}/services/data`)).data as { version: string }[];
    expect(versions.map((v) => v.version)).toContain('62.0');
    const limits = await conn.limits();
    expect(limits.DailyApiRequests.Max).toBe(15000);
    expect(conn.limitInfo.apiUsage?.used).toBeGreaterThan(0);
  });
});

describe('sObject REST', () => {
  test('create, retrieve, update, delete with timestamps that always move', async () => {
    const conn = await connect();
    const created = await sobject(conn, 'Event').create(newEvent());
    expect(created).toMatchObject({ success: true, errors: [] });
    const id = created.id as string;
    expect(id).toMatch(/^00U[a-zA-Z0-9]{15}$/);
    const event = (await sobject(conn, 'Event').retrieve(id)) as Record<string, unknown>;
    expect(event).toMatchObject({
      Subject: 'Discovery call',
      DurationInMinutes: 45,
      AccountId: '001000000000001AAA',
      IsDeleted: false,
    });
    expect(event.StartDateTime).toBe('2026-12-01T15:00:00.000+0000');
    expect(event.Zoom_Status__c).toBeNull();

    const stamps = [event.SystemModstamp as string];
    for (let i = 0; i < 3; i++) {
      await sobject(conn, 'Event').update({ Id: id.slice(0, 15), Zoom_Status__c: 'Scheduled' });
      const again = (await sobject(conn, 'Event').retrieve(id, { fields: ['SystemModstamp'] })) as Record<
        string,
        string
      >;
      stamps.push(again.SystemModstamp);
    }
    expect(stamps.every((s) => /\.\d{3}\+0000$/.test(s))).toBe(true);
    expect(new Set(stamps).size).toBe(4);
    expect([...stamps].sort()).toEqual(stamps);

    await sobject(conn, 'Event').destroy(id);
    await expect(sobject(conn, 'Event').retrieve(id)).rejects.toMatchObject({ errorCode: 'ENTITY_IS_DELETED' });
    await expect(sobject(conn, 'Event').retrieve('00U5E0000000ZZZ')).rejects.toMatchObject({ errorCode: 'NOT_FOUND' });
    const all = await conn.query(`SELECT Id FROM Event WHERE Id = '${id}'`, { scanAll: true });
    expect(all.totalSize).toBe(1);
  });

  test('error shapes for required fields, bad types, integrity, picklists and long strings', async () => {
    const conn = await connect();
    const events = sobject(conn, 'Event');
    await expect(events.create({ Subject: 'x', StartDateTime: '2026-12-01T15:00:00Z' })).rejects.toMatchObject({
      errorCode: 'REQUIRED_FIELD_MISSING',
    });
    await expect(sobject(conn, 'Contact').create({ FirstName: 'No' })).rejects.toMatchObject({
      errorCode: 'REQUIRED_FIELD_MISSING',
      data: { fields: ['LastName'] },
    });
    await expect(events.create(newEvent({ Bogus__c: 1 }))).rejects.toMatchObject({ errorCode: 'INVALID_FIELD' });
    await expect(events.create(newEvent({ WhoId: '001000000000001AAA' }))).rejects.toMatchObject({
      errorCode: 'FIELD_INTEGRITY_EXCEPTION',
      data: { fields: ['WhoId'] },
    });
    await expect(
      events.create(newEvent({ WhoId: '00Q000000000001EAA', WhatId: '001000000000001AAA' })),
    ).rejects.toMatchObject({
      errorCode: 'FIELD_INTEGRITY_EXCEPTION',
    });
    await expect(events.create(newEvent({ EndDateTime: '2026-12-01T14:00:00Z' }))).rejects.toMatchObject({
      errorCode: 'FIELD_INTEGRITY_EXCEPTION',
    });
    await expect(events.create(newEvent({ Zoom_Status__c: 'Bogus' }))).rejects.toMatchObject({
      errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
    });
    await expect(events.create(newEvent({ Subject: 'x'.repeat(256) }))).rejects.toMatchObject({
      errorCode: 'STRING_TOO_LONG',
    });
    await expect(events.update({ Id: '00U5E0000000ZZZ', Subject: 'x' })).rejects.toMatchObject({
      errorCode: 'NOT_FOUND',
    });
    await expect(conn.query('SELECT FROM Event')).rejects.toMatchObject({ errorCode: 'MALFORMED_QUERY' });
    await expect(conn.query('SELECT Nope__c FROM Event')).rejects.toMatchObject({ errorCode: 'INVALID_FIELD' });
    const raw = await axios.get(`${url}/services/data/v${VERSION}/sobjects/Event/00U5E0000000ZZZ`, {
      headers: { authorization: 'Bearer nope' },
      validateStatus: () => true,
    });
    expect(raw.status).toBe(401);
    expect(raw.data).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
  });

  test('duration derives the end, a moved start keeps the duration', async () => {
    const conn = await connect();
    const { id } = await sobject(conn, 'Event').create({
      Subject: 'd',
      StartDateTime: '2026-12-01T10:00:00+00:00',
      DurationInMinutes: 30,
    });
    await sobject(conn, 'Event').update({ Id: id, StartDateTime: '2026-12-02T10:00:00Z' });
    const event = (await sobject(conn, 'Event').retrieve(id)) as Record<string, unknown>;
    expect(event).toMatchObject({
      EndDateTime: '2026-12-02T10:30:00.000+0000',
      DurationInMinutes: 30,
      ActivityDate: '2026-12-02',
    });
  });

  test('an all-day Event is stored at midnight UTC of its first and last day, 1440 minutes a day', async () => {
    const conn = await connect();
    const read = async (id: string) =>
      (await sobject(conn, 'Event').retrieve(id, {
        fields: ['StartDateTime', 'EndDateTime', 'DurationInMinutes', 'ActivityDate', 'IsAllDayEvent'],
      })) as Record<string, unknown>;
    // Event in the Object Reference: ActivityDate of an all-day Event is "always set to midnight in the UTC time
    // zone"; with neither DurationInMinutes nor EndDateTime "the duration defaults to one day".
    const oneDay = await sobject(conn, 'Event').create({
      Subject: 'a',
      IsAllDayEvent: true,
      ActivityDate: '2026-12-01',
    });
    expect(await read(oneDay.id)).toMatchObject({
      StartDateTime: '2026-12-01T00:00:00.000+0000',
      EndDateTime: '2026-12-01T00:00:00.000+0000',
      DurationInMinutes: 1440,
      ActivityDate: '2026-12-01',
    });
    const twoDays = await sobject(conn, 'Event').create({
      Subject: 'b',
      IsAllDayEvent: true,
      StartDateTime: '2026-12-01T15:00:00Z',
      EndDateTime: '2026-12-02T15:00:00Z',
    });
    expect(await read(twoDays.id)).toMatchObject({
      StartDateTime: '2026-12-01T00:00:00.000+0000',
      EndDateTime: '2026-12-02T00:00:00.000+0000',
      DurationInMinutes: 2880,
    });
    const byDuration = await sobject(conn, 'Event').create({
      Subject: 'c',
      IsAllDayEvent: true,
      StartDateTime: '2026-12-01T00:00:00Z',
      DurationInMinutes: 4320,
    });
    expect(await read(byDuration.id)).toMatchObject({ EndDateTime: '2026-12-03T00:00:00.000+0000' });
  });

  test('collections: create, update, retrieve, delete, allOrNone rollback with statusCode errors', async () => {
    const conn = await connect();
    const results = await sobject(conn, 'Event').create([
      newEvent({ Subject: 'a' }),
      newEvent({ Subject: 'b', WhoId: '001000000000001AAA' }),
    ]);
    expect(results[0]).toMatchObject({ success: true });
    expect(results[1]).toMatchObject({
      success: false,
      errors: [{ statusCode: 'FIELD_INTEGRITY_EXCEPTION', fields: ['WhoId'] }],
    });

    const rolledBack = await sobject(conn, 'Event').create(
      [newEvent({ Subject: 'c' }), newEvent({ Zoom_Status__c: 'Nope' })],
      { allOrNone: true },
    );
    expect(rolledBack[0]).toMatchObject({
      success: false,
      errors: [{ statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK' }],
    });
    expect(rolledBack[1]).toMatchObject({
      success: false,
      errors: [{ statusCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST' }],
    });
    expect((await conn.query("SELECT Id FROM Event WHERE Subject = 'c'")).totalSize).toBe(0);

    const id = results[0].id!;
    const updated = await sobject(conn, 'Event').update([
      { Id: id, Subject: 'a2' },
      { Id: '00U5E0000000ZZZ', Subject: 'x' },
    ]);
    expect(updated.map((r) => r.success)).toEqual([true, false]);
    const fetched = await sobject(conn, 'Event').retrieve([id, '00U5E0000000ZZZ']);
    expect((fetched[0] as unknown as Record<string, unknown>).Subject).toBe('a2');
    expect(fetched[1]).toBeNull();
    const deleted = await sobject(conn, 'Event').destroy([id]);
    expect(deleted).toEqual([{ id, success: true, errors: [] }]);
  });

  test('upsert by Zoom_Meeting_Id__c creates then updates', async () => {
    const conn = await connect();
    const first = await sobject(conn, 'Event').upsert(
      newEvent({ Make_Zoom_Meeting__c: false, Zoom_Meeting_Id__c: '8123456789' }),
      'Zoom_Meeting_Id__c',
    );
    expect(first).toMatchObject({ success: true, created: true });
    const second = await sobject(conn, 'Event').upsert(
      { Zoom_Meeting_Id__c: '8123456789', Zoom_Status__c: 'Started' },
      'Zoom_Meeting_Id__c',
    );
    expect(second).toMatchObject({ success: true, created: false });
    const { records } = await conn.query<{ Zoom_Status__c: string }>(
      "SELECT Zoom_Status__c FROM Event WHERE Zoom_Meeting_Id__c = '8123456789'",
    );
    expect(records.map((r) => r.Zoom_Status__c)).toEqual(['Started']);
  });

  test('an upsert whose external id matches several records answers 300 with their URLs and changes nothing', async () => {
    const conn = await connect();
    const ids: string[] = [];
    for (const subject of ['First PMI call', 'Second PMI call']) {
      const saved = await sobject(conn, 'Event').create(
        newEvent({ Subject: subject, Make_Zoom_Meeting__c: false, Zoom_Meeting_Id__c: '5551234567' }),
      );
      ids.push(saved.id);
    }
    const answer = await axios.patch(
      `${url}/services/data/v${VERSION}/sobjects/Event/Zoom_Meeting_Id__c/5551234567`,
      { Subject: 'Third' },
      { headers: { authorization: `Bearer ${conn.accessToken}` }, validateStatus: () => true },
    );
    // REST API guide, "Insert or Update (Upsert) a Record Using an External ID": "If the value is not unique, REST
    // API returns a 300 response with the list of matching records."
    expect(answer.status).toBe(300);
    expect([...answer.data].sort()).toEqual(ids.map((id) => `/services/data/v${VERSION}/sobjects/Event/${id}`).sort());
    await expect(
      sobject(conn, 'Event').upsert({ Zoom_Meeting_Id__c: '5551234567', Subject: 'Third' }, 'Zoom_Meeting_Id__c'),
    ).rejects.toMatchObject({ errorCode: 'MULTIPLE_CHOICES' });
    const { records } = await conn.query<{ Subject: string }>(
      "SELECT Subject FROM Event WHERE Zoom_Meeting_Id__c = '5551234567' ORDER BY Subject",
    );
    expect(records.map((r) => r.Subject)).toEqual(['First PMI call', 'Second PMI call']);
  });

  test("the meeting's people: the owner's time zone comes from the User, since an Event's Owner is polymorphic", async () => {
    const conn = await connect();
    const { id } = await sobject(conn, 'Event').create(newEvent({ Make_Zoom_Meeting__c: false }));
    const people = await client().getMeetingPeople(id);
    expect(people).toMatchObject({
      who: { name: 'Marie Curie', email: expect.stringContaining('@') },
      owner: { id: ADA.salesforceId, name: 'Ada Lovelace', email: ADA.email, timeZone: expect.any(String) },
    });
  });

  test('Zoom settings resolve user, then profile, then organization, as a hierarchy custom setting does', async () => {
    const conn = await connect();
    const { records } = await conn.query<{ ProfileId: string; Profile: { Name: string } }>(
      `SELECT ProfileId, Profile.Name FROM User WHERE Id = '${ADA.salesforceId}'`,
    );
    const [ada] = records;
    expect(ada.Profile.Name).toBe('Standard User');
    const settings = sobject(conn, 'Zoom_Settings__c');
    await settings.create({ SetupOwnerId: DEMO_ORG_ID, Send_Email_On_Launch__c: false, Use_PMI_By_Default__c: true });
    await settings.create({ SetupOwnerId: ada.ProfileId, Send_Email_On_Launch__c: true, Use_PMI_By_Default__c: false });
    expect(await client().getZoomSettings(ADA.salesforceId)).toMatchObject({
      sendEmailOnLaunch: true,
      usePmiByDefault: false,
    });
    await settings.create({ SetupOwnerId: ADA.salesforceId, Send_Email_On_Launch__c: false });
    expect(await client().getZoomSettings(ADA.salesforceId)).toMatchObject({ sendEmailOnLaunch: false });
  });

  test('queries page in batches of 2,000 through nextRecordsUrl', async () => {
    const conn = await connect();
    const records = Array.from({ length: 200 }, (_, i) => ({ attributes: { type: 'Contact' }, LastName: `Bulk ${i}` }));
    for (let i = 0; i < 11; i++) await sobject(conn, 'Contact').create(records, { allOrNone: true });
    const firstBatch = await conn.query('SELECT Id FROM Contact');
    expect(firstBatch.totalSize).toBe(2203);
    expect(firstBatch.records).toHaveLength(2000);
    expect(firstBatch.nextRecordsUrl).toMatch(/\/services\/data\/v62\.0\/query\/01g\w+-2000$/);
    const all = await client().query<{ Id: string }>('SELECT Id FROM Contact');
    expect(all.records).toHaveLength(2203);
  });
});

describe('schema from the DX package', () => {
  test('custom fields exist because their XML exists', async () => {
    const conn = await connect();
    const describe = await sobject(conn, 'Event').describe();
    const status = describe.fields.find((f) => f.name === 'Zoom_Status__c')!;
    expect(status).toMatchObject({ type: 'picklist', custom: true, restrictedPicklist: true });
    expect(status.picklistValues!.map((p) => p.value)).toEqual([
      'Pending',
      'Scheduled',
      'Started',
      'Ended',
      'Cancelled',
      'Not Started',
      'Error',
    ]);
    expect(describe.fields.find((f) => f.name === 'Zoom_Meeting_Id__c')).toMatchObject({
      externalId: true,
      length: 32,
    });
    expect((await sobject(conn, 'Task').describe()).fields.some((f) => f.name === 'Make_Zoom_Meeting__c')).toBe(true);

    const dir = mkdtempSync(join(tmpdir(), 'sfdx-'));
    mkdirSync(join(dir, 'objects/Activity/fields'), { recursive: true });
    writeFileSync(
      join(dir, 'objects/Activity/fields/Only_Here__c.field-meta.xml'),
      '<?xml version="1.0" encoding="UTF-8"?><CustomField xmlns="http://soap.sforce.com/2006/04/metadata"><fullName>Only_Here__c</fullName><label>Only here</label><length>10</length><type>Text</type></CustomField>',
    );
    const other = createSalesforceEmulator({ clientId, clientSecret, metadataDir: dir });
    expect(other.schema.object('Event')!.fields.has('only_here__c')).toBe(true);
    expect(other.schema.object('Event')!.fields.has('zoom_status__c')).toBe(false);
  });
});

describe('sessions, limits and faults', () => {
  test('an expired session is refreshed by jsforce and by the SalesforceClient', async () => {
    const sf = client();
    expect(await sf.getUser(ADA.salesforceId)).toMatchObject({
      Email: ADA.email,
      IsActive: true,
      TimeZoneSidKey: ADA.timeZone,
    });
    const conn = new Connection({ oauth2: { loginUrl: url, clientId, clientSecret }, version: VERSION });
    await conn.login(username, password);
    await axios.post(`${url}/_emulator/sessions/expire`);
    expect(await sf.getUser('005000000000404AAA')).toBeNull();
    expect((await conn.query('SELECT Id FROM User')).totalSize).toBe(5);
    expect(emulator.admin.requests.filter((r) => r.status === 401)).toHaveLength(2);
  });

  test('REQUEST_LIMIT_EXCEEDED once the daily allowance is spent; Sforce-Limit-Info on every response', async () => {
    const conn = await connect();
    await axios.post(`${url}/_emulator/limits`, { used: 14_999 });
    const response = await axios.get(`${url}/services/data/v${VERSION}/limits`, {
      headers: { authorization: `Bearer ${conn.accessToken}` },
    });
    expect(response.headers['sforce-limit-info']).toBe('api-usage=15000/15000');
    const error = await conn.query('SELECT Id FROM User').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' });
    const classified = toSalesforceError(error);
    expect(classified.isRetryable).toBe(true);
  });

  test('faults and error classification', async () => {
    await axios.post(`${url}/_emulator/faults`, { method: 'PATCH', path: '/sobjects/Event/', status: 503, body: '' });
    const conn = await connect();
    const { id } = await sobject(conn, 'Event').create(newEvent({ Make_Zoom_Meeting__c: false }));
    const sf = client();
    const error = await sf.updateEvent(id, { Zoom_Status__c: 'Scheduled' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SalesforceApiError);
    expect(error).toMatchObject({ errorCode: 'ERROR_HTTP_503', isRetryable: true });
    const invalid = await sf.updateEvent(id, { Zoom_Status__c: 'Nope' as never }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(invalid).toMatchObject({ errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', isRetryable: false });
    expect(
      toSalesforceError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })).isRetryable,
    ).toBe(true);
    expect(
      toSalesforceError(Object.assign(new Error('x'), { name: 'UNABLE_TO_LOCK_ROW', errorCode: 'UNABLE_TO_LOCK_ROW' }))
        .isRetryable,
    ).toBe(true);
    expect(toSalesforceError(new TypeError('fetch failed')).isRetryable).toBe(true);
  });
});

describe("the org's trigger", () => {
  test('inserting a ticked Event calls out once, signed, with the snapshot', async () => {
    const conn = await connect();
    const { id } = await sobject(conn, 'Event').create(newEvent({ Customer_Time_Zone__c: 'America/Chicago' }));
    await sobject(conn, 'Event').create(newEvent({ Make_Zoom_Meeting__c: false }));
    await emulator.trigger.idle();
    expect(received).toHaveLength(1);
    const [callout] = received;
    const check = verifyCallout(
      SECRET,
      {
        timestamp: callout.headers['x-timestamp'] as string,
        nonce: callout.headers['x-nonce'] as string,
        signature: callout.headers['x-signature'] as string,
      },
      callout.body,
    );
    expect(check).toEqual({ ok: true });
    const body = JSON.parse(callout.body);
    expect(body.events).toHaveLength(1);
    expect(body.events[0].operation).toBe('upsert');
    expect(Object.keys(body.events[0].event)).toEqual([...SNAPSHOT_FIELDS]);
    expect(body.events[0].event).toMatchObject({
      Id: id,
      Make_Zoom_Meeting__c: true,
      Customer_Time_Zone__c: 'America/Chicago',
      Zoom_Meeting_Id__c: null,
      StartDateTime: '2026-12-01T15:00:00.000+0000',
    });
    expect(emulator.trigger.callouts[0]).toMatchObject({ itemCount: 1, status: 202, attempts: 1 });
    const listed = await axios.get(`${url}/_emulator/callouts`);
    expect(listed.data.callouts).toHaveLength(1);
  });

  test('the integration writing back Zoom fields does not echo; a user change and a delete do', async () => {
    const conn = await connect();
    const { id } = await sobject(conn, 'Event').create(newEvent());
    await client().updateEvent(id, {
      Zoom_Meeting_Id__c: '81234',
      Zoom_Join_URL__c: 'https://zoom.us/j/81234',
      Zoom_Status__c: 'Scheduled',
      Zoom_Last_Synced__c: new Date().toISOString(),
    });
    await emulator.trigger.idle();
    expect(received).toHaveLength(1);
    await sobject(conn, 'Event').update({ Id: id, Make_Zoom_Meeting__c: false });
    await sobject(conn, 'Event').update({ Id: id, Subject: 'still has a meeting id' });
    await sobject(conn, 'Event').destroy(id);
    await emulator.trigger.idle();
    const operations = received.slice(1).map((c) => JSON.parse(c.body).events[0].operation);
    expect(operations).toEqual(['upsert', 'upsert', 'delete']);
  });

  test('a bulk insert of 200 makes one callout of 200; a failing endpoint is retried', async () => {
    const conn = await connect();
    sinkStatus.push(500);
    const records = Array.from({ length: 200 }, (_, i) => ({
      attributes: { type: 'Event' },
      ...newEvent({ Subject: `Bulk ${i}` }),
    }));
    const results = await sobject(conn, 'Event').create(records, { allOrNone: true });
    expect(results.every((r) => r.success)).toBe(true);
    await emulator.trigger.idle();
    expect(emulator.trigger.callouts).toHaveLength(1);
    expect(emulator.trigger.callouts[0]).toMatchObject({ itemCount: 200, attempts: 2, status: 202 });
    expect(received).toHaveLength(2);
    expect(JSON.parse(received[1].body).events).toHaveLength(200);
  });
});
