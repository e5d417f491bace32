/**
 * The hot path (workflows/hot-path.ts) on the dev server with the emulators and the production worker as its own
 * process: a rep's save of one Event gets its meeting made and written back by local activities within the first
 * workflow task; a kill -9 between the Zoom create and the write-back still makes exactly one meeting, for a save
 * and for a "Start Zoom Meeting" click; a Zoom 429 hands the create to the rate-limited writes queue; a bulk never
 * takes the hot path; a `meeting.ended` reaches the Event by a local write before Zoom is read.
 */
import axios from 'axios';
import { type Connection } from 'jsforce';
import type { temporal } from '@temporalio/proto';
import { agendaMentionsEvent } from '../../domain/meeting-plan';
import { DEMO_CREDENTIALS, DEMO_USERS } from '../../emulators/demo-org';
import { pressButton } from '../../emulators/salesforce/button-requests';
import { instantMeetingWorkflowId, meetingWorkflowId, zoomWritesTaskQueue } from '../../workflows/messages';
import { buildWorkflowBundle, startExternalWorker } from '../../bench/external-worker';
import type { WorkerProcess } from '../../bench/chaos/worker-process';
import { historyToJson } from '../helpers/history-json';
import { eventually, readEvent, startTestStack, type TestStack } from '../helpers/stack';

jest.setTimeout(180_000);

let stack: TestStack;
let sf: Connection;
let bundlePath: string;
let worker: WorkerProcess | undefined;

const ADA = DEMO_USERS[0];
const HOUR = 3_600_000;
const MINUTE = 60_000;
const CREATE_PATH = /^\/v2\/users\/[^/]+\/meetings$/;

beforeAll(async () => {
  stack = await startTestStack({ worker: 'external' });
  sf = await stack.sfUser();
  bundlePath = await buildWorkflowBundle();
  worker = await startExternalWorker(stack, bundlePath);
}, 300_000);

afterAll(async () => {
  await worker?.stop();
  await stack?.stop();
});

let eventCount = 0;
function newEvent(subject: string) {
  eventCount += 1;
  const start = Math.floor((Date.now() + 30 * HOUR) / MINUTE) * MINUTE + eventCount * 60 * MINUTE;
  return {
    Subject: subject,
    StartDateTime: new Date(start).toISOString(),
    EndDateTime: new Date(start + 30 * MINUTE).toISOString(),
    OwnerId: ADA.salesforceId,
    Make_Zoom_Meeting__c: true,
    Customer_Time_Zone__c: 'Europe/Paris',
  };
}

interface ZoomFields {
  Zoom_Join_URL__c: string | null;
  Zoom_Meeting_Id__c: string | null;
  Zoom_Status__c: string | null;
}

async function scheduledEvent(id: string): Promise<ZoomFields> {
  return eventually(
    async () => {
      const event = await readEvent<ZoomFields>(sf, id, ['Zoom_Join_URL__c', 'Zoom_Meeting_Id__c', 'Zoom_Status__c']);
      return event.Zoom_Join_URL__c ? event : undefined;
    },
    90_000,
    `the join URL on Event ${id}`,
  );
}

/** The Event's meetings in Zoom: those whose agenda carries its tag. */
async function meetingsOf(eventId: string) {
  const page = await stack.zoomClient.listUserMeetings(ADA.email, { type: 'scheduled', pageSize: 300 });
  return page.meetings.filter((m) => agendaMentionsEvent(m.agenda, eventId));
}

interface HistoryEvent {
  eventType: string;
  markerRecordedEventAttributes?: { markerName?: string; details?: Record<string, { payloads?: { data?: string }[] }> };
  activityTaskScheduledEventAttributes?: { activityType?: { name?: string }; taskQueue?: { name?: string } };
}

async function historyOf(eventId: string, workflowId = meetingWorkflowId(eventId)) {
  const history: temporal.api.history.v1.IHistory = await stack.env.client.workflow
    .getHandle(workflowId)
    .fetchHistory();
  const json = historyToJson(history) as { events: HistoryEvent[] };
  return { events: json.events, raw: JSON.stringify(json) } as { events: HistoryEvent[]; raw: string };
}

/** The activity types run locally (from the local-activity markers' data, which the SDK writes as plain JSON). */
function localActivities(events: HistoryEvent[]): string[] {
  return events.flatMap((e) => {
    const marker = e.markerRecordedEventAttributes;
    if (marker?.markerName !== 'core_local_activity') return [];
    const data = marker.details?.data?.payloads?.[0]?.data;
    return data
      ? [(JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as { activity_type: string }).activity_type]
      : [];
  });
}

function remoteActivities(events: HistoryEvent[]): { type: string; queue: string }[] {
  return events.flatMap((e) => {
    const scheduled = e.activityTaskScheduledEventAttributes;
    return scheduled ? [{ type: scheduled.activityType?.name ?? '', queue: scheduled.taskQueue?.name ?? '' }] : [];
  });
}

function zoomRequestsSince(mark: number) {
  return stack.zoom.admin.requests.slice(mark).filter((r) => !r.path.includes('/oauth'));
}

/** Zoom makes the next meeting, then its answer is lost (a 500 in its place); returns the request log's mark. */
function loseNextCreateAnswer(): number {
  stack.zoom.admin.addFault({
    method: 'POST',
    path: CREATE_PATH.source,
    status: 500,
    when: 'after',
    body: { code: 500, message: 'Internal error' },
  });
  return stack.zoom.admin.requests.length;
}

function createStatusesSince(mark: number): number[] {
  return zoomRequestsSince(mark)
    .filter((r) => r.method === 'POST' && CREATE_PATH.test(r.path))
    .map((r) => r.status);
}

test("a rep's save: the meeting is made and written back by local activities in the first workflow task", async () => {
  const { id } = (await sf.sobject('Event').create(newEvent('Hot path single'))) as { id: string };
  const event = await scheduledEvent(id);

  // The Event is written during the first task; its markers reach history when the task completes.
  const { events, raw } = await eventually(
    async () => {
      const history = await historyOf(id);
      return localActivities(history.events).includes('createZoomMeetingForOwner') ? history : undefined;
    },
    30_000,
    'the first task to complete',
  );
  const firstTaskEnd = events.findIndex((e) => e.eventType === 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED');
  // The first task completed with the local activity's marker (the owner's e-mail, the create and the write-back in
  // one); nothing was scheduled on a server queue for them.
  expect(localActivities(events.slice(firstTaskEnd))).toEqual(['createZoomMeetingForOwner']);
  expect(remoteActivities(events).map((a) => a.type)).not.toContain('createZoomMeeting');
  expect(remoteActivities(events).map((a) => a.type)).not.toContain('writeEventFields');
  // The local results are encrypted by the codec like the remote ones: no join URL or passcode in plain text.
  const [meeting] = await meetingsOf(id);
  expect(String(meeting.id)).toBe(event.Zoom_Meeting_Id__c);
  expect(raw).not.toContain(event.Zoom_Join_URL__c!);
  const passcode = stack.zoom.store.findMeeting(String(meeting.id))!.password;
  expect(passcode).toBeTruthy();
  expect(raw).not.toContain(passcode);
});

test("meeting.ended: the end reaches the Event by a local write in the webhook's task, before Zoom publishes it", async () => {
  const { id } = (await sf.sobject('Event').create(newEvent('Hot path end'))) as { id: string };
  const { Zoom_Meeting_Id__c: meetingId } = await scheduledEvent(id);
  const t0 = Date.now();
  const simulate = (action: string, body: unknown) =>
    axios.post(`${stack.zoomUrl}/_emulator/meetings/${meetingId}/${action}`, body);
  await simulate('start', { at: new Date(t0).toISOString() });
  await simulate('end', { at: new Date(t0 + 90_000).toISOString(), recording: false });

  type Ended = ZoomFields & {
    Zoom_Actual_End__c: string | null;
    Zoom_Duration_Minutes__c: number | null;
    Zoom_Participant_Count__c: number | null;
  };
  const read = () =>
    readEvent<Ended>(sf, id, [
      'Zoom_Status__c',
      'Zoom_Actual_End__c',
      'Zoom_Duration_Minutes__c',
      'Zoom_Participant_Count__c',
    ]);
  const { events } = await eventually(
    async () => {
      const history = await historyOf(id);
      return localActivities(history.events).includes('writeEventFields') ? history : undefined;
    },
    30_000,
    "the webhook's task to complete",
  );
  // The write is a local activity, and no read of Zoom's report came before it: Zoom publishes the ended meeting
  // seconds to minutes after the webhook (the test stack: 1.5 s).
  const endWrite = events.findIndex((e) => localActivities([e]).includes('writeEventFields'));
  const signal = events
    .slice(0, endWrite)
    .map((e) => e.eventType)
    .lastIndexOf('EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED');
  // (A step of the start may still be finishing when the webhook arrives: the lifecycle takes them in order.)
  expect(remoteActivities(events.slice(signal, endWrite)).map((a) => a.type)).not.toContain('fetchMeetingOutcome');
  const early = await read();
  expect(early).toMatchObject({ Zoom_Status__c: 'Ended', Zoom_Duration_Minutes__c: 2 });
  expect(Date.parse(early.Zoom_Actual_End__c!)).toBe(t0 + 90_000 - ((t0 + 90_000) % 1000));

  // Zoom's report then adds the participants to the same Event.
  const full = await eventually(
    async () => {
      const event = await read();
      return event.Zoom_Participant_Count__c !== null ? event : undefined;
    },
    60_000,
    `participants on Event ${id}`,
  );
  expect(full).toMatchObject({ Zoom_Status__c: 'Ended', Zoom_Duration_Minutes__c: 2 });
});

/** Holds the next Salesforce write to `path` for 2 s, then refuses it: the first workflow task cannot complete before a kill. */
function holdThenRefuseNextWrite(path: string): void {
  stack.salesforce.admin.addFault({ method: 'PATCH', path, delayMs: 2000, status: 503 });
}

/** Kills the worker (SIGKILL) once Zoom has made a meeting since `zoomMark`, then starts a new one. */
async function killWorkerAfterZoomCreate(zoomMark: number): Promise<void> {
  await eventually(
    async () => (zoomRequestsSince(zoomMark).some((r) => r.method === 'POST' && r.status === 201) ? true : undefined),
    30_000,
    'the local Zoom create',
  );
  await worker!.kill9();
  worker = await startExternalWorker(stack, bundlePath);
}

test('a worker killed between the Zoom create and the write-back: one meeting, and the Event gets its join URL', async () => {
  holdThenRefuseNextWrite('/sobjects/Event/[A-Za-z0-9]{15,18}$');
  const zoomMark = stack.zoom.admin.requests.length;
  const { id } = (await sf.sobject('Event').create(newEvent('Hot path crash'))) as { id: string };
  await killWorkerAfterZoomCreate(zoomMark);

  const event = await scheduledEvent(id);
  const mine = await meetingsOf(id);
  expect(mine).toHaveLength(1);
  expect(String(mine[0].id)).toBe(event.Zoom_Meeting_Id__c);
  expect(event.Zoom_Join_URL__c).toBe(mine[0].join_url);
  const zoomCalls = zoomRequestsSince(zoomMark);
  expect(zoomCalls.filter((r) => r.method === 'POST' && CREATE_PATH.test(r.path) && r.status === 201)).toHaveLength(1);
  // The task's next attempt knew it was one, and looked for the meeting first.
  expect(zoomCalls.filter((r) => r.method === 'GET' && CREATE_PATH.test(r.path))).not.toHaveLength(0);
  const { events } = await historyOf(id);
  expect(events.map((e) => e.eventType)).toContain('EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT');
});

test('a Zoom 429 on the local create hands it to the rate-limited writes queue, which makes the one meeting', async () => {
  stack.zoom.admin.addFault({
    method: 'POST',
    path: CREATE_PATH.source,
    status: 429,
    retryAfter: '1',
    body: { code: 429, message: 'You have reached the maximum per-second rate limit for this API. Try again later.' },
    headers: { 'x-ratelimit-category': 'Medium', 'x-ratelimit-type': 'QPS' },
  });
  const zoomMark = stack.zoom.admin.requests.length;
  const { id } = (await sf.sobject('Event').create(newEvent('Hot path 429'))) as { id: string };
  const event = await scheduledEvent(id);

  const { events } = await historyOf(id);
  expect(localActivities(events)).toContain('createZoomMeetingForOwner');
  expect(remoteActivities(events)).toContainEqual({
    type: 'createZoomMeeting',
    queue: zoomWritesTaskQueue(stack.taskQueue),
  });
  expect(createStatusesSince(zoomMark)).toEqual([429, 201]);
  // A 429 proves nothing was made: the writes queue creates at once, without listing the host's meetings.
  expect(zoomRequestsSince(zoomMark).filter((r) => r.method === 'GET' && CREATE_PATH.test(r.path))).toHaveLength(0);
  expect((await meetingsOf(id)).map((m) => String(m.id))).toEqual([event.Zoom_Meeting_Id__c]);
});

test('a bulk callout never takes the hot path: its creates go through the writes queue', async () => {
  const records = [0, 1, 2].map((i) => ({ attributes: { type: 'Event' }, ...newEvent(`Hot path bulk ${i}`) }));
  const results = (await sf.sobject('Event').create(records, { allOrNone: true })) as unknown as { id: string }[];
  for (const { id } of results) {
    await scheduledEvent(id);
    const { events } = await historyOf(id);
    expect(localActivities(events)).not.toContain('createZoomMeetingForOwner');
    expect(remoteActivities(events)).toContainEqual({
      type: 'createZoomMeeting',
      queue: zoomWritesTaskQueue(stack.taskQueue),
    });
  }
});

test('a local create whose answer is lost: the writes queue finds the meeting Zoom made instead of making another', async () => {
  const zoomMark = loseNextCreateAnswer();
  const { id } = (await sf.sobject('Event').create(newEvent('Hot path lost answer'))) as { id: string };
  const event = await scheduledEvent(id);

  const mine = await meetingsOf(id);
  expect(mine.map((m) => String(m.id))).toEqual([event.Zoom_Meeting_Id__c]);
  expect(createStatusesSince(zoomMark)).toEqual([500]);
  const { events } = await historyOf(id);
  expect(remoteActivities(events)).toContainEqual({
    type: 'createZoomMeeting',
    queue: zoomWritesTaskQueue(stack.taskQueue),
  });
});

/** "Start Zoom Meeting" on a Contact of the demo org, as the org's Apex sends it. */
const click = (recordId: string) =>
  pressButton(stack.apiUrl, DEMO_CREDENTIALS.calloutSecret, 'POST', '/v1/salesforce/instant-meetings', {
    recordId,
    userId: ADA.salesforceId,
  });

test("Start Zoom Meeting: the click's Zoom create is a local activity of its first workflow task", async () => {
  const recordId = '003000000000001AAA';
  const answer = await click(recordId);
  expect(answer.status).toBe(200);
  const { events } = await historyOf('', instantMeetingWorkflowId(ADA.salesforceId, recordId));
  expect(localActivities(events)).toEqual(['prepareInstantMeeting', 'createZoomMeeting', 'createInstantEvent']);
  expect(remoteActivities(events)).toEqual([]);
});

test('Start Zoom Meeting whose local create lost its answer: the remote create finds the meeting, one in all', async () => {
  const recordId = '003000000000002AAA';
  const zoomMark = loseNextCreateAnswer();
  const answer = await click(recordId);
  expect(answer.status).toBe(200);
  expect(createStatusesSince(zoomMark)).toEqual([500]);
  expect((await stack.zoomClient.getMeeting(answer.data.zoomMeetingId)).join_url).toBe(answer.data.joinUrl);
  const { events } = await historyOf('', instantMeetingWorkflowId(ADA.salesforceId, recordId));
  expect(remoteActivities(events).map((a) => a.type)).toEqual(['createZoomMeeting']);
});

test('Start Zoom Meeting with the worker killed between the Zoom create and the Event: one meeting, one Event', async () => {
  const recordId = '003000000000003AAA';
  holdThenRefuseNextWrite('/sobjects/Event/Zoom_Instant_Click_Id__c/');
  const zoomMark = stack.zoom.admin.requests.length;
  const answering = click(recordId);
  await killWorkerAfterZoomCreate(zoomMark);

  // The rep's click, still waiting, is answered by the task's next attempt with the meeting Zoom made before the kill.
  const answer = await answering;
  expect(answer.status).toBe(200);
  expect(createStatusesSince(zoomMark)).toEqual([201]);
  const zoomCalls = zoomRequestsSince(zoomMark);
  expect(zoomCalls.filter((r) => r.method === 'GET' && CREATE_PATH.test(r.path))).not.toHaveLength(0);
  const events = await sf.query<{ Id: string; Zoom_Meeting_Id__c: string; Zoom_Join_URL__c: string }>(
    `SELECT Id, Zoom_Meeting_Id__c, Zoom_Join_URL__c FROM Event WHERE WhoId = '${recordId}'`,
  );
  expect(events.records).toEqual([
    expect.objectContaining({
      Id: answer.data.eventId,
      Zoom_Meeting_Id__c: answer.data.zoomMeetingId,
      Zoom_Join_URL__c: answer.data.joinUrl,
    }),
  ]);
  const { events: history } = await historyOf('', instantMeetingWorkflowId(ADA.salesforceId, recordId));
  expect(history.map((e) => e.eventType)).toContain('EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT');
});
