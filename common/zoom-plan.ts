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
 * The Zoom writes queue's share of the account's Medium rate (meeting creates), taken from the room left over: the
 * Temporal server enforces each rate-limited queue's rate on its own, so the import (the integration's full share)
 * and the writes, busy at once, add up; together they take 95% and leave 5% for the lifecycle's reads and other
 * apps. Creates come a few at a time as users schedule, and each host may make only 100 a day.
 */
export const ZOOM_WRITES_SHARE = 0.05;

/** Meeting creates per second the writes queue starts, for all workers together. */
export function writesRate(plan: ZoomPlan): number {
  return ZOOM_PLAN_RATES[plan].medium * ZOOM_WRITES_SHARE;
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
