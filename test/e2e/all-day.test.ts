/**
 * End to end on a Temporal dev server: an all-day Event with "Make it a Zoom Meeting" ticked. Salesforce stores
 * it at midnight UTC of its first and last day, which is no meeting time; the rep must see why on the Event,
 * and Zoom must not get a meeting at 00:00 UTC.
 */
import { type Connection } from 'jsforce';
import { DEMO_USERS } from '../../emulators/demo-org';
import { startTestStack, waitForEvent, type TestStack } from '../helpers/stack';

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

function zoomCreates(): number {
  return stack.zoom.admin.requests.filter((r) => r.method === 'POST' && /\/v2\/users\/[^/]+\/meetings$/.test(r.path))
    .length;
}

test.each([
  ['one day', '2026-12-01', undefined],
  ['two days', '2026-12-01', '2026-12-02T00:00:00.000Z'],
])(
  'an all-day Event (%s) with the box ticked gets Error and a readable reason, and no meeting',
  async (_n, day, end) => {
    const before = zoomCreates();
    const saved = await sf.sobject('Event').create({
      Subject: 'Offsite',
      IsAllDayEvent: true,
      ActivityDate: day,
      ...(end ? { EndDateTime: end } : {}),
      OwnerId: ADA.salesforceId,
      Make_Zoom_Meeting__c: true,
    });
    const id = (saved as { id: string }).id;
    const event = await waitForEvent(
      sf,
      id,
      ['Zoom_Status__c', 'Zoom_Sync_Error__c', 'Zoom_Join_URL__c'],
      (e) => e.Zoom_Status__c === 'Error',
      'the Error on the all-day Event',
    );
    expect(event.Zoom_Sync_Error__c).toMatch(/all-day/i);
    expect(event.Zoom_Join_URL__c).toBeNull();
    expect(zoomCreates()).toBe(before);
  },
);
