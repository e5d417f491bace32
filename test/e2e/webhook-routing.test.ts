/**
 * End to end: Zoom's webhooks reach the right Event's workflow, deterministically. A PMI is shared by every PMI
 * Event of its host, so an instance goes to the Event whose scheduled window holds its start; and a webhook that
 * arrives before any workflow has claimed its meeting is kept and delivered, not answered "ignored" and lost.
 */
import axios from 'axios';
import { type Connection } from 'jsforce';
import { DEMO_ORG_ID, DEMO_USERS } from '../../emulators/demo-org';
import { meetingStateQuery, meetingWorkflowId } from '../../workflows/messages';
import { eventually, readEvent, startTestStack, waitForEvent, type TestStack } from '../helpers/stack';

let stack: TestStack;
let sf: Connection;

const ADA = DEMO_USERS[0];
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const CONTACT = '003000000000001AAA';
const FIELDS = ['Zoom_Status__c', 'Zoom_Meeting_Id__c', 'Zoom_Actual_Start__c'];

beforeAll(async () => {
  stack = await startTestStack();
  sf = await stack.sfUser();
  // The org default: mail attendees when the host starts the meeting.
  await sf.sobject('Zoom_Settings__c').create({ SetupOwnerId: DEMO_ORG_ID, Send_Email_On_Launch__c: true });
});

afterAll(async () => {
  await stack?.stop();
});

/** A ticked Event of Ada's with the contact, `startMs` to `startMs + 30 min`. */
async function zoomEvent(subject: string, startMs: number, extra: Record<string, unknown> = {}): Promise<string> {
  const created = await sf.sobject('Event').create({
    Subject: subject,
    StartDateTime: new Date(startMs).toISOString(),
    EndDateTime: new Date(startMs + 30 * MINUTE).toISOString(),
    OwnerId: ADA.salesforceId,
    WhoId: CONTACT,
    Make_Zoom_Meeting__c: true,
    Customer_Time_Zone__c: 'America/New_York',
    ...extra,
  });
  if (!created.success) throw new Error(JSON.stringify(created));
  return created.id;
}

const simulate = (meetingId: string, action: string, body: unknown = {}) =>
  axios.post(`${stack.zoomUrl}/_emulator/meetings/${meetingId}/${action}`, body);

const mailsAbout = (subject: string) => stack.mail.messages().filter((m) => m.subject === `Starting now: ${subject}`);

test("today's PMI instance reaches today's PMI Event only: the one the day after tomorrow is neither Started nor mailed", async () => {
  const nextMinute = Math.ceil(Date.now() / MINUTE) * MINUTE;
  const today = await zoomEvent('PMI today', nextMinute + 5 * MINUTE, { Zoom_Use_PMI__c: true });
  const later = await zoomEvent('PMI later', nextMinute + 2 * DAY, { Zoom_Use_PMI__c: true });
  for (const id of [today, later]) {
    const event = await waitForEvent(sf, id, FIELDS, (e) => e.Zoom_Status__c === 'Scheduled', 'scheduled');
    expect(event.Zoom_Meeting_Id__c).toBe(String(ADA.pmi));
  }

  await simulate(String(ADA.pmi), 'start', { at: new Date().toISOString() });

  await waitForEvent(sf, today, FIELDS, (e) => e.Zoom_Status__c === 'Started', "today's Event started");
  await eventually(async () => (mailsAbout('PMI today').length > 0 ? true : undefined), 20_000, 'the launch e-mail');

  // A barrier for the later Event's workflow: a misrouted webhook was signalled before today's Event was even
  // written, so once the workflow has applied this newer edit it has also seen anything Zoom sent it.
  const laterWorkflow = stack.env.client.workflow.getHandle(meetingWorkflowId(later));
  const applied = (await laterWorkflow.query(meetingStateQuery)).appliedChanges;
  await sf.sobject('Event').update({ Id: later, Subject: 'PMI later (moved agenda)' });
  const state = await eventually(
    async () => {
      const s = await laterWorkflow.query(meetingStateQuery);
      return s.appliedChanges > applied ? s : undefined;
    },
    20_000,
    'the later Event applied its edit',
  );
  expect(state.phase).toBe('scheduled');
  expect((await readEvent(sf, later, FIELDS)).Zoom_Status__c).toBe('Scheduled');
  expect(mailsAbout('PMI later')).toEqual([]);
  expect(mailsAbout('PMI later (moved agenda)')).toEqual([]);
  await simulate(String(ADA.pmi), 'end');
});

test('a meeting.started that arrives before any workflow has claimed its meeting is delivered once one does', async () => {
  // A meeting Zoom knows and no Event's workflow has claimed yet: the moment between Zoom making a meeting and
  // its workflow being found, which for an instant meeting the host can start at once.
  const made = await stack.zoomClient.createMeeting(ADA.zoomId!, {
    topic: 'Made a moment ago',
    type: 2,
    start_time: new Date(Date.now() + 10 * MINUTE).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    duration: 30,
  });
  const meetingId = String(made.id);
  const startedAt = new Date().toISOString();
  const deliveriesBefore = stack.zoom.webhooks.deliveries.length;
  await simulate(meetingId, 'start', { at: startedAt });
  // Zoom has its 2xx: it will not send this event again.
  const delivery = await eventually(
    async () => stack.zoom.webhooks.deliveries.slice(deliveriesBefore).find((d) => d.event === 'meeting.started'),
    10_000,
    'the meeting.started delivery',
  );
  expect(delivery.ok).toBe(true);

  // Now the Event that holds the meeting, ticked: its workflow adopts the meeting and claims it.
  const eventId = await zoomEvent('Made a moment ago', Date.now() + 10 * MINUTE, {
    Zoom_Meeting_Id__c: meetingId,
    Make_Zoom_Meeting__c: false,
  });
  await sf.sobject('Event').update({ Id: eventId, Make_Zoom_Meeting__c: true });
  const started = await waitForEvent(sf, eventId, FIELDS, (e) => e.Zoom_Status__c === 'Started', 'started');
  expect(started.Zoom_Meeting_Id__c).toBe(meetingId);
  expect(Date.parse(String(started.Zoom_Actual_Start__c))).toBe(Math.floor(Date.parse(startedAt) / 1000) * 1000);
  await simulate(meetingId, 'end');
});
