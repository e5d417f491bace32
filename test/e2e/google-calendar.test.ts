/**
 * End to end on a Temporal dev server with the Zoom, Salesforce and Google Calendar emulators: a host with "Google
 * Calendar Notifications" on saves a Zoom Event; the meeting appears on their Google calendar, moves with the Event
 * and is cancelled with it. A host without a Google account gets the warning on the Event, and the meeting.
 */
import { type Connection } from 'jsforce';
import { DEMO_USERS } from '../../emulators/demo-org';
import { calendarEventId } from '../../domain/google-calendar-event';
import { hourlySyncInput } from '../../workers/hourly-sync-schedule';
import { meetingStateQuery, meetingWorkflowId, type HourlySyncProgress } from '../../workflows/messages';
import { eventually, startTestStack, waitForEvent, type TestStack } from '../helpers/stack';

let stack: TestStack;
let sf: Connection;

const [ADA, GRACE, ALAN] = DEMO_USERS;
const HOUR = 3_600_000;
const MINUTE = 60_000;

beforeAll(async () => {
  stack = await startTestStack();
  sf = await stack.sfUser();
  // Each host's own setting (the user level of the hierarchy setting), as the Zoom Settings tab saves it.
  for (const host of [ADA, ALAN]) {
    await sf
      .sobject('Zoom_Settings__c')
      .create({ SetupOwnerId: host.salesforceId, Google_Calendar_Notifications__c: true });
  }
});

afterAll(async () => {
  await stack?.stop();
});

function startIn(ms: number): number {
  return Math.floor((Date.now() + ms) / MINUTE) * MINUTE;
}

async function createEvent(owner: (typeof DEMO_USERS)[number], start: number): Promise<string> {
  const result = await sf.sobject('Event').create({
    Subject: 'Pilot review with Acme',
    StartDateTime: new Date(start).toISOString(),
    EndDateTime: new Date(start + 30 * MINUTE).toISOString(),
    OwnerId: owner.salesforceId,
    WhoId: '003000000000001AAA',
    Make_Zoom_Meeting__c: true,
    Customer_Time_Zone__c: 'America/Chicago',
    Zoom_Additional_Emails__c: 'niels.bohr@acme.example',
  });
  if (!result.success) throw new Error(JSON.stringify(result));
  return result.id;
}

function calendarEvent(
  email: string,
  eventId: string,
  predicate: (e: Record<string, unknown>) => boolean,
  what: string,
) {
  return eventually(
    async () => {
      const found = stack.google.store.eventsOf(email)?.find((e) => e.id === calendarEventId(eventId));
      return found && predicate(found as unknown as Record<string, unknown>) ? found : undefined;
    },
    30_000,
    what,
  );
}

describe('Google Calendar end to end', () => {
  test('the calendar event appears with the join link, moves with the Event and is cancelled with it', async () => {
    const start = startIn(24 * HOUR);
    const id = await createEvent(ADA, start);
    const scheduled = await waitForEvent<{ Zoom_Join_URL__c: string | null }>(
      sf,
      id,
      ['Zoom_Join_URL__c'],
      (e) => Boolean(e.Zoom_Join_URL__c),
      'the join URL',
    );
    const made = await calendarEvent(ADA.email, id, (e) => e.status === 'confirmed', 'the calendar event');
    expect(made).toMatchObject({ summary: 'Pilot review with Acme', location: scheduled.Zoom_Join_URL__c });
    expect(made.start).toEqual({ dateTime: expect.stringMatching(/-06:00$/), timeZone: 'America/Chicago' });
    expect(Date.parse(made.start.dateTime!)).toBe(start);
    expect(made.attendees!.map((a) => a.email)).toEqual(['marie.curie@acme.example', 'niels.bohr@acme.example']);

    const moved = start + 2 * HOUR;
    await sf.sobject('Event').update({
      Id: id,
      StartDateTime: new Date(moved).toISOString(),
      EndDateTime: new Date(moved + 30 * MINUTE).toISOString(),
    });
    await calendarEvent(
      ADA.email,
      id,
      (e) => Date.parse((e.start as { dateTime: string }).dateTime) === moved,
      'the move',
    );

    await sf.sobject('Event').destroy(id);
    await calendarEvent(ADA.email, id, (e) => e.status === 'cancelled', 'the cancellation');
    expect(stack.google.store.eventsOf(ADA.email)!.filter((e) => e.id === calendarEventId(id))).toHaveLength(1);
    const sent = stack.google.store.notifications.filter((n) => n.eventId === calendarEventId(id)).map((n) => n.kind);
    expect(sent).toEqual(['invitation', 'update', 'cancellation']);
  });

  test('a host without a Google account: the meeting is made and the Event says why the calendar is not', async () => {
    const id = await createEvent(ALAN, startIn(26 * HOUR));
    const event = await waitForEvent<{ Zoom_Status__c: string; Zoom_Calendar_Sync_Error__c: string | null }>(
      sf,
      id,
      ['Zoom_Status__c', 'Zoom_Calendar_Sync_Error__c'],
      (e) => Boolean(e.Zoom_Calendar_Sync_Error__c),
      'the calendar warning',
    );
    expect(event.Zoom_Status__c).toBe('Scheduled');
    expect(event.Zoom_Calendar_Sync_Error__c).toMatch(/no Google Workspace account/);
  });

  test('a host who ticks the setting after the Event was scheduled: the hourly sync puts it on their calendar', async () => {
    const id = await createEvent(GRACE, startIn(28 * HOUR));
    await waitForEvent(sf, id, ['Zoom_Join_URL__c'], (e) => Boolean(e.Zoom_Join_URL__c), 'the join URL');
    // The workflow tried the calendar with Grace's setting off: nothing there.
    const workflow = stack.env.client.workflow.getHandle(meetingWorkflowId(id));
    await eventually(
      async () => ((await workflow.query(meetingStateQuery)).calendar?.tried ? true : undefined),
      30_000,
      'the calendar tried',
    );
    expect(stack.google.store.eventsOf(GRACE.email)?.find((e) => e.id === calendarEventId(id))).toBeUndefined();

    await sf
      .sobject('Zoom_Settings__c')
      .create({ SetupOwnerId: GRACE.salesforceId, Google_Calendar_Notifications__c: true });
    (await stack.env.client.workflow.execute('hourlySyncWorkflow', {
      taskQueue: stack.taskQueue,
      workflowId: `zoom-hourly-sync-calendar-e2e`,
      args: [
        hourlySyncInput({
          intervalMs: HOUR,
          overlapMs: 10 * MINUTE,
          lookbackMs: 2 * 24 * HOUR,
          hostConcurrency: 2,
          zoomPlan: 'business',
          createSchedule: false,
        }),
      ],
    })) as Promise<HourlySyncProgress>;
    const made = await calendarEvent(GRACE.email, id, (e) => e.status === 'confirmed', 'the calendar event');
    expect(made.summary).toBe('Pilot review with Acme');
    const sent = stack.google.store.notifications.filter((n) => n.eventId === calendarEventId(id)).map((n) => n.kind);
    expect(sent).toEqual(['invitation']);
  });
});
