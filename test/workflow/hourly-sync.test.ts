/**
 * The hourly sync's workflows on the time-skipping server with fake activities: the window and watermark, the
 * reconciliation pages, one child per host, import batches of 200, an import retried after a crash, a failed host,
 * a backfill and the toggle off.
 */
import { activityInfo } from '@temporalio/activity';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { EndedMeetingRef } from '../../activities/external-meetings';
import type { MeetingOutcome } from '../../domain/meeting-outcome';
import { reportDays } from '../../domain/sync-window';
import { type hourlySyncWorkflow } from '../../workflows/hourly-sync';
import {
  meetingWorkflowId,
  reconcileSignal,
  zoomImportTaskQueue,
  type HourlySyncInput,
  type ReconcileRequest,
  type SyncHost,
} from '../../workflows/messages';
import { type meetingWorkflow } from '../../workflows/meeting';
import {
  fakeActivities,
  HOUR,
  MeetingWorkflowHarness,
  nextEventId,
  waitForCalls,
  waitForState,
  type Fakes,
} from '../helpers/meeting-workflow-harness';
import { uniqueTaskQueue } from '../helpers/temporal';

const input: HourlySyncInput = {
  intervalMs: HOUR,
  overlapMs: 10 * 60_000,
  lookbackMs: 30 * 24 * HOUR,
  hostConcurrency: 2,
};

/**
 * The top of the server's current hour, set before each test: a run for now, not a backfill (the workflow compares
 * with its own clock, which the time-skipping server moves on between tests).
 */
let windowEnd = '';
const hoursBefore = (hours: number) => new Date(Date.parse(windowEnd) - hours * HOUR).toISOString();

const HOSTS: SyncHost[] = [
  { sfUserId: '005000000000001AAA', zoomUserId: 'zoom-ada' },
  { sfUserId: '005000000000002AAA', zoomUserId: 'zoom-grace' },
  { sfUserId: '005000000000003AAA', zoomUserId: 'zoom-alan' },
];

function meetingsOf(host: string, count: number, endTime: string): EndedMeetingRef[] {
  return Array.from({ length: count }, (_, i) => ({
    uuid: `${host}-uuid-${i}`,
    meetingId: String(85000000000 + i),
    topic: `Call ${i}`,
    startTime: new Date(Date.parse(endTime) - 30 * 60_000).toISOString(),
    endTime,
    durationMinutes: 30,
    hasRecording: false,
  }));
}

interface SyncFakeOptions {
  externalEnabled?: boolean;
  /** Meetings each host's report lists on the first day asked, in pages of `pageSize`. */
  meetingsPerHost?: number;
  pageSize?: number;
  importFails?: (call: number) => boolean;
}

function syncFakes(options: SyncFakeOptions = {}) {
  const written = new Map<string, number>();
  const reconcileQueues: string[] = [];
  let importCalls = 0;
  const endTime = new Date(Date.parse(windowEnd) - 30 * 60_000).toISOString();
  const fakes = {
    readSyncWatermark: jest.fn(async () => undefined),
    readSyncSettings: jest.fn(async () => ({ externalEnabled: options.externalEnabled ?? true })),
    // Records the queue each page ran on: pages share the import queue's Zoom rate.
    reconcileStaleEvents: jest.fn(async ({ afterId }: { afterId?: string }) => {
      reconcileQueues.push(activityInfo().taskQueue);
      return afterId === undefined ? { lastId: '00U000000000200AAA', nudged: 200 } : { nudged: 7 };
    }),
    listSyncHosts: jest.fn(async () => HOSTS),
    checkUpcomingMeetings: jest.fn(async () => ({ checked: 2, editsFound: 1 })),
    nudgeCalendarsOfTickedSettings: jest.fn(async () => ({ nudged: 2 })),
    startMissedEvents: jest.fn(async ({ afterId }: { afterId?: string }) =>
      afterId === undefined ? { lastId: '00U000000000300AAA', started: 3, invalid: 0 } : { started: 1, invalid: 1 },
    ),
    listEndedMeetings: jest.fn(
      async ({ host, day, pageToken }: { host: SyncHost; day: string; pageToken?: string }) => {
        // Everything ended on the window's own day.
        if (day !== endTime.slice(0, 10)) return { meetings: [] };
        const all = meetingsOf(host.zoomUserId, options.meetingsPerHost ?? 3, endTime);
        const size = options.pageSize ?? 300;
        const from = pageToken ? Number(pageToken) : 0;
        const next = from + size < all.length ? String(from + size) : undefined;
        return { meetings: all.slice(from, from + size), ...(next ? { nextPageToken: next } : {}) };
      },
    ),
    importExternalMeetings: jest.fn(
      async ({ groups }: { groups: { host: SyncHost; meetings: EndedMeetingRef[] }[] }) => {
        importCalls += 1;
        const meetings = groups.flatMap((g) => g.meetings);
        // An upsert by instance UUID: writing one twice leaves one Event.
        const half = options.importFails?.(importCalls) ? meetings.slice(0, meetings.length / 2) : meetings;
        for (const m of half) written.set(m.uuid, (written.get(m.uuid) ?? 0) + 1);
        if (half !== meetings) throw new Error('worker crashed mid-batch');
        return {
          skippedManaged: 0,
          skippedNoMatch: 0,
          eventsWritten: meetings.length,
          needsReview: groups.length,
          deferred: 0,
        };
      },
    ),
  };
  return { fakes, written, reconcileQueues };
}

describe('hourly sync workflows', () => {
  let harness: MeetingWorkflowHarness;

  beforeAll(async () => {
    harness = await MeetingWorkflowHarness.create();
  });

  afterAll(async () => {
    await harness?.teardown();
  });

  beforeEach(async () => {
    windowEnd = new Date(Math.floor((await harness.env.currentTimeMs()) / HOUR) * HOUR).toISOString();
  });

  /** Runs one sync with both workers (workflows and the import queue) on a fresh task queue. */
  async function runSync(fakes: ReturnType<typeof syncFakes>['fakes'], runInput: HourlySyncInput) {
    const taskQueue = uniqueTaskQueue('sync');
    const worker = await harness.newWorker(fakes as unknown as Fakes, taskQueue);
    const importWorker = await harness.newWorker(fakes as unknown as Fakes, zoomImportTaskQueue(taskQueue), {
      workflowBundle: undefined,
      workflowsPath: undefined,
    });
    const handle = await harness.env.client.workflow.start<typeof hourlySyncWorkflow>('hourlySyncWorkflow', {
      taskQueue,
      workflowId: `zoom-hourly-sync-test-${taskQueue}`,
      args: [runInput],
    });
    const outcome = await importWorker.runUntil(
      worker.runUntil(
        handle.result().then(
          (progress) => ({ progress, error: undefined }),
          (error: unknown) => ({ progress: undefined, error }),
        ),
      ),
    );
    const memo = (await handle.describe()).memo ?? {};
    return { ...outcome, memo, workflowId: handle.workflowId, taskQueue };
  }

  /** The hourly sync's hand-off: signal-with-start of the Event's meeting workflow with a reconcile request. */
  function reconcileStart(taskQueue: string, eventId: string, request: ReconcileRequest) {
    return harness.env.client.workflow.signalWithStart<typeof meetingWorkflow, [ReconcileRequest]>('meetingWorkflow', {
      workflowId: meetingWorkflowId(eventId),
      taskQueue,
      args: [{ eventId }],
      signal: reconcileSignal,
      signalArgs: [request],
    });
  }

  it('covers the lookback on the first run, reconciles page by page, syncs every host, and leaves the watermark', async () => {
    const { fakes, written, reconcileQueues } = syncFakes();
    const { progress, memo, taskQueue } = await runSync(fakes, { ...input, windowEnd });
    expect(progress).toMatchObject({
      window: { from: hoursBefore(30 * 24), to: windowEnd, backfill: false },
      externalEnabled: true,
      hostsTotal: 3,
      hostsDone: 3,
      staleEventsNudged: 207,
      missedEventsStarted: 4,
      upcomingChecked: 6,
      zoomEditsFound: 3,
      meetingsSeen: 9,
      eventsWritten: 9,
      needsReview: 3,
    });
    expect(fakes.reconcileStaleEvents.mock.calls.map(([page]) => page.afterId)).toEqual([
      undefined,
      '00U000000000200AAA',
    ]);
    expect(reconcileQueues).toEqual([zoomImportTaskQueue(taskQueue), zoomImportTaskQueue(taskQueue)]);
    // Events whose callout never reached Temporal, page by page as of the window's end.
    expect(fakes.startMissedEvents.mock.calls).toEqual([
      [{ asOf: windowEnd }],
      [{ afterId: '00U000000000300AAA', asOf: windowEnd }],
    ]);
    // Google calendars of hosts whose setting was ticked in the window catch up, once per run.
    expect(fakes.nudgeCalendarsOfTickedSettings.mock.calls).toEqual([
      [{ since: hoursBefore(30 * 24), asOf: windowEnd }],
    ]);
    // A report day per host for each day of the lookback, from 30 hours before it (meetings that began then).
    const days = reportDays({ from: hoursBefore(30 * 24), to: windowEnd });
    expect(days.length).toBeGreaterThanOrEqual(32);
    expect(fakes.listEndedMeetings).toHaveBeenCalledTimes(3 * days.length);
    expect(written.size).toBe(9);
    expect(memo.watermark).toEqual({ windowEnd, externalEnabled: true });
    expect(memo.progress).toMatchObject({ hostsDone: 3, eventsWritten: 9 });
  });

  it("imports a host's full batches of 200 across report pages, and pools the hosts' remainders", async () => {
    const { fakes } = syncFakes({ meetingsPerHost: 450, pageSize: 300 });
    const { progress } = await runSync(fakes, { ...input, windowEnd, lookbackMs: 2 * HOUR, hostConcurrency: 3 });
    const batches = fakes.importExternalMeetings.mock.calls.map(([batch]) => batch.groups);
    const sizes = batches.map((groups) => groups.reduce((sum, g) => sum + g.meetings.length, 0));
    expect(sizes.sort((a, b) => b - a)).toEqual([200, 200, 200, 200, 200, 200, 150]);
    // The last batch mixes the three hosts' remainders of 50.
    expect(batches.find((groups) => groups.length === 3)!.map((g) => g.meetings.length)).toEqual([50, 50, 50]);
    expect(progress).toMatchObject({ meetingsSeen: 1350, eventsWritten: 1350 });
    // The second page of each host's day was asked for with the first page's token.
    expect(fakes.listEndedMeetings.mock.calls.filter(([page]) => page.pageToken === '300')).toHaveLength(3);
  });

  it('lists the remaining hosts while a pooled batch is importing', async () => {
    // One lane; 150 meetings a host: the second host's remainder fills the first pooled batch, the third host is
    // still to be listed. The batch takes as long as the import queue's rate makes it (here: until that listing,
    // or 5 s): a run whose listing waited for its imports left the import queue idle in between.
    const { fakes } = syncFakes({ meetingsPerHost: 150 });
    let thirdHostListed!: () => void;
    const listed = new Promise<void>((resolve) => (thirdHostListed = resolve));
    const list = fakes.listEndedMeetings.getMockImplementation()!;
    fakes.listEndedMeetings.mockImplementation(async (page) => {
      if (page.host.zoomUserId === HOSTS[2].zoomUserId) thirdHostListed();
      return list(page);
    });
    const importBatch = fakes.importExternalMeetings.getMockImplementation()!;
    let listedDuringFirstBatch: boolean | undefined;
    fakes.importExternalMeetings.mockImplementation(async (batch) => {
      if (listedDuringFirstBatch === undefined) {
        let timer: NodeJS.Timeout | undefined;
        const gaveUp = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 5_000)));
        listedDuringFirstBatch = await Promise.race([listed.then(() => true), gaveUp]);
        clearTimeout(timer);
      }
      return importBatch(batch);
    });
    const { progress } = await runSync(fakes, { ...input, windowEnd, lookbackMs: 2 * HOUR, hostConcurrency: 1 });
    expect(listedDuringFirstBatch).toBe(true);
    expect(progress).toMatchObject({ meetingsSeen: 450, eventsWritten: 450, hostsDone: 3 });
  });

  it('keeps as many pooled batches in flight as there are lanes', async () => {
    // Two lanes, 150 meetings a host: the first batch is pooled after the second host, the next after the third.
    // The first waits until a second is in flight (or 5 s): the import queue's rate, not the run, paces them.
    const { fakes } = syncFakes({ meetingsPerHost: 150 });
    const importBatch = fakes.importExternalMeetings.getMockImplementation()!;
    let inFlight = 0;
    let mostInFlight = 0;
    let secondStarted!: () => void;
    const second = new Promise<void>((resolve) => (secondStarted = resolve));
    fakes.importExternalMeetings.mockImplementation(async (batch) => {
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      if (inFlight === 2) secondStarted();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([second, new Promise((resolve) => (timer = setTimeout(resolve, 5_000)))]);
      clearTimeout(timer);
      inFlight -= 1;
      return importBatch(batch);
    });
    const { progress } = await runSync(fakes, { ...input, windowEnd, lookbackMs: 2 * HOUR, hostConcurrency: 2 });
    expect(mostInFlight).toBe(2);
    expect(progress).toMatchObject({ meetingsSeen: 450, eventsWritten: 450, hostsDone: 3 });
  });

  it('retries an import that crashed half-way without making a second Event for any meeting', async () => {
    const { fakes, written } = syncFakes({ meetingsPerHost: 40, importFails: (call) => call === 1 });
    const { progress } = await runSync(fakes, { ...input, windowEnd, lookbackMs: 2 * HOUR });
    // One pooled batch of 120, tried twice.
    expect(fakes.importExternalMeetings).toHaveBeenCalledTimes(2);
    expect(written.size).toBe(120);
    expect(Math.max(...written.values())).toBeLessThanOrEqual(2);
    expect(progress).toMatchObject({ eventsWritten: 120, hostsDone: 3 });
  });

  it('fails the run and keeps the watermark when a host cannot be synced, after finishing the others', async () => {
    const { fakes } = syncFakes();
    const list = fakes.listEndedMeetings.getMockImplementation()!;
    fakes.listEndedMeetings.mockImplementation(async (page) => {
      if (page.host.zoomUserId === 'zoom-grace')
        throw ApplicationFailure.create({ type: 'ZoomValidationError', message: 'refused', nonRetryable: true });
      return list(page);
    });
    const { error, memo } = await runSync(fakes, { ...input, windowEnd, lookbackMs: 2 * HOUR });
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect(((error as WorkflowFailedError).cause as ApplicationFailure).type).toBe('HostSyncFailed');
    expect(memo.watermark).toBeUndefined();
    expect(memo.progress).toMatchObject({ hostsDone: 3, eventsWritten: 6, hostsFailed: 1 });
  });

  it('reads nothing external while the toggle is off, and still reconciles and checks upcoming meetings', async () => {
    const { fakes } = syncFakes({ externalEnabled: false });
    const { progress, memo } = await runSync(fakes, { ...input, windowEnd });
    expect(fakes.listEndedMeetings).not.toHaveBeenCalled();
    expect(fakes.importExternalMeetings).not.toHaveBeenCalled();
    expect(fakes.checkUpcomingMeetings).toHaveBeenCalledTimes(3);
    expect(progress).toMatchObject({ staleEventsNudged: 207, externalEnabled: false });
    expect(memo.watermark).toEqual({ windowEnd, externalEnabled: false });
  });

  it('gives a backfilled slot its own window, skips reconciliation and leaves the watermark alone', async () => {
    const { fakes } = syncFakes();
    fakes.readSyncWatermark.mockImplementation(
      async () => ({ windowEnd: hoursBefore(1), externalEnabled: true }) as never,
    );
    const slot = new Date(Date.now() - 10 * 24 * HOUR).toISOString();
    const { progress, memo } = await runSync(fakes, { ...input, windowEnd: slot });
    expect(progress!.window).toEqual({
      from: new Date(Date.parse(slot) - HOUR - 10 * 60_000).toISOString(),
      to: slot,
      backfill: true,
    });
    expect(fakes.reconcileStaleEvents).not.toHaveBeenCalled();
    expect(fakes.nudgeCalendarsOfTickedSettings).not.toHaveBeenCalled();
    expect(fakes.startMissedEvents).not.toHaveBeenCalled();
    expect(memo.watermark).toBeUndefined();
  });

  it("starts the next run's window at the last watermark less the overlap", async () => {
    const { fakes } = syncFakes();
    fakes.readSyncWatermark.mockImplementation(
      async () => ({ windowEnd: hoursBefore(1), externalEnabled: true }) as never,
    );
    const { progress } = await runSync(fakes, { ...input, windowEnd });
    const from = new Date(Date.parse(windowEnd) - HOUR - 10 * 60_000).toISOString();
    expect(progress!.window.from).toBe(from);
    const days = reportDays({ from, to: windowEnd });
    expect(days.length).toBeLessThanOrEqual(3);
    expect(fakes.listEndedMeetings).toHaveBeenCalledTimes(3 * days.length);
  });

  it('a reconcile signal starts the workflow of an Event whose lifecycle had finished, which asks Zoom and writes the outcome', async () => {
    const fakes = fakeActivities();
    fakes.fetchMeetingOutcome.mockImplementation(async () => ({
      state: 'ended',
      instanceUuid: 'inst-1',
      actualStart: '2026-11-30T10:02:00Z',
      actualEnd: '2026-11-30T10:31:00Z',
      durationMinutes: 29,
      attendees: [
        { name: 'Host', minutes: 29, segments: 1 },
        { name: 'Guest', minutes: 20, segments: 1 },
      ],
      participantsComplete: true,
      recording: { summary: '1 file (MP4)' },
    }));
    await harness.withWorker(fakes, async (taskQueue) => {
      const eventId = nextEventId();
      const request: ReconcileRequest = {
        zoomMeetingId: '85123456789',
        status: 'Scheduled',
        startTime: '2026-11-30T10:00:00Z',
        endTime: '2026-11-30T10:30:00Z',
        usesPmi: false,
      };
      const handle = await reconcileStart(taskQueue, eventId, request);
      const state = await handle.result();
      expect(fakes.fetchMeetingOutcome).toHaveBeenCalledWith(expect.objectContaining({ meetingId: '85123456789' }));
      expect(fakes.writeEventFields).toHaveBeenCalledWith(
        expect.objectContaining({
          eventId,
          fields: expect.objectContaining({ Zoom_Status__c: 'Ended', Zoom_Participant_Count__c: 2 }),
        }),
      );
      expect(state).toMatchObject({ phase: 'ended', status: 'Ended', zoomMeetingId: '85123456789' });
      // The meeting's time is over and no plan was applied: nobody is mailed, nothing is created in Zoom.
      expect(fakes.sendLaunchEmail).not.toHaveBeenCalled();
      expect(fakes.createZoomMeeting).not.toHaveBeenCalled();
    });
  });

  /** The activity types a workflow scheduled, in order, each after how many timers the workflow had started. */
  async function stepsOf(handle: { fetchHistory(): Promise<{ events?: unknown[] | null }> }) {
    const steps: { activity: string; timersBefore: number }[] = [];
    let timers = 0;
    for (const event of (await handle.fetchHistory()).events as {
      timerStartedEventAttributes?: unknown;
      activityTaskScheduledEventAttributes?: { activityType?: { name?: string } };
    }[]) {
      if (event.timerStartedEventAttributes) timers += 1;
      const activity = event.activityTaskScheduledEventAttributes?.activityType?.name;
      if (activity) steps.push({ activity, timersBefore: timers });
    }
    return steps;
  }

  /** What a workflow did before its first timer: workflow tasks completed, and local activities run in them. */
  async function costBeforeFirstTimer(handle: { fetchHistory(): Promise<{ events?: unknown[] | null }> }) {
    let workflowTasks = 0;
    let localActivities = 0;
    for (const event of (await handle.fetchHistory()).events as {
      markerRecordedEventAttributes?: { markerName?: string };
      timerStartedEventAttributes?: unknown;
      workflowTaskCompletedEventAttributes?: unknown;
    }[]) {
      if (event.timerStartedEventAttributes) break;
      if (event.workflowTaskCompletedEventAttributes) workflowTasks += 1;
      if (event.markerRecordedEventAttributes?.markerName === 'core_local_activity') localActivities += 1;
    }
    return { workflowTasks, localActivities };
  }

  const overMeeting: MeetingOutcome = {
    state: 'ended',
    instanceUuid: 'inst-2',
    actualStart: '2026-11-30T12:01:00Z',
    actualEnd: '2026-11-30T12:28:00Z',
    durationMinutes: 27,
    attendees: [{ name: 'Host', minutes: 27, segments: 1 }],
    participantsComplete: true,
  };

  /** The hourly sync's hand-off of the Event of that meeting, over since 12:30 that day. */
  const handOverOf = (zoomMeetingId: string, status: ReconcileRequest['status'] = 'Scheduled'): ReconcileRequest => ({
    zoomMeetingId,
    status,
    startTime: '2026-11-30T12:00:00Z',
    endTime: '2026-11-30T12:30:00Z',
    usesPmi: false,
  });

  it('a reconciled Event whose meeting is over is read from Zoom and written in the task that got the signal, with no activity and no webhook route', async () => {
    // The hourly sync after an outage hands thousands of these over: each costs one workflow task (Zoom's read and
    // the Event's write are its local activities), no timer before and no router workflow. A recording still to
    // come is the hourly sync's recording check's to find.
    const fakes = fakeActivities();
    fakes.fetchMeetingOutcome.mockImplementation(async () => overMeeting);
    await harness.withWorker(fakes, async (taskQueue) => {
      const eventId = nextEventId();
      const handle = await reconcileStart(taskQueue, eventId, handOverOf('85123456781'));
      await waitForState(handle, (s) => s.status === 'Ended');
      await waitForCalls(fakes.writeEventFields, 1);
      expect(await stepsOf(handle)).toEqual([]);
      expect(fakes.writeEventFields).toHaveBeenCalledWith(
        expect.objectContaining({ fields: expect.objectContaining({ Zoom_Status__c: 'Ended' }) }),
      );
      expect(await costBeforeFirstTimer(handle)).toEqual({ workflowTasks: 1, localActivities: 2 });
      expect(fakes.registerZoomRoute).not.toHaveBeenCalled();
      // The recording check of a later hourly run still reaches it while it waits for a recording.
      await handle.signal(reconcileSignal, handOverOf('85123456781', 'Ended'));
      await waitForCalls(fakes.fetchMeetingOutcome, 2);
    });
  });

  it('a reconciled Event whose local Zoom read fails is read by the remote activity, with its retries, and still written', async () => {
    // Zoom has not published the past meeting yet (3001), or the read timed out: the local attempt gives way.
    const fakes = fakeActivities();
    fakes.fetchMeetingOutcome
      .mockImplementationOnce(async () => {
        throw ApplicationFailure.retryable('Zoom has not published the past meeting yet', 'ZoomPastDataPending');
      })
      .mockImplementation(async () => overMeeting);
    await harness.withWorker(fakes, async (taskQueue) => {
      const eventId = nextEventId();
      const handle = await reconcileStart(taskQueue, eventId, handOverOf('85123456783'));
      await waitForState(handle, (s) => s.status === 'Ended');
      await waitForCalls(fakes.writeEventFields, 1);
      expect(fakes.fetchMeetingOutcome).toHaveBeenCalledTimes(2);
      expect(await stepsOf(handle)).toEqual([{ activity: 'fetchMeetingOutcome', timersBefore: 0 }]);
      expect(fakes.writeEventFields).toHaveBeenCalledTimes(1);
      expect(fakes.writeEventFields).toHaveBeenCalledWith(
        expect.objectContaining({ eventId, fields: expect.objectContaining({ Zoom_Status__c: 'Ended' }) }),
      );
    });
  });

  it('a reconciled Event whose meeting Zoom still shows live registers its webhook route, so its end reaches it', async () => {
    const fakes = fakeActivities();
    // Live by the workflow's clock (the server's, which earlier tests moved on): begun two hours ago, running late.
    const now = await harness.env.currentTimeMs();
    fakes.fetchMeetingOutcome.mockImplementation(async () => ({
      state: 'live',
      actualStart: new Date(now - 2 * HOUR).toISOString(),
      attendees: [],
      participantsComplete: true,
    }));
    await harness.withWorker(fakes, async (taskQueue) => {
      const eventId = nextEventId();
      await reconcileStart(taskQueue, eventId, {
        zoomMeetingId: '85123456782',
        status: 'Scheduled',
        startTime: new Date(now - 2 * HOUR).toISOString(),
        endTime: new Date(now - HOUR).toISOString(),
        usesPmi: false,
      });
      await waitForCalls(fakes.fetchMeetingOutcome, 1);
      await waitForCalls(fakes.registerZoomRoute, 1);
      expect(fakes.registerZoomRoute).toHaveBeenCalledWith(expect.objectContaining({ meetingId: '85123456782' }));
    });
  });

  it('a reconcile signal makes a running lifecycle that is waiting after the end ask Zoom at once', async () => {
    const fakes = fakeActivities();
    // The workflow's clock is the server's, which earlier tests moved on: an hour past the end by that clock.
    const now = await harness.env.currentTimeMs();
    const overdue: ReconcileRequest = {
      zoomMeetingId: '85123456780',
      status: 'Started',
      startTime: new Date(now - 2 * HOUR).toISOString(),
      endTime: new Date(now - HOUR).toISOString(),
      usesPmi: false,
    };
    await harness.withWorker(fakes, async (taskQueue) => {
      const eventId = nextEventId();
      const handle = await reconcileStart(taskQueue, eventId, overdue);
      await waitForCalls(fakes.fetchMeetingOutcome, 1);
      await handle.signal(reconcileSignal, overdue);
      await waitForCalls(fakes.fetchMeetingOutcome, 2);
      await handle.terminate('test finished');
    });
  });
});
