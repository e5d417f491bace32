/**
 * The two rate-limited Zoom queues (`<queue>-zoom-import`, `<queue>-zoom-writes`) get their dispatch rates from one
 * Medium budget that moves: the import's queue may use the integration's whole share (it borrows the writes' share
 * while no creates wait), the writes' queue keeps a guaranteed part, and inside each worker the Zoom client's
 * pacer (that same share for every call) grants creates first (test/unit/zoom-client-pacing.test.ts).
 */
import { ZOOM_PLAN_RATES, ownRate, type ZoomPlan } from '../../common/zoom-plan';
import { IMPORT_BATCH_SIZE } from '../../workflows/messages';
import { zoomQueueRates } from '../../workers/worker';

const PLANS = Object.keys(ZOOM_PLAN_RATES) as ZoomPlan[];

/** Medium calls per second the two queues can start at most: a full import batch reads 200 participant lists, a write creates one meeting. */
function mediumCallsPerSecond(plan: ZoomPlan): { importReads: number; writes: number } {
  const rates = zoomQueueRates(plan);
  return { importReads: rates.importBatchesPerSecond * IMPORT_BATCH_SIZE, writes: rates.writesPerSecond };
}

describe.each(PLANS)('Zoom queue rates on the %s plan', (plan) => {
  it("the import alone may use the integration's whole Medium share (the writes' share too while it is idle), never Zoom's full rate", () => {
    const { importReads } = mediumCallsPerSecond(plan);
    expect(importReads).toBeCloseTo(ownRate(plan, 'medium'));
    expect(importReads).toBeLessThan(ZOOM_PLAN_RATES[plan].medium);
  });

  it('a bulk of Events is scheduled at several creates a second, a part of the same share', () => {
    const { importReads, writes } = mediumCallsPerSecond(plan);
    // 1,000 Events within about 3 minutes on Pro (a 5% share made it 1 a second: over 16 minutes).
    expect(writes).toBeGreaterThanOrEqual(5);
    expect(writes).toBeLessThan(importReads);
  });
});
