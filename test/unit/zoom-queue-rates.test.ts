/**
 * The two rate-limited Zoom queues (`<queue>-zoom-import`, `<queue>-zoom-writes`) get their dispatch rates from one
 * Medium budget: the Temporal server enforces each queue's rate on its own, so when both are busy (an hourly import
 * while a bulk of Events is scheduled) their Medium calls add up, and together they must stay under Zoom's
 * account-wide Medium limit.
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
  it("both queues busy at once stay under Zoom's Medium limit, with room left for the lifecycle's reads", () => {
    const { importReads, writes } = mediumCallsPerSecond(plan);
    expect(importReads + writes).toBeLessThan(ZOOM_PLAN_RATES[plan].medium);
  });

  it("a bulk of Events is scheduled at several creates a second, and the import takes the rest of the integration's share", () => {
    const { importReads, writes } = mediumCallsPerSecond(plan);
    // 1,000 Events within about 3 minutes on Pro (a 5% share made it 1 a second: over 16 minutes).
    expect(writes).toBeGreaterThanOrEqual(5);
    expect(importReads + writes).toBeCloseTo(ownRate(plan, 'medium'));
    expect(importReads).toBeGreaterThan(writes);
  });
});
