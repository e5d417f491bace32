/**
 * The meeting workflow's scheduling part on the Java time-skipping server, with fake activities: what it asks
 * Zoom and Salesforce to do for each sequence of callouts, and what it leaves in its state and search attributes.
 */
import { ApplicationFailure } from '@temporalio/common';
import { FailureTypes } from '../../activities/failures';
import {
  eventChangedSignal,
  meetingStateQuery,
  zoomEventSignal,
  MeetingStatusAttribute,
  ZoomMeetingIdAttribute,
} from '../../workflows/messages';
import { createMeetingActivities } from '../../activities/meetings';
import { ZoomApiError } from '../../integrations/zoom/errors';
import {
  fakeActivities,
  HOUR,
  type MeetingWorkflowHarness,
  useMeetingWorkflowHarness,
  nextEventId,
  snapshot,
  stamp,
  upsert,
  waitForCalls,
  waitForState,
  waitForStatusWrite,
  zoomEvent,
  MINUTE,
  type Fakes,
} from '../helpers/meeting-workflow-harness';

const harness = useMeetingWorkflowHarness();

const withWorker = <T>(acts: Fakes, fn: (taskQueue: string) => Promise<T>) => harness.withWorker(acts, fn);
const signalWithStart = (taskQueue: string, item: Parameters<MeetingWorkflowHarness['signalWithStart']>[1]) =>
  harness.signalWithStart(taskQueue, item);
const env = { currentTimeMs: () => harness.env.currentTimeMs(), sleep: (ms: number) => harness.env.sleep(ms) };

describe('meeting workflow', () => {
  test('a ticked Event gets one Zoom meeting and the Event is written back as Scheduled', async () => {
    const acts = fakeActivities();
    await withWorker(acts, async (taskQueue) => {
      const now = await env.currentTimeMs();
      const event = snapshot(nextEventId(), now);
      const handle = await signalWithStart(taskQueue, upsert(event));
      const state = await waitForState(handle, (s) => s.phase === 'scheduled');

      expect(acts.findHostEmail).toHaveBeenCalledWith('005000000000001AAA');
      expect(acts.createZoomMeeting).toHaveBeenCalledTimes(1);
      const plan = acts.createZoomMeeting.mock.calls[0][0].plan;
      expect(plan).toMatchObject({
        topic: 'Quarterly review',
        startTime: event.StartDateTime,
        durationMinutes: 30,
        timeZone: 'America/New_York',
        usePmi: false,
      });
      expect(plan.agenda).toContain(event.Id);
      expect(acts.writeEventFields).toHaveBeenCalledWith({
        eventId: event.Id,
        fields: expect.objectContaining({
          Zoom_Meeting_Id__c: state.zoomMeetingId,
          Zoom_Join_URL__c: state.joinUrl,
          Zoom_Status__c: 'Scheduled',
          Zoom_Sync_Error__c: null,
        }),
      });
      const description = await handle.describe();
      expect(description.typedSearchAttributes.get(MeetingStatusAttribute)).toBe('Scheduled');
      expect(description.typedSearchAttributes.get(ZoomMeetingIdAttribute)).toBe(state.zoomMeetingId);
    });
  });

  test('the same callout delivered five times makes one workflow and one meeting', async () => {
    const acts = fakeActivities();
    await withWorker(acts, async (taskQueue) => {
      const item = upsert(snapshot(nextEventId(), await env.currentTimeMs()));
      const handles = [];
      for (let i = 0; i < 5; i += 1) handles.push(await signalWithStart(taskQueue, item));
      expect(new Set(handles.map((h) => h.signaledRunId)).size).toBe(1);
      const state = await waitForState(handles[0], (s) => s.appliedChanges + s.ignoredStaleChanges === 5);
      expect(state.appliedChanges).toBe(1);
      expect(acts.createZoomMeeting).toHaveBeenCalledTimes(1);
    });
  });

  test('a reschedule while waiting moves the meeting and the wait', async () => {
    const acts = fakeActivities();
    await withWorker(acts, async (taskQueue) => {
      const now = await env.currentTimeMs();
      const id = nextEventId();
      const first = snapshot(id, now);
      const handle = await signalWithStart(taskQueue, upsert(first));
      await waitForState(handle, (s) => s.phase === 'scheduled');

      const later = new Date(now + 5 * HOUR).toISOString();
      const moved = snapshot(id, now, {
        StartDateTime: later,
        EndDateTime: new Date(now + 6 * HOUR).toISOString(),
        SystemModstamp: stamp(1000),
      });
      await handle.signal(eventChangedSignal, upsert(moved));
      const state = await waitForState(handle, (s) => s.startTime === later);
      expect(acts.updateZoomMeeting).toHaveBeenCalledWith({
        meetingId: state.zoomMeetingId,
        plan: expect.objectContaining({ startTime: later, durationMinutes: 60 }),
        // Only what the org changed: a concurrent edit of the topic in the Zoom portal stays.
        fields: ['startTime', 'durationMinutes'],
        // So that a host over Zoom's daily cap waits without asking Zoom.
        hostEmail: 'ada.lovelace@demo-sales.example',
      });
      expect(acts.createZoomMeeting).toHaveBeenCalledTimes(1);

      // Past the original start the workflow is still waiting for the new one.
      await env.sleep(3 * HOUR);
      expect((await handle.query(meetingStateQuery)).phase).toBe('scheduled');
      await env.sleep(2 * HOUR + 60_000);
      expect((await handle.query(meetingStateQuery)).phase).toBe('awaiting-start');
    });
  });

  test('a callout older than the one applied changes nothing', async () => {
    const acts = fakeActivities();
    await withWorker(acts, async (taskQueue) => {
      const now = await env.currentTimeMs();
      const id = nextEventId();
      const handle = await signalWithStart(
        taskQueue,
        upsert(snapshot(id, now, { SystemModstamp: stamp(5000), Subject: 'New' })),
      );
      await waitForState(handle, (s) => s.phase === 'scheduled');
      await handle.signal(
        eventChangedSignal,
        upsert(snapshot(id, now, { SystemModstamp: stamp(1000), Subject: 'Old' })),
      );
      const state = await waitForState(handle, (s) => s.ignoredStaleChanges === 1);
      expect(state.appliedChanges).toBe(1);
      expect(acts.updateZoomMeeting).not.toHaveBeenCalled();
      expect(acts.createZoomMeeting.mock.calls[0][0].plan.topic).toBe('New');
    });
  });

  test('unticking the box deletes the meeting and marks the Event Cancelled', async () => {
    const acts = fakeActivities();
    await withWorker(acts, async (taskQueue) => {
      const now = await env.currentTimeMs();
      const id = nextEventId();
      const handle = await signalWithStart(taskQueue, upsert(snapshot(id, now)));
      const scheduled = await waitForState(handle, (s) => s.phase === 'scheduled');
      await handle.signal(
        eventChangedSignal,
        upsert(snapshot(id, now, { Make_Zoom_Meeting__c: false, SystemModstamp: stamp(1000) })),
      );
      const state = await waitForState(handle, (s) => s.phase === 'cancelled');
      await waitForStatusWrite(acts, 'Cancelled');
      expect(acts.deleteZoomMeeting).toHaveBeenCalledWith({ meetingId: scheduled.zoomMeetingId, usesPmi: false });
      expect(acts.writeEventFields).toHaveBeenLastCalledWith({
        eventId: id,
        fields: {
          Zoom_Status__c: 'Cancelled',
          Zoom_Join_URL__c: null,
          Zoom_Meeting_Id__c: null,
          Zoom_Sync_Error__c: null,
        },
      });
      expect(state.status).toBe('Cancelled');
      expect((await handle.describe()).typedSearchAttributes.get(MeetingStatusAttribute)).toBe('Cancelled');
    });
  });

  test('a deleted Event deletes its meeting, writes nothing back and the workflow retires', async () => {
    const acts = fakeActivities();
    await withWorker(acts, async (taskQueue) => {
      const now = await env.currentTimeMs();
      const id = nextEventId();
      const handle = await signalWithStart(taskQueue, upsert(snapshot(id, now)));
      await waitForState(handle, (s) => s.phase === 'scheduled');
      const writesBefore = acts.writeEventFields.mock.calls.length;
      await handle.signal(eventChangedSignal, {
        operation: 'delete',
        event: snapshot(id, now, { SystemModstamp: stamp(1000) }),
      });
      const result = await handle.result();
      expect(result.phase).toBe('cancelled');
      expect(acts.deleteZoomMeeting).toHaveBeenCalledTimes(1);
      expect(acts.writeEventFields).toHaveBeenCalledTimes(writesBefore);
    });
  });

  test('a PMI meeting is never deleted as such: the activity is told it is the PMI', async () => {
    const acts = fakeActivities();
    await withWorker(acts, async (taskQueue) => {
      const now = await env.currentTimeMs();
      const id = nextEventId();
      const handle = await signalWithStart(taskQueue, upsert(snapshot(id, now, { Zoom_Use_PMI__c: true })));
      await waitForState(handle, (s) => s.phase === 'scheduled');
      await handle.signal(eventChangedSignal, {
        operation: 'delete',
        event: snapshot(id, now, { SystemModstamp: stamp(1) }),
      });
      await handle.result();
      expect(acts.deleteZoomMeeting).toHaveBeenCalledWith(expect.objectContaining({ usesPmi: true }));
    });
  });

  test('an owner who is not a Zoom user gets a clear error on the Event, without a retry storm', async () => {
    const message = "The Event owner's e-mail (x@y.example) is not a user of this Zoom account.";
    const acts = fakeActivities({
      createZoomMeeting: jest.fn(async () => {
        throw ApplicationFailure.create({ type: FailureTypes.hostNotFound, message, nonRetryable: true });
      }),
    });
    await withWorker(acts, async (taskQueue) => {
      const handle = await signalWithStart(taskQueue, upsert(snapshot(nextEventId(), await env.currentTimeMs())));
      const state = await waitForState(handle, (s) => s.phase === 'failed');
      await waitForStatusWrite(acts, 'Error');
      expect(acts.createZoomMeeting).toHaveBeenCalledTimes(1);
      expect(state.lastError).toBe(message);
      expect(acts.writeEventFields).toHaveBeenLastCalledWith({
        eventId: expect.any(String),
        fields: { Zoom_Status__c: 'Error', Zoom_Sync_Error__c: message },
      });
      expect((await handle.describe()).typedSearchAttributes.get(MeetingStatusAttribute)).toBe('Error');
    });
  });

  test("a create retried after Zoom's 429 does not list the host's meetings first (heartbeat record, real server)", async () => {
    const zoom = {
      createMeeting: jest
        .fn()
        .mockRejectedValueOnce(
          new ZoomApiError({
            httpStatus: 429,
            code: 429,
            message: 'slow down',
            retryAfterMs: 1000,
            rateLimitType: 'QPS',
          }),
        )
        .mockResolvedValue({ id: 81999999999, join_url: 'https://zoom.test/j/81999999999', host_id: 'h' }),
      listUserMeetings: jest.fn(async () => ({ meetings: [], next_page_token: '', page_size: 300, total_records: 0 })),
      updateMeeting: jest.fn(),
      deleteMeeting: jest.fn(),
    };
    const real = createMeetingActivities({
      zoom,
      salesforce: { getUser: jest.fn(), getEvent: jest.fn(), updateEvent: jest.fn(), isEventDeleted: jest.fn() },
    });
    const acts = fakeActivities({ createZoomMeeting: jest.fn(real.createZoomMeeting) });
    await withWorker(acts, async (taskQueue) => {
      const handle = await signalWithStart(taskQueue, upsert(snapshot(nextEventId(), await env.currentTimeMs())));
      const state = await waitForState(handle, (s) => s.phase === 'scheduled');
      expect(state.zoomMeetingId).toBe('81999999999');
      expect(zoom.createMeeting).toHaveBeenCalledTimes(2);
      expect(zoom.listUserMeetings).not.toHaveBeenCalled();
    });
  });

  test('a new owner recreates the meeting under the new host', async () => {
    const acts = fakeActivities();
    await withWorker(acts, async (taskQueue) => {
      const now = await env.currentTimeMs();
      const id = nextEventId();
      const handle = await signalWithStart(taskQueue, upsert(snapshot(id, now)));
      const first = await waitForState(handle, (s) => s.phase === 'scheduled');
      await handle.signal(
        eventChangedSignal,
        upsert(snapshot(id, now, { OwnerId: '005000000000002AAA', SystemModstamp: stamp(1000) })),
      );
      const second = await waitForState(
        handle,
        (s) => s.zoomMeetingId !== first.zoomMeetingId && s.phase === 'scheduled',
      );
      expect(acts.deleteZoomMeeting).toHaveBeenCalledWith({ meetingId: first.zoomMeetingId, usesPmi: false });
      expect(acts.findHostEmail).toHaveBeenLastCalledWith('005000000000002AAA');
      expect(acts.createZoomMeeting).toHaveBeenCalledTimes(2);
      expect(second.joinUrl).not.toBe(first.joinUrl);
    });
  });

  test('a meeting deleted in Zoom is recreated when the Event changes', async () => {
    const acts = fakeActivities({
      updateZoomMeeting: jest.fn(async () => {
        throw ApplicationFailure.create({ type: FailureTypes.zoomMeetingGone, message: 'gone', nonRetryable: true });
      }),
    });
    await withWorker(acts, async (taskQueue) => {
      const now = await env.currentTimeMs();
      const id = nextEventId();
      const handle = await signalWithStart(taskQueue, upsert(snapshot(id, now)));
      await waitForState(handle, (s) => s.phase === 'scheduled');
      await handle.signal(
        eventChangedSignal,
        upsert(snapshot(id, now, { Subject: 'Renamed', SystemModstamp: stamp(1000) })),
      );
      await waitForState(handle, (s) => s.appliedChanges === 2 && s.phase === 'scheduled');
      expect(acts.createZoomMeeting).toHaveBeenCalledTimes(2);
      expect(acts.createZoomMeeting.mock.calls[1][0].plan.topic).toBe('Renamed');
    });
  });

  describe('a Zoom-portal topic edit and a Salesforce edit of the start at the same moment: both survive', () => {
    /** The meeting scheduled, then both edits made 1 ms apart just after it. */
    async function concurrentEdits(taskQueue: string) {
      const now = await env.currentTimeMs();
      const id = nextEventId();
      const first = snapshot(id, now);
      const handle = await signalWithStart(taskQueue, upsert(first));
      const { zoomMeetingId } = await waitForState(handle, (s) => s.phase === 'scheduled');
      const editedAt = await env.currentTimeMs();
      const newStart = new Date(now + 3 * HOUR).toISOString();
      const zoomEdit = zoomEvent('updated', zoomMeetingId!, {
        eventTs: editedAt,
        changes: { topic: 'Renamed in Zoom' },
      });
      // The rep's save: the Event's snapshot still has the Subject from before the Zoom edit reached it.
      const orgEdit = upsert({
        ...first,
        StartDateTime: newStart,
        EndDateTime: new Date(now + 3 * HOUR + 30 * MINUTE).toISOString(),
        SystemModstamp: new Date(editedAt + 1).toISOString(),
      });
      return { handle, zoomEdit, orgEdit, newStart, first };
    }

    async function expectBothKept(
      acts: Fakes,
      handle: Awaited<ReturnType<typeof concurrentEdits>>['handle'],
      newStart: string,
    ) {
      const state = await waitForState(handle, (s) => s.topic === 'Renamed in Zoom' && s.startTime === newStart);
      await waitForCalls(acts.writeEventSchedule);
      // Zoom keeps its topic: the start is sent to it without the old topic.
      const zoomWrites = acts.updateZoomMeeting.mock.calls.map(([input]) => input);
      expect(zoomWrites.map((w) => w.plan.startTime)).toContain(newStart);
      for (const write of zoomWrites) {
        const fields = (write as { fields?: string[] }).fields ?? ['topic'];
        expect(write.plan.topic === 'Renamed in Zoom' || !fields.includes('topic')).toBe(true);
      }
      // The Event gets the Zoom topic, and never the old start back.
      const eventWrites = acts.writeEventSchedule.mock.calls.map(([input]) => input.fields);
      expect(eventWrites).toContainEqual({ Subject: 'Renamed in Zoom' });
      for (const fields of eventWrites) expect(fields.StartDateTime ?? newStart).toBe(newStart);
      expect(state.phase).toBe('scheduled');
    }

    test('the Zoom edit applied first', async () => {
      const acts = fakeActivities();
      await withWorker(acts, async (taskQueue) => {
        const { handle, zoomEdit, orgEdit, newStart } = await concurrentEdits(taskQueue);
        await handle.signal(zoomEventSignal, zoomEdit);
        await waitForCalls(acts.writeEventSchedule);
        await handle.signal(eventChangedSignal, orgEdit);
        await expectBothKept(acts, handle, newStart);
      });
    });

    test('the Salesforce edit applied first', async () => {
      const acts = fakeActivities();
      await withWorker(acts, async (taskQueue) => {
        const { handle, zoomEdit, orgEdit, newStart } = await concurrentEdits(taskQueue);
        await handle.signal(eventChangedSignal, orgEdit);
        await waitForCalls(acts.updateZoomMeeting);
        await handle.signal(zoomEventSignal, zoomEdit);
        await expectBothKept(acts, handle, newStart);
      });
    });
  });

  test('a later run adopts the meeting already on the Event instead of creating a second one', async () => {
    const acts = fakeActivities();
    await withWorker(acts, async (taskQueue) => {
      const now = await env.currentTimeMs();
      const event = snapshot(nextEventId(), now, { Zoom_Meeting_Id__c: '81999999999', Subject: 'Edited later' });
      const handle = await signalWithStart(taskQueue, upsert(event));
      const state = await waitForState(handle, (s) => s.phase === 'scheduled');
      await waitForStatusWrite(acts, 'Scheduled');
      expect(acts.createZoomMeeting).not.toHaveBeenCalled();
      expect(acts.updateZoomMeeting).toHaveBeenCalledWith({
        meetingId: '81999999999',
        plan: expect.objectContaining({ topic: 'Edited later' }),
      });
      expect(state.zoomMeetingId).toBe('81999999999');
      expect(acts.writeEventFields.mock.calls[0][0].fields).not.toHaveProperty('Zoom_Join_URL__c');
    });
  });
});
