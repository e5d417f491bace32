/**
 * The hourly sync end to end, on a Temporal dev server with the emulators and the production activities: the
 * Schedule, external meetings imported under the host's matched Contacts (toggle off, then on, then a second run),
 * and a meeting whose webhooks were all lost, put right by a run.
 */
import axios from 'axios';
import { type Connection } from 'jsforce';
import { DEMO_ORG_ID, DEMO_USERS } from '../../emulators/demo-org';
import {
  hourlySyncInput,
  ensureHourlySyncSchedule,
  hourlySyncScheduleOptions,
} from '../../workers/hourly-sync-schedule';
import { HOURLY_SYNC_SCHEDULE_ID, type HourlySyncProgress } from '../../workflows/messages';
import { eventually, startTestStack, waitForEvent, type TestStack } from '../helpers/stack';

let stack: TestStack;
let sf: Connection;

const ADA = DEMO_USERS[0];
const MINUTE = 60_000;
const MARIE = '003000000000001AAA';
const NIELS = '003000000000002AAA';
const EMMY = '00Q000000000002EAA';
const sync = {
  intervalMs: 60 * MINUTE,
  overlapMs: 10 * MINUTE,
  lookbackMs: 2 * 24 * 60 * MINUTE,
  hostConcurrency: 2,
  zoomPlan: 'business' as const,
  createSchedule: true,
};
let runs = 0;

beforeAll(async () => {
  stack = await startTestStack();
  sf = await stack.sfUser();
});

afterAll(async () => {
  await stack?.stop();
});

/** One run of the hourly sync, as the Schedule starts it (production activities, this stack's task queue). */
async function runSync(): Promise<HourlySyncProgress> {
  runs += 1;
  return stack.env.client.workflow.execute('hourlySyncWorkflow', {
    taskQueue: stack.taskQueue,
    workflowId: `zoom-hourly-sync-e2e-${runs}`,
    args: [hourlySyncInput(sync)],
  });
}

const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();

async function seedPastMeetings(meetings: unknown[]): Promise<{ id: number; uuid: string }[]> {
  const { data } = await axios.post(`${stack.zoomUrl}/_emulator/past-meetings`, meetings);
  return data;
}

async function externalEvents() {
  const { records } = await sf.query<Record<string, unknown>>(
    'SELECT Id, WhoId, OwnerId, Subject, Zoom_Meeting_UUID__c, Zoom_Meeting_Id__c, Zoom_Status__c, ' +
      'Zoom_Participant_Count__c, Zoom_Match_Notes__c, Make_Zoom_Meeting__c FROM Event ' +
      "WHERE Zoom_Source__c = 'External'",
  );
  return records;
}

test('the worker creates the Schedule once, leaves it alone when unchanged, and updates a changed interval', async () => {
  const options = hourlySyncScheduleOptions(stack.taskQueue, sync);
  // Three workers starting at once: one creates, none fails.
  const outcomes = await Promise.all([1, 2, 3].map(() => ensureHourlySyncSchedule(stack.env.client, options)));
  expect(outcomes.filter((o) => o === 'created')).toHaveLength(1);
  expect(await ensureHourlySyncSchedule(stack.env.client, options)).toBe('unchanged');
  const faster = hourlySyncScheduleOptions(stack.taskQueue, { ...sync, intervalMs: 30 * MINUTE });
  expect(await ensureHourlySyncSchedule(stack.env.client, faster)).toBe('updated');
  const described = await stack.env.client.schedule.getHandle(HOURLY_SYNC_SCHEDULE_ID).describe();
  expect(described.spec.intervals?.[0]?.every).toBe(30 * MINUTE);
  expect(described.policies.overlap).toBe('SKIP');
  // Operators pause it from the UI or CLI; the tests' own runs below are started directly.
  await stack.env.client.schedule.getHandle(HOURLY_SYNC_SCHEDULE_ID).pause('e2e runs sync by hand');
});

test('external meetings: nothing is read while the toggle is off; then Events under the matched records, once', async () => {
  const managed = await sf.sobject('Event').create({
    Subject: 'Managed meeting',
    StartDateTime: new Date(Date.now() + 60 * MINUTE).toISOString(),
    EndDateTime: new Date(Date.now() + 90 * MINUTE).toISOString(),
    OwnerId: ADA.salesforceId,
    Make_Zoom_Meeting__c: true,
  });
  const managedEvent = await waitForEvent(
    sf,
    managed.id!,
    ['Zoom_Meeting_Id__c', 'Zoom_Status__c'],
    (e) => e.Zoom_Status__c === 'Scheduled',
    'managed meeting scheduled',
  );
  const [matched, unmatched, managedInstance] = await seedPastMeetings([
    {
      host: ADA.zoomId,
      topic: 'Pricing with Acme',
      startTime: iso(80 * MINUTE),
      endTime: iso(40 * MINUTE),
      participants: [
        { name: 'Ada Lovelace', userId: ADA.zoomId },
        // Zoom hides a guest's e-mail: the name decides.
        { name: 'Curie, Marie', email: 'marie.curie@acme.example' },
        { name: 'N. Bohr', email: 'niels.bohr@acme.example', hideEmail: false },
        { name: 'Emmy Noether' },
        { name: '+1 408 555 0100' },
        // Grace's contact: not Ada's, so not linked.
        { name: 'Lise Meitner' },
      ],
    },
    {
      host: ADA.zoomId,
      topic: 'Cold call',
      startTime: iso(70 * MINUTE),
      endTime: iso(50 * MINUTE),
      participants: [{ name: 'Ada Lovelace', userId: ADA.zoomId }, { name: 'Somebody Else' }],
    },
    {
      host: ADA.zoomId,
      topic: 'Managed meeting',
      meetingId: Number(managedEvent.Zoom_Meeting_Id__c),
      startTime: iso(30 * MINUTE),
      endTime: iso(20 * MINUTE),
      participants: [{ name: 'Ada Lovelace', userId: ADA.zoomId }, { name: 'Marie Curie' }],
    },
  ]);
  const reportCalls = async () =>
    (await axios.get(`${stack.zoomUrl}/_emulator/requests`)).data.requests.filter((r: { path: string }) =>
      r.path.startsWith('/v2/report/users/'),
    ).length;

  const off = await runSync();
  expect(off.externalEnabled).toBe(false);
  expect(await reportCalls()).toBe(0);
  expect(await externalEvents()).toHaveLength(0);

  await sf.sobject('Zoom_Settings__c').create({ SetupOwnerId: DEMO_ORG_ID, Sync_External_Meetings__c: true });
  // The toggle has just been turned on: the run looks back the whole lookback, past the previous run's window.
  const on = await runSync();
  expect(on).toMatchObject({ externalEnabled: true, eventsWritten: 1, skippedManaged: 1, skippedNoMatch: 1 });
  expect(Date.parse(on.window.from)).toBeLessThanOrEqual(Date.now() - sync.lookbackMs + MINUTE);
  expect(await reportCalls()).toBeGreaterThan(0);

  const [event] = await externalEvents();
  expect(event).toMatchObject({
    OwnerId: ADA.salesforceId,
    Subject: 'Pricing with Acme',
    Zoom_Meeting_UUID__c: matched.uuid,
    Zoom_Meeting_Id__c: String(matched.id),
    Zoom_Status__c: 'Ended',
    Zoom_Participant_Count__c: 6,
    Make_Zoom_Meeting__c: false,
  });
  const relations = await sf.query<{ RelationId: string }>(
    `SELECT RelationId FROM EventRelation WHERE EventId = '${String(event.Id)}'`,
  );
  const linked = new Set([String(event.WhoId), ...relations.records.map((r) => r.RelationId)]);
  expect(linked).toEqual(new Set([MARIE, NIELS]));
  const notes = String(event.Zoom_Match_Notes__c);
  expect(notes).toMatch(/Curie, Marie: linked to Contact 003000000000001AAA by name/);
  expect(notes).toMatch(/N\. Bohr: linked to Contact 003000000000002AAA by e-mail/);
  expect(notes).toMatch(/\+1 408 555 0100: not linked/);
  expect(notes).toMatch(/Lise Meitner: not linked/);
  // Emmy is Ada's lead, but an Event names contacts or one lead, never both.
  expect(notes).toContain(EMMY);
  expect(unmatched.uuid).not.toBe(matched.uuid);
  expect((await externalEvents()).map((e) => e.Zoom_Meeting_UUID__c)).not.toContain(managedInstance.uuid);
  // The managed meeting's own Event is untouched by the import.
  expect(
    (await sf.query(`SELECT Id FROM Event WHERE Zoom_Meeting_Id__c = '${String(managedEvent.Zoom_Meeting_Id__c)}'`))
      .records,
  ).toHaveLength(1);

  // A second run writes nothing new, whether its window starts at the watermark or (before visibility shows the
  // first run) looks back again.
  const second = await runSync();
  expect(second.eventsWritten).toBeLessThanOrEqual(1);
  expect(await externalEvents()).toHaveLength(1);
  const again = await sf.query(`SELECT Id FROM EventRelation WHERE EventId = '${String(event.Id)}'`);
  expect(again.records).toHaveLength(relations.records.length);
});

test('a meeting whose webhooks were all lost is right in Salesforce after a run', async () => {
  // The Event's time is over (it started 50 minutes ago); its workflow would poll only later by itself.
  const created = await sf.sobject('Event').create({
    Subject: 'Lost webhooks',
    StartDateTime: iso(50 * MINUTE),
    EndDateTime: iso(20 * MINUTE),
    OwnerId: ADA.salesforceId,
    WhoId: MARIE,
    Make_Zoom_Meeting__c: true,
  });
  const fields = ['Zoom_Status__c', 'Zoom_Meeting_Id__c', 'Zoom_Participant_Count__c', 'Zoom_Successful__c'];
  const scheduled = await waitForEvent(sf, created.id!, fields, (e) => e.Zoom_Status__c === 'Scheduled', 'scheduled');
  const meetingId = String(scheduled.Zoom_Meeting_Id__c);

  // Zoom gives up on our endpoint: nothing of this meeting arrives.
  await axios.post(`${stack.zoomUrl}/_emulator/webhooks/pause`);
  const simulate = (action: string, body: unknown) =>
    axios.post(`${stack.zoomUrl}/_emulator/meetings/${meetingId}/${action}`, body);
  await simulate('start', {});
  await simulate('participants', [{ name: 'Ada Lovelace', userId: ADA.zoomId }, { name: 'Marie Curie' }]);
  await simulate('end', {});
  expect((await waitForEvent(sf, created.id!, fields, () => true, 'read')).Zoom_Status__c).toBe('Scheduled');

  // The next hourly run comes long after Zoom has published the meeting's past data.
  await eventually(
    async () => ((await stack.zoomClient.listPastMeetingInstances(meetingId)).length > 0 ? true : undefined),
    20_000,
    "Zoom's past data",
  );
  const progress = await runSync();
  expect(progress.staleEventsNudged).toBeGreaterThanOrEqual(1);
  const ended = await waitForEvent(
    sf,
    created.id!,
    fields,
    (e) => e.Zoom_Status__c === 'Ended',
    'ended after the sync',
  );
  expect(ended).toMatchObject({ Zoom_Participant_Count__c: 2, Zoom_Successful__c: true });
  await axios.post(`${stack.zoomUrl}/_emulator/webhooks/resume`);
});
