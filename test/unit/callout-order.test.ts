/**
 * The order of the org's callouts (domain/callout-order.ts) and the Event read again on a tie (readEventSnapshot's
 * snapshot): SystemModstamp has one-second resolution, so a different save at the same stamp is read, not dropped.
 */
import { isNewer, isSameSecondSave, planCalloutBatch } from '../../domain/callout-order';
import type { EventCalloutItem, EventSnapshot } from '../../domain/event-fields';
import { SNAPSHOT_FIELDS } from '../../domain/event-fields';
import { snapshotOf } from '../../activities/meetings';

const event = (overrides: Partial<EventSnapshot> = {}): EventSnapshot => ({
  Id: '00U000000000001AAA',
  Subject: 'Quarterly review',
  StartDateTime: '2026-11-26T18:00:00.000Z',
  EndDateTime: '2026-11-26T18:30:00.000Z',
  SystemModstamp: '2026-11-01T12:00:01.000Z',
  Make_Zoom_Meeting__c: true,
  Zoom_Meeting_Id__c: null,
  ...overrides,
});
const upsert = (e: EventSnapshot): EventCalloutItem => ({ operation: 'upsert', event: e });

describe('isNewer', () => {
  test('a newer stamp wins, an older or equal one does not; at the same stamp a delete wins once', () => {
    const applied = '2026-11-01T12:00:01.000Z';
    expect(isNewer(upsert(event({ SystemModstamp: '2026-11-01T12:00:02.000Z' })), applied, false)).toBe(true);
    expect(isNewer(upsert(event({ SystemModstamp: '2026-11-01T12:00:00.000Z' })), applied, false)).toBe(false);
    expect(isNewer(upsert(event()), applied, false)).toBe(false);
    expect(isNewer({ operation: 'delete', event: event() }, applied, false)).toBe(true);
    expect(isNewer({ operation: 'delete', event: event() }, applied, true)).toBe(false);
    expect(isNewer(upsert(event()), undefined, false)).toBe(true);
  });
});

describe('isSameSecondSave', () => {
  const applied = upsert(event());
  test('a different upsert at the applied stamp is another save in that second', () => {
    expect(isSameSecondSave(upsert(event({ Subject: 'Renamed' })), applied, false)).toBe(true);
  });
  test("the org's repeat of the applied callout is not, whatever its field order", () => {
    const reordered = Object.fromEntries(Object.entries(event()).reverse()) as unknown as EventSnapshot;
    expect(isSameSecondSave(upsert(reordered), applied, false)).toBe(false);
  });
  test('nor the same save with the meeting id the integration wrote since', () => {
    expect(isSameSecondSave(upsert(event({ Zoom_Meeting_Id__c: '81000000001' })), applied, false)).toBe(false);
  });
  test('nor another stamp, a delete, anything after a delete, or anything before the first callout', () => {
    const other = event({ Subject: 'Renamed' });
    expect(isSameSecondSave(upsert({ ...other, SystemModstamp: '2026-11-01T12:00:00.000Z' }), applied, false)).toBe(
      false,
    );
    expect(isSameSecondSave({ operation: 'delete', event: other }, applied, false)).toBe(false);
    expect(isSameSecondSave(upsert(other), applied, true)).toBe(false);
    expect(isSameSecondSave(upsert(other), undefined, false)).toBe(false);
  });
});

describe('snapshotOf (the Event read again)', () => {
  test("the callout's fields only, absent ones null, date-times in the callout's ISO form", () => {
    const record = {
      ...event(),
      StartDateTime: '2026-11-26T18:00:00.000+0000',
      EndDateTime: '2026-11-26T19:30:00.000+0100',
      SystemModstamp: '2026-11-01T12:00:01.000+0000',
      Zoom_Join_URL__c: 'https://zoom.test/j/1',
      attributes: { type: 'Event' },
    };
    const snapshot = snapshotOf(record);
    expect(Object.keys(snapshot)).toEqual([...SNAPSHOT_FIELDS]);
    expect(snapshot).toMatchObject({
      StartDateTime: '2026-11-26T18:00:00.000Z',
      EndDateTime: '2026-11-26T18:30:00.000Z',
      SystemModstamp: '2026-11-01T12:00:01.000Z',
      WhoId: null,
    });
    expect(isSameSecondSave(upsert(snapshot), upsert({ ...event(), WhoId: null }), false)).toBe(false);
  });
});

describe('planCalloutBatch', () => {
  const at = (second: number) => `2026-11-01T12:00:0${second}.000Z`;
  const applied = { modstamp: at(1), lastCallout: upsert(event()), deleted: false };

  test('only the newest of a batch is applied, whatever the arrival order; the rest are dropped', () => {
    const items = [at(3), at(2), at(0)].map((s) => upsert(event({ SystemModstamp: s, Subject: s })));
    expect(planCalloutBatch(items, applied)).toEqual({ newest: items[0], sameSecondSave: false, dropped: 2 });
  });

  test('at the newest stamp a delete wins over an edit, in either order', () => {
    const edit = upsert(event({ SystemModstamp: at(2), Subject: 'Renamed' }));
    const remove: EventCalloutItem = { operation: 'delete', event: event({ SystemModstamp: at(2) }) };
    expect(planCalloutBatch([edit, remove], applied).newest).toBe(remove);
    expect(planCalloutBatch([remove, edit], applied).newest).toBe(remove);
  });

  test('nothing newer: all dropped, and a read of the Event asked for only by another save in the same second', () => {
    expect(planCalloutBatch([upsert(event())], applied)).toEqual({ sameSecondSave: false, dropped: 1 });
    const other = upsert(event({ Subject: 'Renamed' }));
    expect(planCalloutBatch([upsert(event()), other], applied)).toEqual({ sameSecondSave: true, dropped: 2 });
  });
});
