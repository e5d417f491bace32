/**
 * Events the integration user cannot see or edit (activities shared Private, the user without View All Data or
 * Modify All Data): the emulated org answers as the real one, and the meeting activities tell "deleted" from
 * "no access" through the real SalesforceClient.
 */
import axios from 'axios';
import { ApplicationFailure } from '@temporalio/common';
import { Connection } from 'jsforce';
import { createMeetingActivities } from '../../activities/meetings';
import { DEMO_CREDENTIALS, DEMO_USERS } from '../../emulators/demo-org';
import { createSalesforceEmulator, type SalesforceEmulator } from '../../emulators/salesforce/server';
import { SalesforceClient } from '../../integrations/salesforce/client';

const VERSION = '62.0';
const { clientId, clientSecret } = DEMO_CREDENTIALS.salesforce;
const ADA = DEMO_USERS[0];

let emulator: SalesforceEmulator;
let url: string;

beforeAll(async () => {
  emulator = createSalesforceEmulator({ clientId, clientSecret });
  url = await emulator.listen(0);
});

afterAll(async () => {
  await emulator.close();
});

beforeEach(() => {
  emulator.admin.reset();
});

async function connect(): Promise<Connection> {
  const conn = new Connection({ oauth2: { loginUrl: url, clientId, clientSecret }, version: VERSION });
  await conn.authorize({ grant_type: 'client_credentials' });
  return conn;
}

/** Ada's Event, put in by the admin seed (as Ada would create it in the org). */
async function adasEvent(): Promise<string> {
  const { data } = await axios.post<{ ids: string[] }>(`${url}/_emulator/records/Event`, {
    records: [
      {
        Subject: 'Discovery call',
        StartDateTime: '2026-12-01T15:00:00.000Z',
        EndDateTime: '2026-12-01T15:45:00.000Z',
        OwnerId: ADA.salesforceId,
      },
    ],
  });
  return data.ids[0];
}

const permissions = (granted: { viewAllData: boolean; modifyAllData: boolean }) =>
  axios.post(`${url}/_emulator/permissions`, granted);

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApplicationFailure) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

function activities() {
  const salesforce = new SalesforceClient({ loginUrl: url, clientId, clientSecret, apiVersion: VERSION });
  return createMeetingActivities({ zoom: {} as never, salesforce });
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'OK',
    (error: { errorCode?: string }) => error.errorCode,
  );

describe('the emulated org shares Events Private', () => {
  test('without View All Data another user’s Event is not found: SOQL has no row, GET and PATCH answer NOT_FOUND', async () => {
    const id = await adasEvent();
    await permissions({ viewAllData: false, modifyAllData: false });
    const conn = await connect();
    expect((await conn.query(`SELECT Id FROM Event WHERE Id = '${id}'`)).totalSize).toBe(0);
    expect((await conn.query(`SELECT Id FROM Event WHERE Id = '${id}'`, { scanAll: true })).totalSize).toBe(0);
    expect(await codeOf(conn.sobject('Event').retrieve(id))).toBe('NOT_FOUND');
    expect(await codeOf(conn.sobject('Event').update({ Id: id, Subject: 'x' }))).toBe('NOT_FOUND');
    // Its own Events stay readable and writable.
    const own = await conn
      .sobject('Event')
      .create({ Subject: 'Own', StartDateTime: '2026-12-01T15:00:00.000Z', DurationInMinutes: 30 });
    expect(await codeOf(conn.sobject('Event').update({ Id: own.id!, Subject: 'Own, moved' }))).toBe('OK');
  });

  test('with View All Data only, the Event reads but an update is INSUFFICIENT_ACCESS_OR_READONLY', async () => {
    const id = await adasEvent();
    await permissions({ viewAllData: true, modifyAllData: false });
    const conn = await connect();
    expect((await conn.query(`SELECT Id FROM Event WHERE Id = '${id}'`)).totalSize).toBe(1);
    expect(await codeOf(conn.sobject('Event').update({ Id: id, Subject: 'x' }))).toBe(
      'INSUFFICIENT_ACCESS_OR_READONLY',
    );
  });

  test('by default the integration user has what the README asks for, and writes any Event', async () => {
    const id = await adasEvent();
    const conn = await connect();
    expect(await codeOf(conn.sobject('Event').update({ Id: id, Subject: 'x' }))).toBe('OK');
  });
});

describe('writing to an Event the integration user cannot reach', () => {
  test('no access is an operator problem retried slowly, not "the Event is gone"', async () => {
    const id = await adasEvent();
    await permissions({ viewAllData: false, modifyAllData: false });
    const hidden = await failureOf(
      activities().writeEventFields({ eventId: id, fields: { Zoom_Status__c: 'Scheduled' } }),
    );
    expect(hidden.type).toBe('SalesforceAccessDenied');
    expect(hidden.nonRetryable).toBe(false);
    expect(hidden.message).toMatch(/Modify All Data/);

    await permissions({ viewAllData: true, modifyAllData: false });
    const readOnly = await failureOf(
      activities().writeEventSchedule({ eventId: id, fields: { Subject: 'Moved in Zoom' }, timeZone: undefined }),
    );
    expect(readOnly.type).toBe('SalesforceAccessDenied');
  });

  test('a deleted Event is still "the Event is gone"', async () => {
    const id = await adasEvent();
    await (await connect()).sobject('Event').destroy(id);
    await permissions({ viewAllData: true, modifyAllData: false });
    const gone = await failureOf(
      activities().writeEventFields({ eventId: id, fields: { Zoom_Status__c: 'Scheduled' } }),
    );
    expect(gone.type).toBe('SalesforceEventNotFound');
    expect(gone.nonRetryable).toBe(true);
  });
});
