/**
 * Zoom's account-wide rate limits per plan and label (shared/reference/zoom-api.md §4, from Zoom's rate-limit
 * page): the worker paces its Zoom reads below them and sets the import queue's server-side rate from them.
 */
export type ZoomPlan = 'pro' | 'business';

export interface ZoomPlanRates {
  /** Requests per second per label, for the whole account. */
  light: number;
  medium: number;
  heavy: number;
}

export const ZOOM_PLAN_RATES: Record<ZoomPlan, ZoomPlanRates> = {
  pro: { light: 30, medium: 20, heavy: 10 },
  business: { light: 80, medium: 60, heavy: 40 },
};

/** Room left for the lifecycle's own calls and other apps of the account, which share the same limits. */
export const ZOOM_RATE_SHARE = 0.9;
