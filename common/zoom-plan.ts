/**
 * Zoom's account-wide rate limits per plan and label (shared/reference/zoom-api.md §4, from Zoom's rate-limit
 * page): the worker paces its Zoom reads below them and sets the import queue's server-side rate from them.
 */
export type ZoomPlan = 'pro' | 'business';

/** Zoom's rate-limit labels of the endpoints the product calls (Resource-intensive ones it does not call). */
export type ZoomRateLabel = 'light' | 'medium' | 'heavy';

/** Requests per second per label, for the whole account. */
export type ZoomPlanRates = Record<ZoomRateLabel, number>;

export const ZOOM_PLAN_RATES: Record<ZoomPlan, ZoomPlanRates> = {
  pro: { light: 30, medium: 20, heavy: 10 },
  business: { light: 80, medium: 60, heavy: 40 },
};

/** Room left for the lifecycle's own calls and other apps of the account, which share the same limits. */
export const ZOOM_RATE_SHARE = 0.9;

/** Requests per second of `label` the integration takes for itself: the account's rate less the share left over. */
export function ownRate(plan: ZoomPlan, label: ZoomRateLabel): number {
  return ZOOM_PLAN_RATES[plan][label] * ZOOM_RATE_SHARE;
}

/**
 * Creates' guaranteed part of the integration's Medium share: the writes queue's server-side rate (15/s on Business,
 * 5/s on Pro). A rep's bulk of Events is waiting on them; a smaller share (5%: 1 create a second on Pro) let a
 * 1,000-Event bulk take over 16 minutes (the chaos suite's storm ran out of time).
 */
export const ZOOM_WRITES_SHARE = 0.25;

/** Meeting creates per second the writes queue starts, for all workers together. */
export function writesRate(plan: ZoomPlan): number {
  return ZOOM_PLAN_RATES[plan].medium * ZOOM_WRITES_SHARE;
}

/**
 * Medium calls per second the import queue may make, for all workers together: the integration's whole share, so
 * the import borrows the writes' share while no creates are waiting. The budget moves inside each worker: the Zoom
 * client's Medium pacer (the same share, for every call of the process) grants creates before queued reads, so
 * when both are busy creates keep their pace and the import takes what they leave. With several workers each
 * paces only itself; Zoom's 429 with Retry-After is then the backstop (README, "Zoom's account-wide rate limit").
 */
export function importRate(plan: ZoomPlan): number {
  return ownRate(plan, 'medium');
}

/**
 * Zoom calls one reconciled Event costs at most, by label: its meeting workflow reads the meeting (Light), its
 * instances (Medium), the past meeting (Light), the participants (Medium) and the recordings (Light).
 */
export const RECONCILE_ZOOM_CALLS = { light: 3, medium: 2 } as const;

/** Stale Events the hourly sync hands to their workflows per second: the tighter of the two labels, less the share. */
export function reconcilesPerSecond(plan: ZoomPlan): number {
  return Math.min(
    ownRate(plan, 'light') / RECONCILE_ZOOM_CALLS.light,
    ownRate(plan, 'medium') / RECONCILE_ZOOM_CALLS.medium,
  );
}
