/**
 * End to end on a Temporal dev server: a scheduled meeting is started, attended and ended through the Zoom
 * emulator's simulation API; its signed webhooks drive the workflow, which writes the outcome to the Event,
 * mails attendees on launch and answers the Salesforce buttons.
 */
import axios from 'axios';
import ICAL from 'ical.js';
import { type Connection } from 'jsforce';
import { calloutHeaders } from '../../domain/callout-signature';
import { pressButton } from '../../emulators/salesforce/button-requests';
import { zoomWebhookHeaders } from '../../domain/zoom-webhooks';
import { DEMO_CREDENTIALS, DEMO_ORG_ID, DEMO_USERS } from '../../emulators/demo-org';
import { meetingStateQuery, meetingWorkflowId } from '../../workflows/messages';
import {
  eventually,
  readEvent as readEventAs,
  startTestStack,
  waitForEvent as waitForEventAs,
  type EventRecord,
  ZOOM_WEBHOOK_SECRET,
  type TestStack,
} from '../helpers/stack';

let stack: TestStack;
let sf: Connection;

const ADA = DEMO_USERS[0];
const MINUTE = 60_000;
const CONTACT = { id: '003000000000001AAA', email: 'marie.curie@acme.example' };
const LEAD = { id: '00Q000000000001EAA', email: 'rosalind.franklin@initech.example' };

beforeAll(async () => {
  stack = await startTestStack({ zoomEmulator: { recordingDelayMs: 300 } });
  sf = await stack.sfUser();
  // The org default: mail attendees when the host starts the meeting.
  await sf.sobject('Zoom_Settings__c').create({ SetupOwnerId: DEMO_ORG_ID, Send_Email_On_Launch__c: true });
});

afterAll(async () => {
  await stack?.stop();
});

const OUTCOME_FIELDS = [
  'Zoom_Status__c',
  'Zoom_Meeting_Id__c',
  'Zoom_Actual_Start__c',
  'Zoom_Actual_End__c',
  'Zoom_Duration_Minutes__c',
  'Zoom_Participant_Count__c',
  'Zoom_Participants__c',
  'Zoom_Successful__c',
  'Zoom_Recording_URL__c',
  'Zoom_Recording_Summary__c',
  'Zoom_Last_Synced__c',
];

const readEvent = (id: string) => readEventAs(sf, id, OUTCOME_FIELDS);
const waitForEvent = (id: string, predicate: (e: EventRecord) => boolean, what: string) =>
  waitForEventAs(sf, id, OUTCOME_FIELDS, predicate, what);

/** A Zoom meeting scheduled to start now, with the Lead invited. */
async function scheduledMeeting(
  subject: string,
  extra: Record<string, unknown> = {},
): Promise<{ eventId: string; meetingId: string }> {
  const start = Math.floor(Date.now() / MINUTE) * MINUTE + 5 * MINUTE;
  const created = await sf.sobject('Event').create({
    Subject: subject,
    StartDateTime: new Date(start).toISOString(),
    EndDateTime: new Date(start + 30 * MINUTE).toISOString(),
    OwnerId: ADA.salesforceId,
    WhoId: CONTACT.id,
    Make_Zoom_Meeting__c: true,
    Customer_Time_Zone__c: 'America/New_York',
    ...extra,
  });
  if (!created.success) throw new Error(JSON.stringify(created));
  await sf.sobject('EventRelation').create({ EventId: created.id, RelationId: LEAD.id });
  const event = await waitForEvent(created.id, (e) => e.Zoom_Status__c === 'Scheduled', 'scheduled');
  return { eventId: created.id, meetingId: String(event.Zoom_Meeting_Id__c) };
}

const simulate = (meetingId: string, action: string, body: unknown = {}) =>
  axios.post(`${stack.zoomUrl}/_emulator/meetings/${meetingId}/${action}`, body);

/** The Salesforce buttons' requests, signed as the org's Apex signs them. */
const signedGet = (path: string) => pressButton(stack.apiUrl, DEMO_CREDENTIALS.calloutSecret, 'GET', path);
const signedPost = (path: string, body: unknown = {}) =>
  pressButton(stack.apiUrl, DEMO_CREDENTIALS.calloutSecret, 'POST', path, body);

test('a meeting held in Zoom ends up on the Event: status, times, people, success and recording', async () => {
  const { eventId, meetingId } = await scheduledMeeting('Lifecycle: pilot review');

  // "Start Zoom Meeting" button: a fresh start URL, never stored on the Event.
  const startUrl = await signedGet(`/v1/events/${eventId}/start-url`);
  expect(startUrl.status).toBe(200);
  expect(startUrl.data.startUrl).toMatch(/\/s\/\d+\?zak=/);
  expect(JSON.stringify(await readEvent(eventId))).not.toContain('zak=');

  const t0 = Date.now();
  const iso = (offsetMinutes: number) => new Date(t0 + offsetMinutes * MINUTE).toISOString();
  await simulate(meetingId, 'start', { at: iso(0) });
  const started = await waitForEvent(eventId, (e) => e.Zoom_Status__c === 'Started', 'started');
  expect(Date.parse(String(started.Zoom_Actual_Start__c))).toBe(Math.floor(t0 / 1000) * 1000);

  // The launch e-mail: once to the contact and once to the invited lead, never to the host.
  const launchMails = await eventually(
    async () => {
      const mails = stack.mail.messages().filter((m) => m.subject === 'Starting now: Lifecycle: pilot review');
      return mails.length >= 2 ? mails : undefined;
    },
    20_000,
    'the launch e-mails',
  );
  expect(launchMails.flatMap((m) => m.to.map((t) => t.address)).sort()).toEqual([CONTACT.email, LEAD.email].sort());
  expect(launchMails[0].text).toContain('(EST, America/New_York)');
  expect(launchMails[0].text).toMatch(/Join: https:\/\/\S+\/j\/\d+/);

  await simulate(meetingId, 'participants', [
    { name: 'Ada Lovelace', userId: ADA.zoomId, joinTime: iso(0), leaveTime: iso(10) },
    { name: 'Ada Lovelace', userId: ADA.zoomId, joinTime: iso(12), leaveTime: iso(40) },
    // A customer outside the account: Zoom does not show her e-mail.
    { name: 'Marie Curie', email: CONTACT.email, joinTime: iso(2), leaveTime: iso(40) },
    { name: 'Dial-in guest', joinTime: iso(5), leaveTime: iso(15) },
  ]);
  await simulate(meetingId, 'end', { at: iso(40), recording: true });

  const ended = await waitForEvent(
    eventId,
    (e) => e.Zoom_Status__c === 'Ended' && Boolean(e.Zoom_Recording_URL__c),
    'ended with recording',
  );
  expect(ended.Zoom_Participant_Count__c).toBe(3);
  expect(ended.Zoom_Successful__c).toBe(true);
  expect(ended.Zoom_Duration_Minutes__c).toBe(40);
  expect(Date.parse(String(ended.Zoom_Actual_End__c)) - Date.parse(String(ended.Zoom_Actual_Start__c))).toBe(
    40 * MINUTE,
  );
  expect(String(ended.Zoom_Participants__c).split('\n')).toEqual([
    // Most minutes first, then by name; Ada's two segments are one person.
    `Ada Lovelace <${ADA.email}>: 38 min`,
    'Marie Curie: 38 min',
    'Dial-in guest: 10 min',
  ]);
  expect(ended.Zoom_Recording_Summary__c).toMatch(/MP4/);

  // The workflow is done; "Sync Meeting Details" still works and answers with what it wrote.
  const handle = stack.env.client.workflow.getHandle(meetingWorkflowId(eventId));
  await handle.result();
  const sync = await signedPost(`/v1/events/${eventId}/sync`);
  expect(sync.status).toBe(200);
  expect(sync.data.written).toMatchObject({
    Zoom_Status__c: 'Ended',
    Zoom_Participant_Count__c: 3,
    Zoom_Successful__c: true,
  });
  const state = await signedGet(`/v1/events/${eventId}`);
  expect(state.data).toMatchObject({ running: false, state: { phase: 'ended', participantCount: 3 } });
  expect(stack.mail.messages().filter((m) => m.subject === 'Starting now: Lifecycle: pilot review')).toHaveLength(2);
});

test('a host alone: one participant (the host), not successful, no Error, no report call', async () => {
  const { eventId, meetingId } = await scheduledMeeting('Lifecycle: nobody came');
  const t0 = Date.now();
  await simulate(meetingId, 'start', { at: new Date(t0).toISOString() });
  await simulate(meetingId, 'participants', [
    { name: 'Ada Lovelace', userId: ADA.zoomId, joinTime: new Date(t0).toISOString() },
  ]);
  const reportCalls = () => stack.zoom.admin.requests.filter((r) => r.path.startsWith('/v2/report/')).length;
  const reportCallsBefore = reportCalls();
  await simulate(meetingId, 'end', { at: new Date(t0 + 9 * MINUTE).toISOString(), recording: false });
  // Zoom lists nobody for one person and its report covers two or more: the one person is the host.
  // The webhook's end comes first (writeEndNow); Zoom's report, or an Error, follows.
  const ended = await waitForEvent(
    eventId,
    (e) => e.Zoom_Status__c === 'Error' || (e.Zoom_Status__c === 'Ended' && e.Zoom_Participant_Count__c != null),
    "Zoom's report",
  );
  expect(ended.Zoom_Status__c).toBe('Ended');
  expect(ended.Zoom_Participant_Count__c).toBe(1);
  expect(ended.Zoom_Participants__c).toBe(`${ADA.firstName} ${ADA.lastName} <${ADA.email}>: 9 min`);
  expect(ended.Zoom_Successful__c).toBe(false);
  expect(reportCalls()).toBe(reportCallsBefore);
});

test('a forged Zoom webhook changes nothing', async () => {
  const { eventId, meetingId } = await scheduledMeeting('Lifecycle: forged');
  const body = JSON.stringify({
    event: 'meeting.ended',
    event_ts: Date.now(),
    payload: {
      account_id: 'x',
      object: {
        id: meetingId,
        uuid: 'forged==',
        host_id: 'h',
        topic: 't',
        type: 2,
        start_time: new Date().toISOString(),
        end_time: new Date().toISOString(),
      },
    },
  });
  const forged = await axios.post(`${stack.apiUrl}/v1/zoom/webhooks`, body, {
    headers: zoomWebhookHeaders('not-the-secret', body),
    validateStatus: () => true,
  });
  expect(forged.status).toBe(401);
  // Signed, but older than Zoom's last retry (a retry may carry its first attempt's timestamp; a replay is not).
  const genuine = zoomWebhookHeaders(ZOOM_WEBHOOK_SECRET, body, Date.now() - 2 * 60 * MINUTE);
  const stale = await axios.post(`${stack.apiUrl}/v1/zoom/webhooks`, body, {
    headers: genuine,
    validateStatus: () => true,
  });
  expect(stale.status).toBe(401);
  const state = await stack.env.client.workflow.getHandle(meetingWorkflowId(eventId)).query(meetingStateQuery);
  expect(state.phase).toBe('scheduled');
  expect((await readEvent(eventId)).Zoom_Status__c).toBe('Scheduled');
});

test('a Zoom-side edit flows back to the Event without an echo back to Zoom', async () => {
  const { eventId, meetingId } = await scheduledMeeting('Lifecycle: renamed later');
  const patchesBefore = stack.zoom.admin.requests.filter((r) => r.method === 'PATCH').length;
  await simulate(meetingId, 'portal-edit', { topic: 'Renamed in the Zoom portal', duration: 50 });
  const event = await eventually(
    async () => {
      const [record] = (
        await sf.query<{ Subject: string; StartDateTime: string; EndDateTime: string }>(
          `SELECT Subject, StartDateTime, EndDateTime FROM Event WHERE Id = '${eventId}'`,
        )
      ).records;
      return record.Subject === 'Renamed in the Zoom portal' ? record : undefined;
    },
    20_000,
    'the new subject',
  );
  expect(Date.parse(event.EndDateTime) - Date.parse(event.StartDateTime)).toBe(50 * MINUTE);
  // The org's callout for that write reaches the workflow, which finds nothing to change in Zoom.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(stack.zoom.admin.requests.filter((r) => r.method === 'PATCH').length).toBe(patchesBefore);
});

describe('"Send Email" button', () => {
  function invitesFor(subject: string) {
    return stack.mail.messages().filter((m) => m.subject === subject);
  }

  function calendarOf(message: { attachments: { filename?: string | null; content?: string }[] }) {
    const ics = message.attachments.find((a) => a.filename?.endsWith('.ics'))?.content;
    if (!ics) throw new Error('no .ics attachment');
    const vcalendar = new ICAL.Component(ICAL.parse(ics));
    const vevent = vcalendar.getFirstSubcomponent('vevent')!;
    return { vcalendar, vevent, event: new ICAL.Event(vevent) };
  }

  test('mails everyone once with an invitation; a replayed request mails nobody again; reschedule and cancel follow', async () => {
    const subject = 'Lifecycle: invitation';
    const { eventId } = await scheduledMeeting(subject, {
      Zoom_Additional_Emails__c: 'extra@partner.example; MARIE.CURIE@acme.example',
    });
    const body = JSON.stringify({ additionalEmails: ['new@partner.example', 'not-an-address', 'NEW@partner.example'] });
    // Signed once: a replayed request is the same bytes.
    const headers = calloutHeaders(DEMO_CREDENTIALS.calloutSecret, body, Date.now(), {
      method: 'POST',
      path: `/v1/events/${eventId}/email`,
    });
    const send = () =>
      axios.post(`${stack.apiUrl}/v1/events/${eventId}/email`, body, {
        headers,
        transformRequest: [(data: string) => data],
        validateStatus: () => true,
      });

    const first = await send();
    expect(first.status).toBe(200);
    const outcomes = Object.fromEntries(
      first.data.recipients.map((r: { email: string; outcome: string }) => [r.email.toLowerCase(), r.outcome]),
    );
    expect(outcomes).toEqual({
      [CONTACT.email]: 'sent',
      [LEAD.email]: 'sent',
      'extra@partner.example': 'sent',
      'new@partner.example': 'sent',
      'not-an-address': 'invalid',
    });
    // The sink stores a message once it has parsed it, a moment after SMTP accepted it.
    const invitations = await eventually(
      async () => {
        const found = invitesFor(`Invitation: ${subject}`);
        return found.length >= 4 ? found : undefined;
      },
      10_000,
      'four invitations',
    );
    expect(invitations).toHaveLength(4);
    const { vcalendar, vevent, event } = calendarOf(invitations[0]);
    expect(vcalendar.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(vevent.getFirstPropertyValue('sequence')).toBe(0);
    const sfEvent = (
      await sf.query<{ StartDateTime: string }>(`SELECT StartDateTime FROM Event WHERE Id = '${eventId}'`)
    ).records[0];
    expect(event.startDate.toJSDate().getTime()).toBe(Date.parse(sfEvent.StartDateTime));
    expect(event.startDate.zone?.tzid).toBe('America/New_York');

    // The very same request again (a replay: the org signs every request anew) is refused before anything is mailed.
    const replayed = await send();
    expect(replayed.status).toBe(401);
    expect(replayed.data).toEqual({
      error: 'This signed request was already received; every request needs a new X-Nonce',
    });
    // Refused before any workflow could start, so nothing can still be on its way.
    expect(invitesFor(`Invitation: ${subject}`)).toHaveLength(4);

    // A reschedule raises SEQUENCE; a cancellation sends METHOD:CANCEL for the same UID.
    const later = Date.parse(sfEvent.StartDateTime) + 24 * 60 * MINUTE;
    await sf.sobject('Event').update({
      Id: eventId,
      StartDateTime: new Date(later).toISOString(),
      EndDateTime: new Date(later + 30 * MINUTE).toISOString(),
    });
    await eventually(
      async () => {
        const s = await stack.env.client.workflow.getHandle(meetingWorkflowId(eventId)).query(meetingStateQuery);
        return s.startTime === new Date(later).toISOString() ? s : undefined;
      },
      20_000,
      'the reschedule',
    );
    const again = await signedPost(`/v1/events/${eventId}/email`, { additionalEmails: [] });
    expect(again.status).toBe(200);
    const rescheduled = await stack.mail.waitForMessage(
      (m) =>
        m.subject === `Invitation: ${subject}` &&
        m.to[0].address === CONTACT.email &&
        Number(calendarOf(m).vevent.getFirstPropertyValue('sequence')) === 1,
      10_000,
    );
    expect(calendarOf(rescheduled).event.startDate.toJSDate().getTime()).toBe(later);

    await sf.sobject('Event').update({ Id: eventId, Make_Zoom_Meeting__c: false });
    await waitForEvent(eventId, (e) => e.Zoom_Status__c === 'Cancelled', 'cancelled');
    const cancel = await signedPost(`/v1/events/${eventId}/email`, { additionalEmails: [] });
    expect(cancel.status).toBe(200);
    const cancellation = await stack.mail.waitForMessage(
      (m) => m.subject === `Cancelled: ${subject}` && m.to[0].address === CONTACT.email,
      10_000,
    );
    const cancelled = calendarOf(cancellation);
    expect(cancelled.vcalendar.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(cancelled.vevent.getFirstPropertyValue('sequence')).toBe(2);
    expect(cancelled.event.uid).toBe(calendarOf(invitations[0]).event.uid);
  });
});
