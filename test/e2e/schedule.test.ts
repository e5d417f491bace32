/**
 * End to end on a Temporal dev server: a Salesforce user saves an Event through jsforce, the emulated org
 * calls the API, the workflow creates the Zoom meeting in the Zoom emulator and writes the join link back.
 */
import axios from 'axios';
import { type Connection, type SaveResult } from 'jsforce';
import { calloutHeaders } from '../../domain/callout-signature';
import { DEMO_USERS } from '../../emulators/demo-org';
import { ZoomApiError } from '../../integrations/zoom/errors';
import { CALLOUT_BATCH_WORKFLOW_TYPE, meetingStateQuery, meetingWorkflowId } from '../../workflows/messages';
import {
  eventually,
  readEvent as readEventAs,
  startTestStack,
  waitForEvent as waitForEventAs,
  type TestStack,
} from '../helpers/stack';

let stack: TestStack;
let sf: Connection;

beforeAll(async () => {
  stack = await startTestStack();
  sf = await stack.sfUser();
});

afterAll(async () => {
  await stack?.stop();
});

const ADA = DEMO_USERS[0];
const HOUR = 3_600_000;
const MINUTE = 60_000;

/** Salesforce users pick whole minutes; Zoom keeps whole seconds. */
function wholeMinute(ms: number): number {
  return Math.floor(ms / MINUTE) * MINUTE;
}

interface EventRecord {
  Id: string;
  Zoom_Meeting_Id__c: string | null;
  Zoom_Join_URL__c: string | null;
  Zoom_Status__c: string | null;
  Zoom_Sync_Error__c: string | null;
  Zoom_Last_Synced__c: string | null;
}

const ZOOM_FIELDS = [
  'Id',
  'Zoom_Meeting_Id__c',
  'Zoom_Join_URL__c',
  'Zoom_Status__c',
  'Zoom_Sync_Error__c',
  'Zoom_Last_Synced__c',
];

function newEvent(overrides: Record<string, unknown> = {}) {
  const start = wholeMinute(Date.now() + 24 * HOUR + Math.floor(Math.random() * 1000) * MINUTE);
  return {
    Subject: 'Discovery call with Acme',
    StartDateTime: new Date(start).toISOString(),
    EndDateTime: new Date(start + 45 * 60_000).toISOString(),
    OwnerId: ADA.salesforceId,
    WhoId: '003000000000001AAA',
    Description: 'Walk through the pilot plan.',
    Make_Zoom_Meeting__c: true,
    Customer_Time_Zone__c: 'America/Chicago',
    ...overrides,
  };
}

const readEvent = (id: string) => readEventAs<EventRecord>(sf, id, ZOOM_FIELDS);
const waitForEvent = (id: string, predicate: (e: EventRecord) => boolean, what: string) =>
  waitForEventAs<EventRecord>(sf, id, ZOOM_FIELDS, predicate, what);

async function createEvent(fields: Record<string, unknown>): Promise<string> {
  const result = await sf.sobject('Event').create(fields);
  if (!result.success) throw new Error(JSON.stringify(result));
  return result.id;
}

function meetingCreates(): number {
  return stack.zoom.admin.requests.filter(
    (r) => r.method === 'POST' && /\/v2\/users\/[^/]+\/meetings$/.test(r.path) && r.status === 201,
  ).length;
}

test('saving a ticked Event gives it a working Zoom join link', async () => {
  const fields = newEvent();
  const id = await createEvent(fields);
  const event = await waitForEvent(id, (e) => e.Zoom_Status__c === 'Scheduled', 'the Event to be scheduled');

  expect(event.Zoom_Join_URL__c).toMatch(/\/j\/\d+/);
  expect(event.Zoom_Sync_Error__c).toBeNull();
  expect(event.Zoom_Last_Synced__c).toBeTruthy();
  const meeting = await stack.zoomClient.getMeeting(event.Zoom_Meeting_Id__c!);
  expect(meeting.topic).toBe(fields.Subject);
  expect(meeting.join_url).toBe(event.Zoom_Join_URL__c);
  expect(meeting.host_email).toBe(ADA.email);
  expect(meeting.duration).toBe(45);
  expect(meeting.timezone).toBe('America/Chicago');
  expect(Date.parse(meeting.start_time!)).toBe(Date.parse(fields.StartDateTime));
  expect(meeting.agenda).toContain('Walk through the pilot plan.');
});

test('Join Before Host takes effect in Zoom: the waiting room, on by default, is turned off for it', async () => {
  const id = await createEvent(newEvent({ Zoom_Join_Before_Host__c: true }));
  const event = await waitForEvent(id, (e) => e.Zoom_Status__c === 'Scheduled', 'the Event to be scheduled');
  const meeting = await stack.zoomClient.getMeeting(event.Zoom_Meeting_Id__c!);
  expect(meeting.settings).toMatchObject({ join_before_host: true, waiting_room: false });

  // Without the box, the account's waiting room stays as it is.
  const plain = await createEvent(newEvent());
  const plainEvent = await waitForEvent(plain, (e) => e.Zoom_Status__c === 'Scheduled', 'scheduled');
  const plainMeeting = await stack.zoomClient.getMeeting(plainEvent.Zoom_Meeting_Id__c!);
  expect(plainMeeting.settings).toMatchObject({ join_before_host: false, waiting_room: true });
});

test("a customer time zone reaches Zoom under Zoom's id; one Zoom does not list is a clear error", async () => {
  const alias = await createEvent(newEvent({ Customer_Time_Zone__c: 'US/Central' }));
  const scheduled = await waitForEvent(alias, (e) => e.Zoom_Status__c === 'Scheduled', 'scheduled');
  expect((await stack.zoomClient.getMeeting(scheduled.Zoom_Meeting_Id__c!)).timezone).toBe('America/Chicago');

  const creates = meetingCreates();
  const unlisted = await createEvent(newEvent({ Customer_Time_Zone__c: 'America/Boise' }));
  const refused = await waitForEvent(unlisted, (e) => e.Zoom_Status__c === 'Error', 'the error');
  expect(refused.Zoom_Sync_Error__c).toMatch(
    /^Zoom does not accept the Customer Time Zone "America\/Boise": it is not on Zoom's time-zone list\. Choose a zone Zoom lists with the same time, such as America\/Edmonton, America\/Denver/,
  );
  expect(meetingCreates()).toBe(creates); // refused before asking Zoom
});

test('moving the Event reschedules the same Zoom meeting; unticking cancels it', async () => {
  const id = await createEvent(newEvent());
  const scheduled = await waitForEvent(id, (e) => e.Zoom_Status__c === 'Scheduled', 'scheduled');
  const meetingId = scheduled.Zoom_Meeting_Id__c!;

  const newStart = wholeMinute(Date.now() + 72 * HOUR);
  await sf.sobject('Event').update({
    Id: id,
    StartDateTime: new Date(newStart).toISOString(),
    EndDateTime: new Date(newStart + 90 * 60_000).toISOString(),
  });
  const moved = await eventually(
    async () => {
      const meeting = await stack.zoomClient.getMeeting(meetingId);
      return Date.parse(meeting.start_time!) === newStart ? meeting : undefined;
    },
    30_000,
    'the Zoom meeting to move',
  );
  expect(moved.duration).toBe(90);
  expect((await readEvent(id)).Zoom_Meeting_Id__c).toBe(meetingId);

  await sf.sobject('Event').update({ Id: id, Make_Zoom_Meeting__c: false });
  const cancelled = await waitForEvent(id, (e) => e.Zoom_Status__c === 'Cancelled', 'cancelled');
  expect(cancelled.Zoom_Join_URL__c).toBeNull();
  await expect(stack.zoomClient.getMeeting(meetingId)).rejects.toMatchObject({ code: 3001 });
});

test('deleting the Event deletes its Zoom meeting', async () => {
  const id = await createEvent(newEvent());
  const { Zoom_Meeting_Id__c: meetingId } = await waitForEvent(
    id,
    (e) => e.Zoom_Status__c === 'Scheduled',
    'scheduled',
  );
  await sf.sobject('Event').destroy(id);
  await eventually(
    async () => {
      try {
        await stack.zoomClient.getMeeting(meetingId!);
        return undefined;
      } catch (error) {
        return error instanceof ZoomApiError && error.code === 3001 ? true : undefined;
      }
    },
    30_000,
    'the meeting to be deleted',
  );
});

test('an owner without a Zoom account gets a clear error on the Event', async () => {
  const babbage = DEMO_USERS.find((u) => u.zoomId === null)!;
  const id = await createEvent(newEvent({ OwnerId: babbage.salesforceId }));
  const event = await waitForEvent(id, (e) => e.Zoom_Status__c === 'Error', 'the error');
  // The owner is named by id: the same message reaches logs and history, where addresses never go.
  expect(event.Zoom_Sync_Error__c).toContain(babbage.salesforceId);
  expect(event.Zoom_Sync_Error__c).not.toContain(babbage.email);
  expect(event.Zoom_Sync_Error__c).toMatch(/not a user of this Zoom account/);
  expect(event.Zoom_Join_URL__c).toBeNull();
});

test("Zoom's validation answer names the refused field on the Event", async () => {
  // Zoom's real 300 body: the field is only in `errors` (jrchamp/moodle-mod_zoom#511).
  await axios.post(`${stack.zoomUrl}/_emulator/faults`, {
    method: 'POST',
    path: '^/v2/users/[^/]+/meetings$',
    times: 1,
    status: 400,
    body: {
      code: 300,
      message: 'Validation Failed.',
      errors: [{ field: 'settings.jbh_time', message: 'Invalid field.' }],
    },
  });
  const id = await createEvent(newEvent());
  const event = await waitForEvent(id, (e) => e.Zoom_Status__c === 'Error', 'the error');
  expect(event.Zoom_Sync_Error__c).toBe(
    'Zoom refused to create the meeting: Validation Failed. settings.jbh_time: Invalid field.',
  );
});

test('a bulk insert of 200 Events makes one callout and 200 meetings', async () => {
  const before = meetingCreates();
  const calloutsBefore = stack.salesforce.trigger.callouts.length;
  const records = Array.from({ length: 200 }, (_, i) => ({
    attributes: { type: 'Event' },
    ...newEvent({ Subject: `Bulk ${i}`, OwnerId: DEMO_USERS[i % 3].salesforceId }),
  }));
  const results = (await sf.sobject('Event').create(records, { allOrNone: true })) as unknown as SaveResult[];
  const ids = results.map((r: SaveResult) => {
    if (!r.success) throw new Error(JSON.stringify(r));
    return r.id;
  });
  await eventually(
    async () => {
      const { records: done } = await sf.query<{ Id: string }>(
        `SELECT Id FROM Event WHERE Zoom_Status__c = 'Scheduled' AND Subject LIKE 'Bulk %'`,
      );
      return done.length === 200 ? done : undefined;
    },
    60_000,
    'all 200 Events to be scheduled',
  );
  expect(meetingCreates() - before).toBe(200);
  const callouts = stack.salesforce.trigger.callouts.slice(calloutsBefore);
  expect(callouts).toHaveLength(1);
  expect(callouts[0].itemCount).toBe(200);
  // The API accepted the data load with one batch workflow, which signalled its 200 Events.
  const batches = [];
  for await (const run of stack.env.client.workflow.list({ query: `WorkflowType = '${CALLOUT_BATCH_WORKFLOW_TYPE}'` }))
    batches.push(run);
  expect(batches).toHaveLength(1);
  expect(await stack.env.client.workflow.getHandle(batches[0].workflowId).result()).toEqual({ signalled: 200 });
  const sample = await readEvent(ids[137]);
  expect(sample.Zoom_Join_URL__c).toMatch(/\/j\/\d+/);
});

test('a forged callout is refused and starts nothing', async () => {
  const fake = {
    events: [
      {
        operation: 'upsert',
        event: { ...newEvent(), Id: '00U000000000999AAA', SystemModstamp: new Date().toISOString() },
      },
    ],
  };
  const body = JSON.stringify(fake);
  const headers = calloutHeaders('not-the-secret-at-all', body);
  const response = await axios.post(`${stack.apiUrl}/v1/salesforce/events`, body, {
    headers,
    validateStatus: () => true,
  });
  expect(response.status).toBe(401);
  const unsigned = await axios.post(`${stack.apiUrl}/v1/salesforce/events`, fake, { validateStatus: () => true });
  expect(unsigned.status).toBe(401);
  await expect(
    stack.env.client.workflow.getHandle(meetingWorkflowId('00U000000000999AAA')).describe(),
  ).rejects.toThrow();
});

test('Zoom 429s and a lost 500 answer still end with exactly one meeting', async () => {
  const meetingsPath = '^/v2/users/[^/]+/meetings$';
  await axios.post(`${stack.zoomUrl}/_emulator/faults`, {
    faults: [
      {
        method: 'POST',
        path: meetingsPath,
        times: 3,
        status: 429,
        retryAfter: '1',
        body: {
          code: 429,
          message: 'You have reached the maximum per-second rate limit for this API. Try again later.',
        },
        headers: { 'x-ratelimit-category': 'Medium', 'x-ratelimit-type': 'QPS' },
      },
      // Zoom creates the meeting, then the answer is lost: the retry must find it, not create another.
      {
        method: 'POST',
        path: meetingsPath,
        times: 1,
        status: 500,
        when: 'after',
        body: { code: 500, message: 'Internal error' },
      },
    ],
  });
  const before = meetingCreates();
  const postsBefore = stack.zoom.admin.requests.filter((r) => r.method === 'POST').length;
  const subject = `Flaky Zoom ${Date.now()}`;
  const id = await createEvent(newEvent({ Subject: subject }));
  const event = await waitForEvent(id, (e) => e.Zoom_Status__c === 'Scheduled', 'scheduled despite faults');

  const posts = stack.zoom.admin.requests.filter((r) => r.method === 'POST').slice(postsBefore);
  expect(posts.filter((r) => r.status === 429)).toHaveLength(3);
  expect(posts.filter((r) => r.status === 500)).toHaveLength(1);
  expect(meetingCreates()).toBe(before); // the only successful create was answered with 500
  const listed = await stack.zoomClient.listUserMeetings(ADA.email, { type: 'scheduled', pageSize: 300 });
  const mine = listed.meetings.filter((m) => m.topic === subject);
  expect(mine).toHaveLength(1);
  expect(String(mine[0].id)).toBe(event.Zoom_Meeting_Id__c);
});

test('an expired Salesforce session is refreshed by jsforce and the write-back still lands', async () => {
  await axios.post(`${stack.salesforceUrl}/_emulator/sessions/expire`);
  sf = await stack.sfUser();
  const id = await createEvent(newEvent({ Subject: 'After session expiry' }));
  const event = await waitForEvent(id, (e) => e.Zoom_Status__c === 'Scheduled', 'scheduled after expiry');
  expect(event.Zoom_Join_URL__c).toBeTruthy();
  const invalidSession = stack.salesforce.admin.requests.filter((r) => r.status === 401);
  expect(invalidSession.length).toBeGreaterThan(0);
  const state = await stack.env.client.workflow.getHandle(meetingWorkflowId(id)).query(meetingStateQuery);
  expect(state.phase).toBe('scheduled');
});
