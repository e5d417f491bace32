/**
 * The External Zoom Meetings routes against the Zoom and Salesforce emulators (real wire protocols): the host's
 * ended meetings paged by the server, a meeting's participants with proposed links, and Events created with the
 * user's links, idempotently by instance UUID, one result per meeting.
 */
import axios from 'axios';
import type { FastifyInstance } from 'fastify';
import { createApiServer, type ApiTemporalClient } from '../../client/server';
import { calloutHeaders } from '../../domain/callout-signature';
import { DEMO_CONTACTS, DEMO_CREDENTIALS, DEMO_USERS } from '../../emulators/demo-org';
import { createSalesforceEmulator, type SalesforceEmulator } from '../../emulators/salesforce/server';
import { createZoomEmulator, type ZoomEmulator } from '../../emulators/zoom/server';
import { SalesforceClient } from '../../integrations/salesforce/client';
import { ZoomClient } from '../../integrations/zoom/client';

const SECRET = 'a-callout-secret-of-32-characters';
const [ADA, , , CHARLES] = DEMO_USERS;
const [MARIE, NIELS] = DEMO_CONTACTS;
const DAY = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

let zoomEmulator: ZoomEmulator;
let salesforceEmulator: SalesforceEmulator;
let salesforce: SalesforceClient;
let zoomAdminUrl: string;
let app: FastifyInstance;

function fakeTemporal(): ApiTemporalClient {
  return {
    workflow: {
      signalWithStart: jest.fn().mockResolvedValue(undefined),
      // The replay cache: every request below is signed anew, so each nonce is new.
      start: jest.fn().mockResolvedValue(undefined),
    },
    connection: { withDeadline: (_deadline, fn) => fn(), workflowService: { getSystemInfo: jest.fn() } },
  };
}

beforeAll(async () => {
  zoomEmulator = createZoomEmulator({ credentials: DEMO_CREDENTIALS.zoom, pastDataDelayMs: 0, rateLimits: false });
  const zoomUrl = await zoomEmulator.listen(0, '127.0.0.1');
  zoomAdminUrl = `${zoomUrl}/_emulator`;
  salesforceEmulator = createSalesforceEmulator({
    clientId: DEMO_CREDENTIALS.salesforce.clientId,
    clientSecret: DEMO_CREDENTIALS.salesforce.clientSecret,
    callout: { url: 'http://127.0.0.1:9/v1/salesforce/events', secret: 's', retryDelaysMs: [] },
  });
  const salesforceUrl = await salesforceEmulator.listen(0, '127.0.0.1');
  salesforce = new SalesforceClient({
    loginUrl: salesforceUrl,
    clientId: DEMO_CREDENTIALS.salesforce.clientId,
    clientSecret: DEMO_CREDENTIALS.salesforce.clientSecret,
    apiVersion: '62.0',
  });
  const zoom = new ZoomClient({
    ...DEMO_CREDENTIALS.zoom,
    apiBaseUrl: `${zoomUrl}/v2`,
    oauthUrl: `${zoomUrl}/oauth/token`,
  });
  app = createApiServer({
    calloutSecret: SECRET,
    temporal: fakeTemporal(),
    taskQueue: 'test-queue',
    logger: false,
    externalMeetings: { zoom, salesforce },
  });
  await app.ready();
});

afterAll(async () => {
  await app.close();
  await zoomEmulator.close();
  await salesforceEmulator.close();
});

beforeEach(async () => {
  await axios.post(`${zoomAdminUrl}/reset`);
  salesforceEmulator.admin.reset();
});

/** Ended meetings of Ada's, `daysAgo` each, with Ada, Marie (a guest: no e-mail) and an unknown guest. */
async function seedMeetings(daysAgo: number[]): Promise<{ id: number; uuid: string }[]> {
  const now = Date.now();
  const response = await axios.post(
    `${zoomAdminUrl}/past-meetings`,
    daysAgo.map((ago, i) => ({
      host: ADA.email,
      topic: `Call ${i}`,
      startTime: new Date(now - ago * DAY).toISOString(),
      endTime: new Date(now - ago * DAY + 30 * 60_000).toISOString(),
      participants: [
        { name: 'Ada Lovelace', userId: ADA.zoomId },
        { name: 'Marie Curie' },
        { name: 'Pat Unknown', email: 'pat@elsewhere.example', hideEmail: false },
      ],
    })),
  );
  return response.data;
}

function signed(method: 'GET' | 'POST', url: string, body?: unknown) {
  const payload = body === undefined ? '' : JSON.stringify(body);
  return app.inject({
    method,
    url,
    ...(body === undefined ? {} : { payload }),
    headers: calloutHeaders(SECRET, payload, Date.now(), { method, path: url }),
  });
}

const listUrl = (params: Record<string, string | number>) =>
  `/v1/external-meetings?${new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]))}`;
const detailsUrl = (uuid: string, host = ADA.salesforceId) =>
  `/v1/external-meetings/${encodeURIComponent(uuid)}?host=${host}`;

describe('GET /v1/external-meetings', () => {
  it('pages the host’s meetings in the range by cursor, with host, counts and no Event yet', async () => {
    await seedMeetings([2, 3, 4, 40]);
    const range = { host: ADA.salesforceId, from: day(Date.now() - 10 * DAY), to: day(Date.now()), pageSize: 2 };

    const first = await signed('GET', listUrl(range));
    expect(first.statusCode).toBe(200);
    expect(first.headers['cache-control']).toBe('no-store');
    const page1 = first.json();
    expect(page1.meetings).toHaveLength(2);
    expect(page1.nextCursor).toEqual(expect.any(String));
    expect(page1.meetings[0]).toMatchObject({
      hostName: 'Ada Lovelace',
      participantCount: 3,
      durationMinutes: 30,
      managed: false,
    });
    expect(page1.meetings[0].eventId).toBeUndefined();

    const second = await signed('GET', listUrl({ ...range, cursor: page1.nextCursor }));
    const page2 = second.json();
    expect(page2.meetings).toHaveLength(1);
    expect(page2.nextCursor).toBeUndefined();
    const topics = [...page1.meetings, ...page2.meetings].map((m: { topic: string }) => m.topic).sort();
    expect(topics).toEqual(['Call 0', 'Call 1', 'Call 2']);
  });

  it('refuses a reversed or too long range, and a host without Zoom, with a plain message', async () => {
    const reversed = await signed('GET', listUrl({ host: ADA.salesforceId, from: '2026-11-20', to: '2026-11-10' }));
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json().error).toBe('From must be on or before To');

    const long = await signed(
      'GET',
      listUrl({ host: ADA.salesforceId, from: day(Date.now() - 60 * DAY), to: day(Date.now()) }),
    );
    expect(long.statusCode).toBe(400);
    expect(long.json().error).toMatch(/at most one month/);

    const noZoom = await signed(
      'GET',
      listUrl({ host: CHARLES.salesforceId, from: day(Date.now()), to: day(Date.now()) }),
    );
    expect(noZoom.statusCode).toBe(422);
    expect(noZoom.json().error).toMatch(/not a user of your company's Zoom account/);
  });

  it('refuses, with the plain message, a range of 31 days that is more than a month (Zoom’s limit)', async () => {
    // The first day of a recent 30-day month to the first of the next: 31 days, one calendar month, which Zoom's
    // report refuses ("range ≤ 1 month", read strictly as the emulator does): the page must say so, not fail.
    const start = new Date();
    start.setUTCDate(1);
    do start.setUTCMonth(start.getUTCMonth() - 1);
    while (new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 0)).getUTCDate() !== 30);
    const next = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
    const answer = await signed('GET', listUrl({ host: ADA.salesforceId, from: day(+start), to: day(+next) }));
    expect(answer.json().error).toMatch(/at most one month/);
    expect(answer.statusCode).toBe(400);

    const withinAMonth = new Date(+next - DAY);
    const fine = await signed('GET', listUrl({ host: ADA.salesforceId, from: day(+start), to: day(+withinAMonth) }));
    expect(fine.statusCode).toBe(200);
  });

  it('admits only requests signed v2 over this path', async () => {
    const url = listUrl({ host: ADA.salesforceId, from: day(Date.now()), to: day(Date.now()) });
    const unsigned = await app.inject({ method: 'GET', url });
    expect(unsigned.statusCode).toBe(401);
    const otherPath = await app.inject({
      method: 'GET',
      url,
      headers: calloutHeaders(SECRET, '', Date.now(), { method: 'GET', path: '/v1/external-meetings' }),
    });
    expect(otherPath.statusCode).toBe(401);
  });
});

describe('GET /v1/external-meetings/{uuid}', () => {
  it('lists the participants with the matcher’s proposals', async () => {
    const [meeting] = await seedMeetings([1]);
    const response = await signed('GET', detailsUrl(meeting.uuid));
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ uuid: meeting.uuid, topic: 'Call 0', durationMinutes: 30 });
    const byName = Object.fromEntries(body.participants.map((p: { name: string }) => [p.name, p] as const)) as Record<
      string,
      { key: string; proposal: string; by?: string; linked?: unknown }
    >;
    expect(byName['Ada Lovelace'].proposal).toBe('host');
    expect(byName['Marie Curie']).toMatchObject({
      proposal: 'linked',
      by: 'name',
      linked: { id: MARIE.Id, type: 'Contact', name: 'Marie Curie' },
    });
    expect(byName['Pat Unknown']).toMatchObject({ proposal: 'no-match', email: 'pat@elsewhere.example' });
    // The key names nobody.
    expect(byName['Pat Unknown'].key).not.toMatch(/pat|elsewhere/i);
  });

  it('answers 404 for a meeting of another host', async () => {
    const [meeting] = await seedMeetings([1]);
    const response = await signed('GET', detailsUrl(meeting.uuid, DEMO_USERS[1].salesforceId));
    expect(response.statusCode).toBe(404);
  });
});

describe('POST /v1/external-meetings/events', () => {
  it('creates the Event with the chosen links, as the sync does, and updates it on a second press', async () => {
    const [meeting] = await seedMeetings([1]);
    const details = (await signed('GET', detailsUrl(meeting.uuid))).json();
    const pat = details.participants.find((p: { name: string }) => p.name === 'Pat Unknown');

    const body = {
      host: ADA.salesforceId,
      meetings: [{ uuid: meeting.uuid, links: [{ key: pat.key, recordId: NIELS.Id }] }],
    };
    const first = await signed('POST', '/v1/external-meetings/events', body);
    expect(first.statusCode).toBe(200);
    const [result] = first.json().results;
    expect(result).toMatchObject({ uuid: meeting.uuid, ok: true, created: true, eventId: expect.any(String) });

    const { records } = await salesforce.query<Record<string, unknown>>(
      `SELECT Id, OwnerId, WhoId, Subject, Zoom_Source__c, Zoom_Meeting_UUID__c, Zoom_Match_Notes__c, Zoom_Status__c FROM Event WHERE Id = '${result.eventId}'`,
    );
    expect(records[0]).toMatchObject({
      OwnerId: ADA.salesforceId,
      WhoId: MARIE.Id,
      Subject: 'Call 0',
      Zoom_Source__c: 'External',
      Zoom_Meeting_UUID__c: meeting.uuid,
      Zoom_Status__c: 'Ended',
    });
    expect(records[0].Zoom_Match_Notes__c).toContain(`Pat Unknown: linked to Contact ${NIELS.Id} by the user's choice`);
    const relations = await salesforce.query<{ RelationId: string }>(
      `SELECT RelationId FROM EventRelation WHERE EventId = '${result.eventId}'`,
    );
    expect(relations.records.map((r) => r.RelationId)).toContain(NIELS.Id);

    // Pressed again with the link cleared: the same Event, now without Niels.
    const again = await signed('POST', '/v1/external-meetings/events', {
      ...body,
      meetings: [{ uuid: meeting.uuid, links: [{ key: pat.key, recordId: null }] }],
    });
    expect(again.json().results[0]).toMatchObject({ ok: true, created: false, eventId: result.eventId });
    const after = await salesforce.query<{ RelationId: string }>(
      `SELECT RelationId FROM EventRelation WHERE EventId = '${result.eventId}'`,
    );
    expect(after.records.map((r) => r.RelationId)).not.toContain(NIELS.Id);

    const list = await signed(
      'GET',
      listUrl({ host: ADA.salesforceId, from: day(Date.now() - 2 * DAY), to: day(Date.now()) }),
    );
    expect(list.json().meetings[0].eventId).toBe(result.eventId);
  });

  it('reports each meeting’s own result when some cannot be created', async () => {
    const [good] = await seedMeetings([1]);
    const response = await signed('POST', '/v1/external-meetings/events', {
      host: ADA.salesforceId,
      meetings: [
        { uuid: 'no-such-meeting-uuid==' },
        { uuid: good.uuid, links: [{ key: 'unknown-key', recordId: NIELS.Id }] },
        { uuid: good.uuid + 'x' },
      ],
    });
    expect(response.statusCode).toBe(200);
    const results = response.json().results;
    expect(results.map((r: { ok: boolean }) => r.ok)).toEqual([false, false, false]);
    expect(results[0].error).toMatch(/not one of this host/);
    expect(results[1].error).toMatch(/not in this meeting any more/);

    const fixed = await signed('POST', '/v1/external-meetings/events', {
      host: ADA.salesforceId,
      meetings: [{ uuid: 'no-such-meeting-uuid==' }, { uuid: good.uuid }],
    });
    expect(fixed.json().results.map((r: { ok: boolean }) => r.ok)).toEqual([false, true]);
  });

  it('refuses a body it cannot read, naming the shape', async () => {
    const response = await signed('POST', '/v1/external-meetings/events', { host: ADA.salesforceId });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatch(/"meetings"/);
  });
});

describe('GET /v1/zoom-account', () => {
  it('says whether the user’s Salesforce e-mail has a Zoom account, with a plain message when not', async () => {
    const ada = await signed('GET', `/v1/zoom-account?user=${ADA.salesforceId}`);
    expect(ada.statusCode).toBe(200);
    expect(ada.json()).toEqual({ hasZoomAccount: true });
    const charles = await signed('GET', `/v1/zoom-account?user=${CHARLES.salesforceId}`);
    expect(charles.statusCode).toBe(200);
    expect(charles.json()).toMatchObject({ hasZoomAccount: false, message: expect.stringContaining('not a user') });
  });

  it('refuses an unsigned request and a user that is not a User Id', async () => {
    const url = `/v1/zoom-account?user=${ADA.salesforceId}`;
    expect((await app.inject({ method: 'GET', url })).statusCode).toBe(401);
    expect((await signed('GET', '/v1/zoom-account?user=003000000000001AAA')).statusCode).toBe(400);
  });
});
