/**
 * End to end on a Temporal dev server: "Start Zoom Meeting" on a Lead or Contact answers with a working
 * meeting in the same request (update-with-start), creates the Event under the record, and the meeting then
 * follows the normal lifecycle.
 */
import axios from 'axios';
import { type Connection } from 'jsforce';
import { pressButton } from '../../emulators/salesforce/button-requests';
import { DEMO_CREDENTIALS, DEMO_ORG_ID, DEMO_USERS } from '../../emulators/demo-org';
import { meetingStateQuery, meetingWorkflowId } from '../../workflows/messages';
import { eventually, startTestStack, waitForEvent, type TestStack } from '../helpers/stack';

let stack: TestStack;
let sf: Connection;

const [ADA, GRACE] = DEMO_USERS;
const BABBAGE = DEMO_USERS.find((u) => u.zoomId === null)!;
const MARIE = '003000000000001AAA';
const NIELS = '003000000000002AAA';
const LEAD = '00Q000000000002EAA';

beforeAll(async () => {
  stack = await startTestStack();
  sf = await stack.sfUser();
  // Org default: no PMI; Grace's own setting: her PMI.
  await sf.sobject('Zoom_Settings__c').create({ SetupOwnerId: DEMO_ORG_ID, Use_PMI_By_Default__c: false });
  await sf
    .sobject('Zoom_Settings__c')
    .create({ SetupOwnerId: GRACE.salesforceId, Use_PMI_By_Default__c: true, Join_Before_Host_By_Default__c: true });
});

afterAll(async () => {
  await stack?.stop();
});

const click = (body: object, secret = DEMO_CREDENTIALS.calloutSecret) =>
  pressButton(stack.apiUrl, secret, 'POST', '/v1/salesforce/instant-meetings', body);

function zoomCreates(): number {
  return stack.zoom.admin.requests.filter((r) => r.method === 'POST' && /\/v2\/users\/[^/]+\/meetings$/.test(r.path))
    .length;
}

test('a click on a Contact starts an instant meeting, creates its Event, and the lifecycle follows', async () => {
  const calloutsBefore = stack.salesforce.trigger.callouts.length;
  const answer = await click({ recordId: MARIE, userId: ADA.salesforceId });
  expect(answer.status).toBe(200);
  const { eventId, zoomMeetingId, joinUrl, startUrl } = answer.data;
  expect(startUrl).toMatch(/\/s\/\d+\?zak=/);
  const meeting = await stack.zoomClient.getMeeting(zoomMeetingId);
  expect(meeting).toMatchObject({
    // Scheduled, starting now: Zoom lists it, so a create whose answer was lost is found again.
    type: 2,
    join_url: joinUrl,
    host_email: ADA.email,
    topic: 'Zoom meeting with Marie Curie',
  });

  const [event] = (
    await sf.query<Record<string, unknown>>(
      `SELECT Id, WhoId, OwnerId, Make_Zoom_Meeting__c, Zoom_Source__c, Zoom_Meeting_Id__c, Zoom_Join_URL__c, StartDateTime, EndDateTime FROM Event WHERE Id = '${eventId}'`,
    )
  ).records;
  expect(event).toMatchObject({
    WhoId: MARIE,
    OwnerId: ADA.salesforceId,
    Make_Zoom_Meeting__c: true,
    Zoom_Source__c: 'Instant',
    Zoom_Meeting_Id__c: zoomMeetingId,
    Zoom_Join_URL__c: joinUrl,
  });
  expect(Date.parse(String(event.EndDateTime)) - Date.parse(String(event.StartDateTime))).toBe(60 * 60_000);
  // The org's trigger did not start a second, scheduling workflow for this Event.
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(stack.salesforce.trigger.callouts.length).toBe(calloutsBefore);
  expect(zoomCreates()).toBeGreaterThan(0);

  // The Event's meeting workflow runs the lifecycle: started, ended, participants.
  const state = await stack.env.client.workflow.getHandle(meetingWorkflowId(eventId)).query(meetingStateQuery);
  expect(state).toMatchObject({ zoomMeetingId, status: 'Scheduled' });
  const t0 = Date.now();
  await axios.post(`${stack.zoomUrl}/_emulator/meetings/${zoomMeetingId}/start`, { at: new Date(t0).toISOString() });
  await axios.post(`${stack.zoomUrl}/_emulator/meetings/${zoomMeetingId}/participants`, [
    { name: 'Ada Lovelace', email: ADA.email, joinTime: new Date(t0).toISOString() },
    { name: 'Marie Curie', email: 'marie.curie@acme.example', joinTime: new Date(t0 + 60_000).toISOString() },
  ]);
  await axios.post(`${stack.zoomUrl}/_emulator/meetings/${zoomMeetingId}/end`, {
    at: new Date(t0 + 20 * 60_000).toISOString(),
  });
  const ended = await waitForEvent(
    sf,
    eventId,
    ['Zoom_Status__c', 'Zoom_Participant_Count__c', 'Zoom_Successful__c'],
    (e) => e.Zoom_Status__c === 'Ended' && e.Zoom_Participant_Count__c !== null,
    "Zoom's report",
  );
  expect(ended).toMatchObject({ Zoom_Participant_Count__c: 2, Zoom_Successful__c: true });
});

test('a retried click (even two at once) gives the same meeting, not two', async () => {
  const before = zoomCreates();
  const [a, b] = await Promise.all([
    click({ recordId: LEAD, userId: ADA.salesforceId }),
    click({ recordId: LEAD, userId: ADA.salesforceId }),
  ]);
  const c = await click({ recordId: LEAD, userId: ADA.salesforceId });
  expect([a.status, b.status, c.status]).toEqual([200, 200, 200]);
  expect(new Set([a.data.eventId, b.data.eventId, c.data.eventId]).size).toBe(1);
  expect(new Set([a.data.zoomMeetingId, b.data.zoomMeetingId, c.data.zoomMeetingId]).size).toBe(1);
  expect(zoomCreates() - before).toBe(1);
});

test('a lost answer to the create (Zoom made the meeting, the answer is a 500) still leaves one meeting in Zoom', async () => {
  await axios.post(`${stack.zoomUrl}/_emulator/faults`, {
    faults: [
      {
        method: 'POST',
        path: '^/v2/users/[^/]+/meetings$',
        times: 1,
        status: 500,
        when: 'after',
        body: { code: 500, message: 'Internal error' },
      },
    ],
  });
  const subject = `Lost answer ${Date.now()}`;
  const answer = await click({ recordId: NIELS, userId: ADA.salesforceId, subject });
  expect(answer.status).toBe(200);
  const made = [...stack.zoom.store.meetings.values()].filter((m) => m.topic === subject);
  expect(made.map((m) => String(m.id))).toEqual([answer.data.zoomMeetingId]);
});

test("a user's own setting beats the org default: Grace's instant meetings use her PMI and join before host", async () => {
  const answer = await click({ recordId: NIELS, userId: GRACE.salesforceId, subject: 'Quick question' });
  expect(answer.status).toBe(200);
  expect(answer.data.zoomMeetingId).toBe(String(GRACE.pmi));
  const meeting = await stack.zoomClient.getMeeting(answer.data.zoomMeetingId);
  expect(meeting.topic).toBe('Quick question');
  expect(meeting.settings).toMatchObject({ use_pmi: true, join_before_host: true });
  const ada = await click({ recordId: NIELS, userId: ADA.salesforceId });
  expect(ada.data.zoomMeetingId).not.toBe(String(ADA.pmi));
});

test('two instant meetings on the PMI, from two records, make two Events (the PMI is not a key)', async () => {
  const gracesPmiEvents = async () =>
    (
      await sf.query<{ Id: string; WhoId: string }>(
        `SELECT Id, WhoId FROM Event WHERE OwnerId = '${GRACE.salesforceId}' AND Zoom_Meeting_Id__c = '${GRACE.pmi}'`,
      )
    ).records.map(({ Id, WhoId }) => ({ Id, WhoId }));
  const before = await gracesPmiEvents();
  const marie = await click({ recordId: MARIE, userId: GRACE.salesforceId });
  const lead = await click({ recordId: LEAD, userId: GRACE.salesforceId });
  expect([marie.status, lead.status]).toEqual([200, 200]);
  expect([marie.data.zoomMeetingId, lead.data.zoomMeetingId]).toEqual([String(GRACE.pmi), String(GRACE.pmi)]);
  const after = await gracesPmiEvents();
  // One new Event per click; the host's earlier PMI Events are left as they were.
  expect(after).toHaveLength(before.length + 2);
  expect(after).toEqual(expect.arrayContaining(before));
  expect(after).toEqual(
    expect.arrayContaining([
      { Id: marie.data.eventId, WhoId: MARIE },
      { Id: lead.data.eventId, WhoId: LEAD },
    ]),
  );
});

test('bad input gets the right answer and creates nothing', async () => {
  const before = zoomCreates();
  expect((await click({ recordId: '001000000000001AAA', userId: ADA.salesforceId })).status).toBe(400);
  expect((await click({ recordId: MARIE, userId: '003000000000001AAA' })).status).toBe(400);
  expect((await click({ userId: ADA.salesforceId })).status).toBe(400);
  const unknown = await click({ recordId: '003000000000999AAA', userId: ADA.salesforceId });
  expect(unknown.status).toBe(404);
  const noZoom = await click({ recordId: MARIE, userId: BABBAGE.salesforceId });
  expect(noZoom.status).toBe(422);
  expect(noZoom.data.error).toMatch(/not a user of your company's Zoom account/);
  expect((await click({ recordId: MARIE, userId: ADA.salesforceId }, 'forged-secret-forged-secret')).status).toBe(401);
  expect(zoomCreates()).toBe(before + 1); // only Babbage's attempt reached Zoom, and Zoom refused it
  const events = await eventually(
    async () =>
      (await sf.query<{ Id: string }>(`SELECT Id FROM Event WHERE OwnerId = '${BABBAGE.salesforceId}'`)).records,
    5_000,
    'query',
  );
  expect(events).toHaveLength(0);
});
