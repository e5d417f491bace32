/**
 * The hourly sync's nudge of Google calendars after "Google Calendar Notifications" was ticked, against the
 * emulated org: which hosts a user's, a profile's or the org's settings record names, which of their Events are
 * nudged (upcoming, Scheduled, the integration's own), and that a finished workflow is skipped. The signals are
 * recorded at the Temporal client's edge.
 */
import { createCalendarCatchUpActivities } from '../../activities/calendar-catch-up';
import { DEMO_CREDENTIALS, DEMO_ORG_ID, DEMO_PROFILES, DEMO_USERS } from '../../emulators/demo-org';
import { createSalesforceEmulator, type SalesforceEmulator } from '../../emulators/salesforce/server';
import { SalesforceClient } from '../../integrations/salesforce/client';
import { meetingWorkflowId } from '../../workflows/messages';

const { clientId, clientSecret } = DEMO_CREDENTIALS.salesforce;
const [ADA, GRACE] = DEMO_USERS;
const HOUR = 3_600_000;

let emulator: SalesforceEmulator;
let salesforce: SalesforceClient;

beforeAll(async () => {
  emulator = createSalesforceEmulator({ clientId, clientSecret });
  const url = await emulator.listen(0);
  salesforce = new SalesforceClient({ loginUrl: url, clientId, clientSecret, apiVersion: '62.0' });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.admin.reset());

/** Signals as the Temporal client would send them; ids in `finished` answer as a closed workflow does. */
function recorder(finished: string[] = []) {
  const signalled: string[] = [];
  const temporal = {
    workflow: {
      getHandle: (workflowId: string) => ({
        signal: async (signal: { name: string }) => {
          if (finished.includes(workflowId)) {
            throw Object.assign(new Error('workflow execution already completed'), { name: 'WorkflowNotFoundError' });
          }
          signalled.push(`${signal.name} ${workflowId}`);
        },
      }),
    },
  };
  return { temporal: temporal as never, signalled };
}

async function zoomEvents(owner: string, overrides: Record<string, unknown>[]): Promise<string[]> {
  const start = Date.now() + 24 * HOUR;
  const results = await salesforce.createRecords(
    'Event',
    overrides.map((o, i) => ({
      OwnerId: owner,
      Subject: `Meeting ${i}`,
      StartDateTime: new Date(start).toISOString(),
      EndDateTime: new Date(start + HOUR / 2).toISOString(),
      Zoom_Meeting_Id__c: String(81_000_000_000 + i),
      Zoom_Status__c: 'Scheduled',
      ...o,
    })),
  );
  return results.map((r) => {
    if (!r.success) throw new Error(JSON.stringify(r));
    return r.id!;
  });
}

const tick = (setupOwnerId: string, ticked = true) =>
  salesforce.createRecords('Zoom_Settings__c', [
    { SetupOwnerId: setupOwnerId, Google_Calendar_Notifications__c: ticked },
  ]);

const window = () => ({ since: new Date(Date.now() - HOUR).toISOString(), asOf: new Date().toISOString() });

describe('calendar catch-up nudge', () => {
  it("a user's own record: that user's upcoming Scheduled Zoom Events, not others', not past or external ones", async () => {
    const [upcoming, finished] = await zoomEvents(ADA.salesforceId, [{}, {}]);
    await zoomEvents(ADA.salesforceId, [
      {
        StartDateTime: new Date(Date.now() - 3 * HOUR).toISOString(),
        EndDateTime: new Date(Date.now() - 2 * HOUR).toISOString(),
      },
      { Zoom_Status__c: 'Ended' },
      { Zoom_Source__c: 'External' },
    ]);
    await zoomEvents(GRACE.salesforceId, [{}]);
    await tick(ADA.salesforceId);
    await tick(GRACE.salesforceId, false);
    const { temporal, signalled } = recorder([meetingWorkflowId(finished)]);
    const result = await createCalendarCatchUpActivities({ salesforce, temporal }).nudgeCalendarsOfTickedSettings(
      window(),
    );
    expect(signalled).toEqual([`calendarCatchUp ${meetingWorkflowId(upcoming)}`]);
    expect(result).toEqual({ nudged: 1 });
  });

  it("a profile's record names its users; the org default names everyone", async () => {
    const ada = await zoomEvents(ADA.salesforceId, [{}]);
    const grace = await zoomEvents(GRACE.salesforceId, [{}]);
    const all = [...ada, ...grace].map((id) => `calendarCatchUp ${meetingWorkflowId(id)}`).sort();

    await tick(DEMO_PROFILES.standardUser.Id);
    const byProfile = recorder();
    await createCalendarCatchUpActivities({ salesforce, temporal: byProfile.temporal }).nudgeCalendarsOfTickedSettings(
      window(),
    );
    expect(byProfile.signalled.sort()).toEqual(all);

    emulator.admin.reset();
    const again = [...(await zoomEvents(ADA.salesforceId, [{}])), ...(await zoomEvents(GRACE.salesforceId, [{}]))];
    await tick(DEMO_ORG_ID);
    const byOrg = recorder();
    await createCalendarCatchUpActivities({ salesforce, temporal: byOrg.temporal }).nudgeCalendarsOfTickedSettings(
      window(),
    );
    expect(byOrg.signalled.sort()).toEqual(again.map((id) => `calendarCatchUp ${meetingWorkflowId(id)}`).sort());
  });

  it('a setting ticked before the window began: nothing is signalled', async () => {
    await zoomEvents(ADA.salesforceId, [{}]);
    await tick(ADA.salesforceId);
    const { temporal, signalled } = recorder();
    const later = { since: new Date(Date.now() + 60_000).toISOString(), asOf: new Date().toISOString() };
    const result = await createCalendarCatchUpActivities({ salesforce, temporal }).nudgeCalendarsOfTickedSettings(
      later,
    );
    expect(result).toEqual({ nudged: 0 });
    expect(signalled).toEqual([]);
  });
});
