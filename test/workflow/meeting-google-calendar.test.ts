/**
 * The host's Google calendar kept in step by the meeting workflow (issue 14), on the Java time-skipping server: the
 * calendar activities are the production ones, talking to the Google Calendar emulator through the real client
 * library; Zoom and the Event writes are the harness's fakes, Salesforce's reads a small fake of the org.
 */
import { createCalendarSyncActivities } from '../../activities/google-calendar';
import { DEMO_USERS } from '../../emulators/demo-org';
import { googleErrorBody } from '../../emulators/google/errors';
import { createGoogleEmulator, type GoogleEmulator } from '../../emulators/google/server';
import { calendarEventId } from '../../domain/google-calendar-event';
import type { MeetingOutcome } from '../../domain/meeting-outcome';
import { GoogleCalendarClient } from '../../integrations/google/calendar-client';
import type { MeetingPeople, SalesforceUser, ZoomSettings } from '../../integrations/salesforce/client';
import { calendarCatchUpSignal, eventChangedSignal, zoomEventSignal } from '../../workflows/messages';
import {
  fakeActivities,
  MeetingWorkflowHarness,
  nextEventId,
  snapshot,
  stamp,
  upsert,
  waitForCalls,
  waitForState,
  zoomEvent,
  HOUR,
} from '../helpers/meeting-workflow-harness';

const [ada, , alan] = DEMO_USERS;
const CALENDAR_EVENTS = '/calendar/v3/calendars/primary/events';

let harness: MeetingWorkflowHarness;
let google: GoogleEmulator;
let googleUrl: string;

beforeAll(async () => {
  harness = await MeetingWorkflowHarness.create();
  // A domain where Google keeps Zoom's conference entry (reported by some, test/unit/google-calendar-activities has
  // the refusal and its fallback): these tests check the entry point the workflow gives it.
  google = createGoogleEmulator({ acceptAddOnConferences: true });
  googleUrl = await google.listen(0);
});
afterAll(async () => {
  await harness?.teardown();
  await google?.close();
});
beforeEach(() => google.admin.reset());

/** The org as the calendar activities read it: the host's setting, the Event's people, the host's record. */
function org(options: { calendarOn: boolean; host?: (typeof DEMO_USERS)[number] }) {
  const host = options.host ?? ada;
  return {
    getZoomSettings: async (): Promise<ZoomSettings> => ({
      sendEmailOnLaunch: false,
      usePmiByDefault: false,
      joinBeforeHostByDefault: false,
      googleCalendarNotifications: options.calendarOn,
    }),
    getMeetingPeople: async (): Promise<MeetingPeople> => ({
      who: { name: 'Marie Curie', email: 'marie.curie@acme.example' },
      owner: { name: `${host.firstName} ${host.lastName}`, email: host.email, timeZone: host.timeZone },
      invitees: [{ name: 'Grace Hopper', email: DEMO_USERS[1].email }],
      additionalEmails: 'niels.bohr@acme.example; not-an-address',
      customerTimeZone: 'America/New_York',
    }),
    getUser: async (id: string) =>
      ({
        Id: id,
        Email: host.email,
        Name: host.firstName,
        TimeZoneSidKey: host.timeZone,
        IsActive: true,
      }) as SalesforceUser,
  };
}

/** The harness's fakes with the production calendar activities (each a jest.fn around the real one). */
function activitiesWith(options: { calendarOn: boolean; host?: (typeof DEMO_USERS)[number] }) {
  const key = google.serviceAccountKey;
  const calendar = createCalendarSyncActivities({
    salesforce: org(options),
    googleCalendar: new GoogleCalendarClient({
      serviceAccount: { clientEmail: key.client_email, privateKey: key.private_key },
      apiBaseUrl: `${googleUrl}/`,
      tokenUrl: `${googleUrl}/token`,
    }),
    settingsTtlMs: 0,
  });
  return fakeActivities({
    syncCalendarEvent: jest.fn(calendar.syncCalendarEvent),
    cancelCalendarEvent: jest.fn(calendar.cancelCalendarEvent),
    noteCalendarOutcome: jest.fn(calendar.noteCalendarOutcome),
  });
}

/** The Calendar API calls the emulator answered (token requests aside). */
function calendarCalls(): string[] {
  return google.admin.requests.filter((r) => r.path.startsWith('/calendar/')).map((r) => `${r.method} ${r.status}`);
}

function eventsOf(email: string) {
  return google.store.eventsOf(email)!;
}

describe('Google Calendar in the meeting workflow', () => {
  test('setting off: no call to Google, however the meeting changes', async () => {
    const acts = activitiesWith({ calendarOn: false });
    await harness.withWorker(acts, async (taskQueue) => {
      const now = await harness.env.currentTimeMs();
      const id = nextEventId();
      const handle = await harness.signalWithStart(taskQueue, upsert(snapshot(id, now)));
      await waitForState(handle, (s) => s.calendar?.tried !== undefined);
      await handle.signal(eventChangedSignal, {
        operation: 'delete',
        event: snapshot(id, now, { SystemModstamp: stamp(1000) }),
      });
      await waitForState(handle, (s) => s.phase === 'cancelled');
      expect(acts.syncCalendarEvent).toHaveBeenCalledTimes(1);
      expect(acts.cancelCalendarEvent).not.toHaveBeenCalled();
      expect(google.admin.requests).toEqual([]);
    });
  });

  test('setting on: the event is made after the join URL reaches the Event, moved on reschedule, cancelled on delete', async () => {
    const acts = activitiesWith({ calendarOn: true });
    await harness.withWorker(acts, async (taskQueue) => {
      const now = await harness.env.currentTimeMs();
      const id = nextEventId();
      const handle = await harness.signalWithStart(taskQueue, upsert(snapshot(id, now)));
      const scheduled = await waitForState(handle, (s) => s.calendar?.synced !== undefined);

      const joinUrlWrite = acts.writeEventFields.mock.calls.findIndex(([c]) => 'Zoom_Join_URL__c' in c.fields);
      expect(acts.writeEventFields.mock.invocationCallOrder[joinUrlWrite]).toBeLessThan(
        acts.syncCalendarEvent.mock.invocationCallOrder[0],
      );
      const [made] = eventsOf(ada.email);
      expect(made).toMatchObject({
        id: calendarEventId(id),
        status: 'confirmed',
        summary: 'Quarterly review',
        location: scheduled.joinUrl,
        start: { timeZone: 'America/New_York' },
        conferenceData: { entryPoints: [{ entryPointType: 'video', uri: scheduled.joinUrl, passcode: 'x7Y2' }] },
      });
      expect(made.description).toContain('Passcode: x7Y2');
      expect(Date.parse(made.start.dateTime!)).toBe(now + 2 * HOUR);
      // The contact, the invitee and the valid additional address; the host is the organizer, not a guest.
      expect(made.attendees!.map((a) => a.email)).toEqual([
        'marie.curie@acme.example',
        DEMO_USERS[1].email,
        'niels.bohr@acme.example',
      ]);

      const later = new Date(now + 3 * HOUR).toISOString();
      await handle.signal(
        eventChangedSignal,
        upsert(
          snapshot(id, now, {
            StartDateTime: later,
            EndDateTime: new Date(now + 3.5 * HOUR).toISOString(),
            SystemModstamp: stamp(1000),
          }),
        ),
      );
      await waitForState(handle, (s) => s.startTime === later && s.calendar?.synced !== scheduled.calendar!.synced);
      expect(Date.parse(eventsOf(ada.email)[0].start.dateTime!)).toBe(now + 3 * HOUR);

      await handle.signal(eventChangedSignal, {
        operation: 'delete',
        event: snapshot(id, now, { SystemModstamp: stamp(2000) }),
      });
      await waitForState(handle, (s) => s.phase === 'cancelled' && s.calendar?.ownerId === undefined);
      expect(eventsOf(ada.email)).toEqual([expect.objectContaining({ id: calendarEventId(id), status: 'cancelled' })]);
      expect(calendarCalls()).toEqual(['POST 200', 'PATCH 200', 'DELETE 204']);
      expect(google.store.notifications.map((n) => n.kind)).toEqual(['invitation', 'update', 'cancellation']);
    });
  });

  test('the host turns the setting on after the Event was scheduled: the catch-up signal puts it on the calendar', async () => {
    const setting = { calendarOn: false };
    const acts = activitiesWith(setting);
    await harness.withWorker(acts, async (taskQueue) => {
      const now = await harness.env.currentTimeMs();
      const id = nextEventId();
      const handle = await harness.signalWithStart(taskQueue, upsert(snapshot(id, now)));
      const skipped = await waitForState(handle, (s) => s.calendar?.tried !== undefined);
      expect(skipped.calendar?.synced).toBeUndefined();

      setting.calendarOn = true;
      await handle.signal(calendarCatchUpSignal);
      await waitForState(handle, (s) => s.calendar?.synced !== undefined);
      expect(eventsOf(ada.email)).toEqual([expect.objectContaining({ id: calendarEventId(id), status: 'confirmed' })]);
      // The setting is read from Salesforce, not the worker's copy of a minute ago (which says off).
      expect(acts.syncCalendarEvent.mock.calls[1][0]).toMatchObject({ freshSettings: true });

      // A nudge when the calendar is in step writes nothing; the reschedule after it is the only further write.
      await handle.signal(calendarCatchUpSignal);
      const later = new Date(now + 3 * HOUR).toISOString();
      await handle.signal(
        eventChangedSignal,
        upsert(
          snapshot(id, now, {
            StartDateTime: later,
            EndDateTime: new Date(now + 4 * HOUR).toISOString(),
            SystemModstamp: stamp(1000),
          }),
        ),
      );
      await waitForState(handle, (s) => s.startTime === later && s.calendar?.tried === s.calendar?.synced);
      await waitForCalls(acts.syncCalendarEvent, 3);
      expect(calendarCalls()).toEqual(['POST 200', 'PATCH 200']);
      expect(google.store.notifications.map((n) => n.kind)).toEqual(['invitation', 'update']);
    });
  });

  test('an edit made in the Zoom portal moves and renames the calendar event too', async () => {
    const acts = activitiesWith({ calendarOn: true });
    await harness.withWorker(acts, async (taskQueue) => {
      const now = await harness.env.currentTimeMs();
      const id = nextEventId();
      const handle = await harness.signalWithStart(taskQueue, upsert(snapshot(id, now)));
      const scheduled = await waitForState(handle, (s) => s.calendar?.synced !== undefined);
      const newStart = new Date(now + 5 * HOUR).toISOString();
      await handle.signal(
        zoomEventSignal,
        zoomEvent('updated', scheduled.zoomMeetingId!, {
          eventTs: now + 60_000,
          changes: { topic: 'Renamed in Zoom', startTime: newStart, duration: 50 },
        }),
      );
      await waitForState(handle, (s) => s.startTime === newStart && s.calendar?.synced !== scheduled.calendar!.synced);
      const [moved] = eventsOf(ada.email);
      expect(moved).toMatchObject({ id: calendarEventId(id), summary: 'Renamed in Zoom' });
      expect(Date.parse(moved.start.dateTime!)).toBe(now + 5 * HOUR);
      expect(Date.parse(moved.end.dateTime!)).toBe(now + 5 * HOUR + 50 * 60_000);
      expect(calendarCalls()).toEqual(['POST 200', 'PATCH 200']);
    });
  });

  test('after the meeting the outcome is added to the description, notifying no one', async () => {
    const outcome: MeetingOutcome = {
      state: 'ended',
      instanceUuid: 'uuid-1',
      actualStart: new Date(0).toISOString(),
      actualEnd: new Date(28 * 60_000).toISOString(),
      durationMinutes: 28,
      attendees: [],
      participantsComplete: true,
      recording: { shareUrl: 'https://zoom.test/rec/share/abc', summary: 'MP4' },
    };
    const acts = activitiesWith({ calendarOn: true });
    acts.fetchMeetingOutcome.mockResolvedValue(outcome);
    await harness.withWorker(acts, async (taskQueue) => {
      const now = await harness.env.currentTimeMs();
      const handle = await harness.signalWithStart(taskQueue, upsert(snapshot(nextEventId(), now)));
      const scheduled = await waitForState(handle, (s) => s.calendar?.synced !== undefined);
      await handle.signal(zoomEventSignal, zoomEvent('ended', scheduled.zoomMeetingId!, { meetingUuid: 'uuid-1' }));
      await waitForState(handle, (s) => s.calendar?.noted !== undefined);
      await waitForCalls(acts.noteCalendarOutcome);
      const [noted] = eventsOf(ada.email);
      expect(noted.description).toContain('Outcome: held, 28 minutes, 0 participants.');
      expect(noted.description).toContain('Recording: https://zoom.test/rec/share/abc');
      expect(google.store.notifications.map((n) => n.kind)).toEqual(['invitation']);
    });
  });

  test('a meeting nobody started: the description says it was not held, notifying no one', async () => {
    const acts = activitiesWith({ calendarOn: true });
    await harness.withWorker(acts, async (taskQueue) => {
      const now = await harness.env.currentTimeMs();
      const handle = await harness.signalWithStart(taskQueue, upsert(snapshot(nextEventId(), now)));
      // Nobody starts it: Zoom's answers after the end say not started, until the workflow gives up and finishes.
      const result = await handle.result();
      expect(result.phase).toBe('not-started');
      expect(acts.noteCalendarOutcome).toHaveBeenCalledTimes(1);
      expect(acts.noteCalendarOutcome.mock.calls[0][0]).toMatchObject({ outcome: { held: false } });
      const [noted] = eventsOf(ada.email);
      expect(noted.status).toBe('confirmed');
      expect(noted.description).toContain('Outcome: the meeting was not held.');
      expect(noted.description).not.toContain('Outcome: held');
      expect(calendarCalls()).toEqual(['POST 200', 'PATCH 200']);
      expect(google.store.notifications.map((n) => n.kind)).toEqual(['invitation']);
    });
  });

  test('an insert whose answer was lost is retried into the same event (409, then patch), never a second', async () => {
    await google.admin.addFault({ method: 'POST', path: `${CALENDAR_EVENTS}$`, status: 503, when: 'after' });
    const acts = activitiesWith({ calendarOn: true });
    await harness.withWorker(acts, async (taskQueue) => {
      const now = await harness.env.currentTimeMs();
      const id = nextEventId();
      const handle = await harness.signalWithStart(taskQueue, upsert(snapshot(id, now)));
      await waitForState(handle, (s) => s.calendar?.synced !== undefined);
      expect(calendarCalls()).toEqual(['POST 503', 'POST 409', 'PATCH 200']);
      expect(eventsOf(ada.email)).toEqual([expect.objectContaining({ id: calendarEventId(id), status: 'confirmed' })]);
    });
  });

  test("Google's 403 rateLimitExceeded is retried with backoff until the event is made", async () => {
    google.admin.addFault({
      method: 'POST',
      path: `${CALENDAR_EVENTS}$`,
      status: 403,
      times: 3,
      body: googleErrorBody(403, 'usageLimits', 'rateLimitExceeded', 'Rate Limit Exceeded'),
    });
    const acts = activitiesWith({ calendarOn: true });
    await harness.withWorker(acts, async (taskQueue) => {
      const now = await harness.env.currentTimeMs();
      const handle = await harness.signalWithStart(taskQueue, upsert(snapshot(nextEventId(), now)));
      const state = await waitForState(handle, (s) => s.calendar?.synced !== undefined);
      expect(calendarCalls()).toEqual(['POST 403', 'POST 403', 'POST 403', 'POST 200']);
      const posts = google.admin.requests.filter((r) => r.method === 'POST' && r.path === CALENDAR_EVENTS);
      // Backoff: each wait longer than the one before (Temporal's retry policy, 2 s doubling).
      const gaps = posts.slice(1).map((r, i) => r.startedAt - posts[i].startedAt);
      expect(gaps[2]).toBeGreaterThan(gaps[0]);
      expect(state.calendar?.warning).toBeUndefined();
      expect(acts.writeEventFields.mock.calls.some(([c]) => 'Zoom_Calendar_Sync_Error__c' in c.fields)).toBe(false);
    });
  });

  test('a host without a Google account: a warning on the Event, the meeting goes on, no retries', async () => {
    const acts = activitiesWith({ calendarOn: true, host: alan });
    await harness.withWorker(acts, async (taskQueue) => {
      const now = await harness.env.currentTimeMs();
      const id = nextEventId();
      const handle = await harness.signalWithStart(
        taskQueue,
        upsert(snapshot(id, now, { OwnerId: alan.salesforceId })),
      );
      const state = await waitForState(handle, (s) => s.calendar?.warning !== undefined);
      expect(state.phase).toBe('scheduled');
      expect(state.calendar!.warning).toMatch(/no Google Workspace account/);
      expect(acts.writeEventFields).toHaveBeenLastCalledWith({
        eventId: id,
        fields: { Zoom_Calendar_Sync_Error__c: state.calendar!.warning },
      });
      expect(acts.syncCalendarEvent).toHaveBeenCalledTimes(1);
      expect(google.admin.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['POST /token 400']);
      expect(state.calendar!.warning).not.toContain('@');
    });
  });
});
