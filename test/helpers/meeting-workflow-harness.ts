/**
 * Shared by the workflow test files: a time-skipping Temporal environment with one workflow bundle, fake
 * activities that behave like a healthy Zoom account and org (recording every call), and Event snapshots.
 */
import { isGrpcCancelledError, isGrpcDeadlineError, type WorkflowClient } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkerOptions, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Activities, ScheduledMeeting } from '../../activities';
import type { EventCalloutItem, EventSnapshot } from '../../domain/event-fields';
import type { MeetingPlan } from '../../domain/meeting-plan';
import type { MeetingOutcome } from '../../domain/meeting-outcome';
import type { MeetingRoute } from '../../domain/meeting-routing';
import type { ZoomMeetingEvent } from '../../domain/zoom-webhooks';
import type { LaunchEmailPlan, LaunchEmailResult } from '../../activities/launch-email';
import type { CalendarEventInput, CalendarSyncResult } from '../../activities/google-calendar';
import {
  eventChangedSignal,
  meetingStateQuery,
  meetingWorkflowId,
  zoomWritesTaskQueue,
  type MeetingState,
  type MeetingWorkflowInput,
} from '../../workflows/messages';
import { type meetingWorkflow } from '../../workflows/meeting';
import { createDevServerEnv, createTimeSkippingEnv, TEST_DATA_CONVERTER, uniqueTaskQueue } from './temporal';
import { captureHistoriesIfAsked } from './replay-capture';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
let eventCounter = 0;

export function nextEventId(): string {
  eventCounter += 1;
  return `00U${String(eventCounter).padStart(12, '0')}AAA`;
}

export function stamp(offsetMs: number): string {
  return new Date(Date.UTC(2026, 10, 1, 12, 0, 0) + offsetMs).toISOString();
}

/** A ticked Event starting two hours after `nowMs`, lasting 30 minutes. */
export function snapshot(id: string, nowMs: number, overrides: Partial<EventSnapshot> = {}): EventSnapshot {
  const start = nowMs + 2 * HOUR;
  return {
    Id: id,
    Subject: 'Quarterly review',
    StartDateTime: new Date(start).toISOString(),
    EndDateTime: new Date(start + 30 * MINUTE).toISOString(),
    OwnerId: '005000000000001AAA',
    WhoId: '003000000000001AAA',
    Description: 'Agenda: numbers',
    SystemModstamp: stamp(0),
    Make_Zoom_Meeting__c: true,
    Zoom_Use_PMI__c: false,
    Zoom_Join_Before_Host__c: false,
    Customer_Time_Zone__c: 'America/New_York',
    ...overrides,
  };
}

export function upsert(event: EventSnapshot): EventCalloutItem {
  return { operation: 'upsert', event };
}

/** A Zoom webhook event for `meetingId`, as the API would signal it. */
export function zoomEvent(
  kind: ZoomMeetingEvent['kind'],
  meetingId: string,
  extra: Partial<ZoomMeetingEvent> = {},
): ZoomMeetingEvent {
  const eventTs = extra.eventTs ?? Date.now();
  return { kind, meetingId, eventTs, dedupeKey: `${kind}:${meetingId}:${eventTs}`, ...extra };
}

/** Fake activities that behave like a healthy Zoom account and org, recording every call. */
let instantEvents = 0;

export function fakeActivities(overrides: Partial<Record<keyof Activities, jest.Mock>> = {}) {
  let meetings = 0;
  return {
    findHostEmail: jest.fn(async (_ownerId: string) => 'ada.lovelace@demo-sales.example'),
    createZoomMeeting: jest.fn(
      async (input: {
        eventId: string;
        hostEmail: string;
        plan: MeetingPlan;
        findEarlierFirst?: boolean;
      }): Promise<ScheduledMeeting> => {
        meetings += 1;
        const id = String(81000000000 + meetings);
        return {
          meetingId: id,
          joinUrl: `https://zoom.test/j/${id}`,
          hostZoomUserId: 'zoom-host',
          usesPmi: input.plan.usePmi,
          passcode: 'x7Y2',
        };
      },
    ),
    updateZoomMeeting: jest.fn(async (_input: { meetingId: string; plan: MeetingPlan }) => undefined),
    deleteZoomMeeting: jest.fn(async (_input: { meetingId: string; usesPmi: boolean }) => undefined),
    deleteZoomMeetingCreatedEarlier: jest.fn(async (_input: { eventId: string; hostEmail: string }) => undefined),
    writeEventFields: jest.fn(async (_input: { eventId: string; fields: Record<string, unknown> }) => undefined),
    // The Event as Salesforce holds it now; tests of same-second saves give it the newer save.
    readEventSnapshot: jest.fn(async (_input: { eventId: string }): Promise<EventSnapshot | null> => null),
    writeEventSchedule: jest.fn(
      async (_input: { eventId: string; fields: Record<string, unknown>; timeZone: string | null | undefined }) =>
        undefined,
    ),
    fetchMeetingOutcome: jest.fn(
      async (_input: { meetingId: string; instanceUuid?: string; notBefore?: string }): Promise<MeetingOutcome> => ({
        state: 'not-started',
        attendees: [],
        participantsComplete: true,
      }),
    ),
    // One attendee to mail, so the per-recipient send is called once per launch.
    planLaunchEmail: jest.fn(async (): Promise<LaunchEmailPlan> => ({ recipients: ['1f3a'], invalidAddresses: 0 })),
    sendLaunchEmail: jest.fn(async (): Promise<LaunchEmailResult> => ({ sent: 1, invalidAddresses: 0 })),
    // The Zoom webhook index; tests of routing pass the real activities (test/workflow/zoom-routing.test.ts).
    registerZoomRoute: jest.fn(async (_input: { meetingId: string; route: MeetingRoute }): Promise<void> => undefined),
    unregisterZoomRoute: jest.fn(async (_input: { meetingId: string; workflowId: string }): Promise<void> => undefined),
    // The host's Google calendar: the setting is off unless a test says otherwise (meeting-google-calendar.test.ts).
    syncCalendarEvent: jest.fn(async (_input: CalendarEventInput): Promise<CalendarSyncResult> => ({
      outcome: 'skipped',
      skipped: 'off',
    })),
    cancelCalendarEvent: jest.fn(async (_input: { eventId: string; ownerId: string }) => ({ cancelled: false })),
    noteCalendarOutcome: jest.fn(async (_input: CalendarEventInput) => ({ noted: false })),
    prepareInstantMeeting: jest.fn(async (request: { recordId: string; userId: string; subject?: string }) => ({
      hostEmail: 'ada.lovelace@demo-sales.example',
      plan: {
        ownerId: request.userId,
        topic: request.subject ?? 'Zoom meeting with Marie Curie',
        startTime: new Date().toISOString(),
        durationMinutes: 60,
        agenda: 'Instant meeting',
        usePmi: false,
        joinBeforeHost: true,
      } satisfies MeetingPlan,
    })),
    createInstantEvent: jest.fn(
      async (_input: { recordId: string }) => `00U${String(++instantEvents).padStart(12, '9')}AAA`,
    ),
    ...overrides,
  };
}

export type Fakes = ReturnType<typeof fakeActivities>;

/** How long one state query may take before it is asked again (a healthy one takes milliseconds). */
const QUERY_DEADLINE_MS = 2_000;
/** How long one wait for a continuing workflow's result lasts before the latest run is asked again. */
const CHAIN_WAIT_DEADLINE_MS = 5_000;
/** How long a finished test waits for each of its workflows to settle before terminating it anyway. */
const SETTLE_DEADLINE_MS = 3_000;

/**
 * Whether a workflow's history has nothing outstanding: it closed, or it waits on timers and signals only, with no
 * activity open and no workflow task scheduled since the last one completed.
 */
export function hasSettled(events: temporal.api.history.v1.IHistoryEvent[]): boolean {
  const open = new Set<string>();
  let taskPending = false;
  for (const event of events) {
    const id = String(event.eventId);
    if (event.activityTaskScheduledEventAttributes) open.add(id);
    const closed =
      event.activityTaskCompletedEventAttributes ??
      event.activityTaskFailedEventAttributes ??
      event.activityTaskTimedOutEventAttributes ??
      event.activityTaskCanceledEventAttributes;
    if (closed) open.delete(String(closed.scheduledEventId));
    if (event.workflowTaskScheduledEventAttributes) taskPending = true;
    if (event.workflowTaskCompletedEventAttributes) taskPending = false;
    if (isClosing(event)) return true;
  }
  return open.size === 0 && !taskPending;
}

function isClosing(event: temporal.api.history.v1.IHistoryEvent): boolean {
  return Boolean(
    event.workflowExecutionCompletedEventAttributes ??
    event.workflowExecutionFailedEventAttributes ??
    event.workflowExecutionTerminatedEventAttributes ??
    event.workflowExecutionCanceledEventAttributes ??
    event.workflowExecutionContinuedAsNewEventAttributes ??
    event.workflowExecutionTimedOutEventAttributes,
  );
}

function quietLogger() {
  const noop = () => undefined;
  return { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };
}

/** One time-skipping environment and one bundle per test file; one worker and task queue per test. */
export class MeetingWorkflowHarness {
  /** Workflow ids started through `signalWithStart`, by task queue, so each test ends only its own. */
  private readonly started = new Map<string, Set<string>>();

  private constructor(
    readonly env: TestWorkflowEnvironment,
    private readonly workflowBundle: WorkflowBundleWithSourceMap,
  ) {}

  /**
   * `devServer`: a real Temporal server instead of the time-skipping one, for tests that cancel a running activity
   * (the Java test server refuses that cancellation with ACTIVITY_UNKNOWN).
   */
  static async create(options: { devServer?: boolean } = {}): Promise<MeetingWorkflowHarness> {
    const env = options.devServer ? await createDevServerEnv() : await createTimeSkippingEnv();
    const workflowBundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('../../workflows'),
      logger: quietLogger(),
    });
    return new MeetingWorkflowHarness(env, workflowBundle);
  }

  async newWorker(activities: Fakes, taskQueue: string, options: Partial<WorkerOptions> = {}): Promise<Worker> {
    return Worker.create({
      connection: this.env.nativeConnection,
      taskQueue,
      workflowBundle: this.workflowBundle,
      activities: activities as unknown as Activities,
      dataConverter: TEST_DATA_CONVERTER,
      ...options,
    });
  }

  /** The worker of the meeting workflows' Zoom writes (their own, rate-limited queue in production). */
  async newZoomWritesWorker(activities: Fakes, taskQueue: string): Promise<Worker> {
    return Worker.create({
      connection: this.env.nativeConnection,
      taskQueue: zoomWritesTaskQueue(taskQueue),
      activities: activities as unknown as Activities,
      dataConverter: TEST_DATA_CONVERTER,
    });
  }

  /**
   * Runs a test with its own workers (workflows, Zoom writes) and task queue. Workflows left running are settled and
   * terminated while the workers still run: the time-skipping server cannot skip time while a workflow task waits
   * for a worker that is gone, nor after a workflow is terminated with an activity outstanding (`terminateStarted`).
   */
  async withWorker<T>(activities: Fakes, fn: (taskQueue: string) => Promise<T>): Promise<T> {
    const taskQueue = uniqueTaskQueue('meeting-wf');
    const worker = await this.newWorker(activities, taskQueue);
    const zoomWrites = await this.newZoomWritesWorker(activities, taskQueue);
    const test = async () => {
      try {
        return await fn(taskQueue);
      } finally {
        await this.terminateStarted(taskQueue);
      }
    };
    return worker.runUntil(zoomWrites.runUntil(test()));
  }

  /**
   * Terminates the workflows a test started on its task queue (a test that timed out never ends another's), each
   * once it has settled, or after a short deadline. The Java time-skipping server locks time for every scheduled
   * activity until it closes, and terminating the workflow never releases that lock (sdk-java
   * `TestWorkflowMutableStateImpl`: `processScheduleActivityTask` locks, `terminateWorkflowExecution` does not
   * unlock), so one test ending during an activity would freeze time for every later test in the file.
   */
  async terminateStarted(taskQueue: string): Promise<void> {
    for (const workflowId of this.started.get(taskQueue) ?? []) {
      const handle = this.env.client.workflow.getHandle(workflowId);
      for (const deadline = Date.now() + SETTLE_DEADLINE_MS; Date.now() < deadline;) {
        const history = await handle.fetchHistory().catch(() => undefined);
        if (!history || hasSettled(history.events ?? [])) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await handle.terminate('test finished').catch(() => undefined);
    }
    this.started.delete(taskQueue);
  }

  /** Starts (or signals) the Event's workflow; `input` adds to the input, e.g. a test's continue-as-new threshold. */
  async signalWithStart(taskQueue: string, item: EventCalloutItem, input: Partial<MeetingWorkflowInput> = {}) {
    const ids = this.started.get(taskQueue) ?? new Set<string>();
    this.started.set(taskQueue, ids.add(meetingWorkflowId(item.event.Id)));
    return this.env.client.workflow.signalWithStart<typeof meetingWorkflow, [EventCalloutItem]>('meetingWorkflow', {
      workflowId: meetingWorkflowId(item.event.Id),
      taskQueue,
      args: [{ ...input, eventId: item.event.Id }],
      signal: eventChangedSignal,
      signalArgs: [item],
    });
  }

  /**
   * The result of a workflow that continues as new, asked of its latest run, again whenever the wait passes a
   * deadline: on the Java time-skipping server a run that continues while a task is retried can stay open in its own
   * history (its continue-as-new is not atomic, temporalio/sdk-java#1537), so a wait that follows the chain from
   * that run never ends, while the chain's latest run completes. Each wait unlocks time skipping as `result()` does.
   */
  async resultOfLatestRun(workflowId: string): Promise<MeetingState> {
    for (;;) {
      try {
        return await this.env.client.workflow.withDeadline(Date.now() + CHAIN_WAIT_DEADLINE_MS, () =>
          this.env.client.workflow.getHandle<typeof meetingWorkflow>(workflowId).result(),
        );
      } catch (err) {
        if (!isGrpcDeadlineError(err)) throw err;
      }
    }
  }

  /** How many runs the workflow's chain has had, counted back from its latest run (see `resultOfLatestRun`). */
  async runCount(workflowId: string): Promise<number> {
    let runs = 0;
    for (
      let runId: string | undefined = (await this.env.client.workflow.getHandle(workflowId).describe()).runId;
      runId;
      runs += 1
    ) {
      const history = await this.env.client.workflow.getHandle(workflowId, runId).fetchHistory();
      runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
    }
    return runs;
  }

  async teardown(): Promise<void> {
    await captureHistoriesIfAsked(this.env.client);
    await this.env.teardown();
  }
}

/**
 * Polls the workflow's state until `predicate` holds (queries do not skip time, so this is real time). Each query
 * has its own deadline and is asked again when it passes: the Java time-skipping server's continue-as-new is not
 * atomic (temporalio/sdk-java#1537), and a query that reaches a run in the middle of continuing is never answered.
 */
export async function waitForState(
  handle: { query: (q: typeof meetingStateQuery) => Promise<MeetingState>; client: WorkflowClient },
  predicate: (s: MeetingState) => boolean,
): Promise<MeetingState> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const state = await queryState(handle);
    if (state && predicate(state)) return state;
    if (Date.now() > deadline) throw new Error(`State never matched: ${JSON.stringify(state)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function queryState(handle: Parameters<typeof waitForState>[0]): Promise<MeetingState | undefined> {
  try {
    return await handle.client.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(meetingStateQuery));
  } catch (err) {
    // A query that reaches the run as it closes is cancelled by the server: ask the next run.
    if (isGrpcDeadlineError(err) || isGrpcCancelledError(err)) return undefined;
    throw err;
  }
}

/** Waits (real time) until a fake activity has been called `times` times: state can change before the call. */
export async function waitForCalls(fn: jest.Mock, times = 1): Promise<void> {
  await waitUntil(
    () => fn.mock.calls.length >= times,
    () => `Expected ${times} call(s), saw ${fn.mock.calls.length}`,
  );
}

/** The fields of every write sent to the Event, in order. */
export function writesOf(acts: Fakes): Record<string, unknown>[] {
  return acts.writeEventFields.mock.calls.map(([input]) => input.fields);
}

/** The statuses written to the Event, in order (writes that set none left out). */
export function statusesWritten(acts: Fakes): unknown[] {
  return writesOf(acts)
    .map((fields) => fields.Zoom_Status__c)
    .filter((status) => status !== undefined);
}

/** Waits (real time) until the Event has been sent a write of `status`: the state shows a step before its write. */
export async function waitForStatusWrite(acts: Fakes, status: string): Promise<void> {
  await waitUntil(
    () => statusesWritten(acts).includes(status),
    () => `No ${status} write; statuses written: ${JSON.stringify(statusesWritten(acts))}`,
  );
}

/**
 * Waits (real time) until `done` holds. The workflow's state shows a step before the activity that carries it out
 * has been called (an end is recorded, then written), so a test of the calls waits for them, not for the state.
 */
export async function waitUntil(done: () => boolean | Promise<boolean>, failure: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(failure());
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The test file's harness: created before its tests and torn down after them (one Temporal environment and one
 * workflow bundle per file). The returned value forwards to it, so tests use it as the harness itself.
 */
export function useMeetingWorkflowHarness(options: { devServer?: boolean } = {}): MeetingWorkflowHarness {
  let harness: MeetingWorkflowHarness | undefined;
  beforeAll(async () => {
    harness = await MeetingWorkflowHarness.create(options);
  });
  afterAll(async () => {
    await harness?.teardown();
  });
  return new Proxy({} as MeetingWorkflowHarness, {
    get(_target, key) {
      if (!harness) throw new Error('The harness exists once the file runs its tests (beforeAll)');
      const value: unknown = Reflect.get(harness, key, harness);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(harness) : value;
    },
  });
}
