/**
 * The hourly sync's hand-off of stale Events to their meeting workflows: each hand-off makes that workflow read
 * Zoom at once (three Light and two Medium calls), so the pages are sized and the signals paced by the plan.
 */
import axios from 'axios';
import { createHourlySyncActivities, reconcilePageSize } from '../../activities/hourly-sync';
import { reconcilesPerSecond, ZOOM_PLAN_RATES, ZOOM_RATE_SHARE, type ZoomPlan } from '../../common/zoom-plan';
import { DEMO_CREDENTIALS, DEMO_USERS } from '../../emulators/demo-org';
import { createSalesforceEmulator } from '../../emulators/salesforce/server';
import { SalesforceClient } from '../../integrations/salesforce/client';

function staleEvents(count: number, fields: Record<string, unknown> = {}) {
  return Array.from({ length: count }, (_, i) => ({
    Id: `00U${String(i).padStart(12, '0')}AAA`,
    Zoom_Meeting_Id__c: String(81_000_000_000 + i),
    Zoom_Status__c: 'Scheduled',
    StartDateTime: '2026-11-30T09:00:00.000+0000',
    EndDateTime: '2026-11-30T09:30:00.000+0000',
    Zoom_Use_PMI__c: false,
    Zoom_Participant_Count__c: null,
    ...fields,
  }));
}

function handOff(plan: ZoomPlan, stale: number, fields: Record<string, unknown> = {}) {
  const soql: string[] = [];
  const signalledAt: number[] = [];
  const activities = createHourlySyncActivities({
    zoom: {} as never,
    salesforce: {
      query: jest.fn(async (query: string) => {
        soql.push(query);
        const limit = Number(/LIMIT (\d+)$/.exec(query)![1]);
        return { records: staleEvents(stale, fields).slice(0, limit), totalSize: Math.min(stale, limit), done: true };
      }),
    } as never,
    temporal: {
      workflow: {
        signalWithStart: jest.fn(async () => {
          signalledAt.push(performance.now());
        }),
      },
    } as never,
    taskQueue: 'meetings',
    zoomPlan: plan,
  });
  return { activities, soql, signalledAt };
}

describe('reconciliation hand-off', () => {
  it('pages cost Zoom what an import batch does: Light is the tighter label on Business, both are equal on Pro', () => {
    expect(reconcilesPerSecond('business')).toBeCloseTo(0.9 * Math.min(80 / 3, 60 / 2));
    expect(reconcilesPerSecond('pro')).toBeCloseTo(0.9 * Math.min(30 / 3, 20 / 2));
    for (const plan of ['pro', 'business'] as const) {
      // A page's Medium reads never exceed one 200-meeting import batch's.
      const page = reconcilePageSize(plan);
      expect(page * 2).toBeLessThanOrEqual(200);
      // Its Light reads fit the time that batch takes at the plan's Medium rate.
      const batchSeconds = 200 / (ZOOM_PLAN_RATES[plan].medium * ZOOM_RATE_SHARE);
      expect(page * 3).toBeLessThanOrEqual(batchSeconds * ZOOM_PLAN_RATES[plan].light * ZOOM_RATE_SHARE + 1e-9);
    }
    expect(reconcilePageSize('pro')).toBe(100);
    expect(reconcilePageSize('business')).toBe(88);
  });

  it('reads one page by the plan, says where the next starts only after a full page, and signals each Event', async () => {
    const full = handOff('business', 500);
    const first = await full.activities.reconcileStaleEvents({ asOf: '2026-12-01T15:00:00.000Z' });
    expect(full.soql[0]).toMatch(/ORDER BY Id LIMIT 88$/);
    expect(first).toEqual({ nudged: 88, lastId: staleEvents(88)[87].Id });

    const short = handOff('business', 5);
    expect(await short.activities.reconcileStaleEvents({ asOf: '2026-12-01T15:00:00.000Z' })).toEqual({ nudged: 5 });
    expect(short.signalledAt).toHaveLength(5);
  });

  it('keeps at most the in-flight limit handed off and not yet caught up in Salesforce', async () => {
    const caughtUp = new Set<string>();
    const signalled: string[] = [];
    let mostInFlight = 0;
    const looks: string[] = [];
    const activities = createHourlySyncActivities({
      zoom: {} as never,
      salesforce: {
        query: jest.fn(async (query: string) => {
          if (!query.includes('Id IN')) return { records: staleEvents(10), totalSize: 10, done: true };
          looks.push(query);
          // At each look the oldest Event still stale has caught up (its workflow wrote it).
          const pending = [...query.matchAll(/'(00U\d+AAA)'/g)].map((m) => m[1]).filter((id) => !caughtUp.has(id));
          caughtUp.add(pending[0]);
          return { records: pending.slice(1).map((Id) => ({ Id })), totalSize: pending.length - 1, done: true };
        }),
      } as never,
      temporal: {
        workflow: {
          signalWithStart: jest.fn(async (_type: string, options: { workflowId: string }) => {
            signalled.push(options.workflowId);
            mostInFlight = Math.max(mostInFlight, signalled.length - caughtUp.size);
          }),
        },
      } as never,
      taskQueue: 'meetings',
      zoomPlan: 'business',
      reconcileInFlight: 3,
    });
    expect(await activities.reconcileStaleEvents({ asOf: '2026-12-01T15:00:00.000Z' })).toEqual({ nudged: 10 });
    expect(signalled).toHaveLength(10);
    expect(mostInFlight).toBe(3);
    // The look asks only about the Events in flight, and only whether they are still stale.
    expect(looks[0]).toMatch(/Id IN \('00U0+AAA', '00U0+1AAA', '00U0+2AAA'\) AND Zoom_Meeting_Id__c != null/);
  });

  it('counts an Event its workflow wrote Ended as caught up, though a recording may still come for it', async () => {
    // On the emulated org's SOQL: 3 Events still Scheduled after meetings that ended two hours before the run, one
    // in flight at a time. Each hand-off's workflow writes its Event Ended with its participants and no recording
    // (Zoom may publish one for hours): the window's next look must let the next hand-off in at once.
    const { clientId, clientSecret } = DEMO_CREDENTIALS.salesforce;
    const emulator = createSalesforceEmulator({
      clientId,
      clientSecret,
      callout: { url: 'http://127.0.0.1:9/v1/salesforce/events', secret: 's', retryDelaysMs: [] },
    });
    const url = await emulator.listen(0);
    try {
      const asOf = Date.parse('2026-12-01T15:00:00.000Z');
      const end = new Date(asOf - 2 * 60 * 60_000).toISOString();
      const start = new Date(asOf - 150 * 60_000).toISOString();
      const { data } = await axios.post<{ ids: string[] }>(`${url}/_emulator/records/Event`, {
        records: [0, 1, 2].map((i) => ({
          OwnerId: DEMO_USERS[0].salesforceId,
          Subject: `Lost webhooks ${i}`,
          StartDateTime: start,
          EndDateTime: end,
          Zoom_Meeting_Id__c: String(82_000_000_000 + i),
          Zoom_Status__c: 'Scheduled',
        })),
      });
      const salesforce = new SalesforceClient({ loginUrl: url, clientId, clientSecret, apiVersion: '62.0' });
      const query = jest.spyOn(salesforce, 'query');
      const activities = createHourlySyncActivities({
        zoom: {} as never,
        salesforce,
        temporal: {
          workflow: {
            // What the Event's workflow writes after asking Zoom.
            signalWithStart: jest.fn(async (_type: string, options: { workflowId: string }) => {
              await salesforce.updateEvent(options.workflowId.replace(/^meeting-/, ''), {
                Zoom_Status__c: 'Ended',
                Zoom_Actual_Start__c: start,
                Zoom_Actual_End__c: end,
                Zoom_Participant_Count__c: 2,
              });
            }),
          },
        } as never,
        taskQueue: 'meetings',
        zoomPlan: 'business',
        reconcileInFlight: 1,
        reconcileHoldMs: 5_000,
      });
      expect(await activities.reconcileStaleEvents({ asOf: new Date(asOf).toISOString() })).toEqual({ nudged: 3 });
      // One look per hand-off that waited for a place: each found the one before caught up.
      const looks = query.mock.calls.filter(([soql]) => soql.includes('Id IN'));
      expect(looks).toHaveLength(2);
      expect(data.ids).toHaveLength(3);
    } finally {
      await emulator.close();
    }
  });

  it('never holds the recording checks back: their Event changes only if Zoom has a recording', async () => {
    const { activities, soql, signalledAt } = handOff('business', 10, {
      Zoom_Status__c: 'Ended',
      Zoom_Participant_Count__c: 2,
    });
    await activities.reconcileStaleEvents({ asOf: '2026-12-01T15:00:00.000Z' });
    expect(signalledAt).toHaveLength(10);
    expect(soql.filter((q) => q.includes('Id IN'))).toEqual([]);
  });

  it("spaces the hand-offs at the plan's rate, so the workflows' Zoom reads come no faster", async () => {
    const { activities, signalledAt } = handOff('pro', 19);
    await activities.reconcileStaleEvents({ asOf: '2026-12-01T15:00:00.000Z' });
    expect(signalledAt).toHaveLength(19);
    // 19 hand-offs at 9 a second span at least 18 gaps of 1/9 s (a few ms of timer slack allowed).
    const spanMs = signalledAt[18] - signalledAt[0];
    expect(spanMs).toBeGreaterThanOrEqual((18 * 1000) / reconcilesPerSecond('pro') - 20);
  });

  it('does not lose the pause between two pages: the next page takes the slots the pause left unused', async () => {
    const { activities, signalledAt } = handOff('pro', 5);
    const gapMs = 1000 / reconcilesPerSecond('pro');
    await activities.reconcileStaleEvents({ asOf: '2026-12-01T15:00:00.000Z' });
    // The workflow's turn between two pages: it records the page, then the import queue starts the next.
    await new Promise((resolve) => setTimeout(resolve, 3 * gapMs));
    await activities.reconcileStaleEvents({ afterId: staleEvents(5)[4].Id, asOf: '2026-12-01T15:00:00.000Z' });
    expect(signalledAt).toHaveLength(10);
    // Ten hand-offs on one schedule span nine gaps; counting again after the pause would make it eleven.
    const spanMs = signalledAt[9] - signalledAt[0];
    expect(spanMs).toBeGreaterThanOrEqual(9 * gapMs - 20);
    expect(spanMs).toBeLessThan(10 * gapMs);
  });
});
