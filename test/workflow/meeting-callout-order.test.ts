/**
 * Callouts in SystemModstamp order, whatever order they arrive in: several waiting while the workflow is busy are
 * drained as one batch and only the newest is applied; at the same stamp (one-second resolution) a delete wins
 * over an edit, since the record is gone, and a different edit makes the workflow read the Event again (which of
 * two saves in one second came last only Salesforce knows).
 */
import type { ScheduledMeeting } from '../../activities';
import type { MeetingPlan } from '../../domain/meeting-plan';
import {
  fakeActivities,
  useMeetingWorkflowHarness,
  nextEventId,
  snapshot,
  stamp,
  upsert,
  waitForCalls,
  waitForState,
} from '../helpers/meeting-workflow-harness';

// A real server: a newer callout cancels the create in flight (it then finishes, WAIT_CANCELLATION_COMPLETED), a
// cancellation the time-skipping server refuses for a running activity (ACTIVITY_UNKNOWN). No test here skips time.
const harness = useMeetingWorkflowHarness({ devServer: true });

test('callouts that arrive newest first while the workflow is busy: the newest is applied, the older dropped', async () => {
  let releaseCreate!: () => void;
  const createAnswers = new Promise<void>((resolve) => (releaseCreate = resolve));
  const acts = fakeActivities();
  const create = acts.createZoomMeeting.getMockImplementation()!;
  acts.createZoomMeeting.mockImplementation(
    async (input: { eventId: string; hostEmail: string; plan: MeetingPlan }) => {
      await createAnswers;
      return (await create(input)) as ScheduledMeeting;
    },
  );
  await harness.withWorker(acts, async (taskQueue) => {
    const now = await harness.env.currentTimeMs();
    const id = nextEventId();
    const handle = await harness.signalWithStart(taskQueue, upsert(snapshot(id, now, { SystemModstamp: stamp(0) })));
    await waitForCalls(acts.createZoomMeeting);
    // While the create is in flight: the save of 12:00:02, then the one of 12:00:01 (the org's retry order).
    await harness.signalWithStart(
      taskQueue,
      upsert(snapshot(id, now, { Subject: 'Renamed twice', SystemModstamp: stamp(2000) })),
    );
    await harness.signalWithStart(
      taskQueue,
      upsert(snapshot(id, now, { Subject: 'Renamed once', SystemModstamp: stamp(1000) })),
    );
    releaseCreate();

    const state = await waitForState(handle, (s) => s.appliedChanges === 2);
    expect(state).toMatchObject({ topic: 'Renamed twice', lastAppliedModstamp: stamp(2000), ignoredStaleChanges: 1 });
    expect(acts.updateZoomMeeting).toHaveBeenCalledTimes(1);
    expect(acts.updateZoomMeeting.mock.calls[0][0].plan.topic).toBe('Renamed twice');
  });
});

test('an edit and a delete saved in the same second: the delete wins, in either order', async () => {
  const acts = fakeActivities();
  await harness.withWorker(acts, async (taskQueue) => {
    const now = await harness.env.currentTimeMs();
    const editFirst = nextEventId();
    const deleteFirst = nextEventId();
    for (const id of [editFirst, deleteFirst]) {
      const handle = await harness.signalWithStart(taskQueue, upsert(snapshot(id, now)));
      await waitForState(handle, (s) => s.phase === 'scheduled');
    }
    const edit = (id: string) => upsert(snapshot(id, now, { Subject: 'Renamed', SystemModstamp: stamp(1000) }));
    const remove = (id: string) => ({
      operation: 'delete' as const,
      event: snapshot(id, now, { SystemModstamp: stamp(1000) }),
    });

    const a = await harness.signalWithStart(taskQueue, edit(editFirst));
    await waitForState(a, (s) => s.appliedChanges === 2);
    await harness.signalWithStart(taskQueue, remove(editFirst));
    expect(await waitForState(a, (s) => s.appliedChanges === 3)).toMatchObject({ phase: 'cancelled' });

    const b = await harness.signalWithStart(taskQueue, remove(deleteFirst));
    await waitForState(b, (s) => s.appliedChanges === 2);
    await harness.signalWithStart(taskQueue, edit(deleteFirst));
    expect(await waitForState(b, (s) => s.ignoredStaleChanges === 1)).toMatchObject({ phase: 'cancelled' });

    const deleted = acts.deleteZoomMeeting.mock.calls.map((call) => call[0].meetingId);
    expect(deleted).toHaveLength(2);
    // Neither meeting was recreated or renamed after its delete.
    expect(acts.createZoomMeeting).toHaveBeenCalledTimes(2);
  });
});

test('two saves in the same second: the later one is not dropped, the Event is read again and its values applied', async () => {
  const acts = fakeActivities();
  await harness.withWorker(acts, async (taskQueue) => {
    const now = await harness.env.currentTimeMs();
    const id = nextEventId();
    const handle = await harness.signalWithStart(taskQueue, upsert(snapshot(id, now)));
    await waitForState(handle, (s) => s.phase === 'scheduled');
    const first = snapshot(id, now, { Subject: 'Renamed', SystemModstamp: stamp(1000) });
    const second = snapshot(id, now, { Subject: 'Renamed again', SystemModstamp: stamp(1000) });
    acts.readEventSnapshot.mockResolvedValue(second);

    await harness.signalWithStart(taskQueue, upsert(first));
    await waitForState(handle, (s) => s.topic === 'Renamed');
    await harness.signalWithStart(taskQueue, upsert(second));
    const state = await waitForState(handle, (s) => s.topic === 'Renamed again');
    expect(state).toMatchObject({ lastAppliedModstamp: stamp(1000), ignoredStaleChanges: 0 });
    expect(acts.readEventSnapshot).toHaveBeenCalledTimes(1);
    expect(acts.updateZoomMeeting.mock.calls.map((call) => call[0].plan.topic)).toEqual(['Renamed', 'Renamed again']);
  });
});

test("same-second saves arriving in the wrong order: the Event read again keeps the later; the org's repeat of a callout reads nothing", async () => {
  const acts = fakeActivities();
  await harness.withWorker(acts, async (taskQueue) => {
    const now = await harness.env.currentTimeMs();
    const id = nextEventId();
    const handle = await harness.signalWithStart(taskQueue, upsert(snapshot(id, now)));
    await waitForState(handle, (s) => s.phase === 'scheduled');
    const earlier = snapshot(id, now, { Subject: 'Renamed', SystemModstamp: stamp(1000) });
    const later = snapshot(id, now, { Subject: 'Renamed again', SystemModstamp: stamp(1000) });
    acts.readEventSnapshot.mockResolvedValue(later);

    await harness.signalWithStart(taskQueue, upsert(later));
    await waitForState(handle, (s) => s.topic === 'Renamed again');
    // The org's retry of the same callout: a duplicate, dropped without a read.
    await harness.signalWithStart(taskQueue, upsert(later));
    await waitForState(handle, (s) => s.ignoredStaleChanges === 1);
    expect(acts.readEventSnapshot).not.toHaveBeenCalled();
    // The earlier save's callout, late: Salesforce says the later one is current, so nothing changes.
    await harness.signalWithStart(taskQueue, upsert(earlier));
    await waitForCalls(acts.readEventSnapshot);
    const state = await waitForState(handle, (s) => s.ignoredStaleChanges === 2);
    expect(state.topic).toBe('Renamed again');
    expect(acts.updateZoomMeeting).toHaveBeenCalledTimes(1);
  });
});
