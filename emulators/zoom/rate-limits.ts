import { formatZoomTime } from './start-time';

/**
 * Zoom's account-level rate limits. Every endpoint has a label; the limits count per label, summed across
 * endpoints and apps, over a sliding window (one second; one minute for Resource-intensive) and, where the plan
 * has one, per UTC day. On top of that each host may have only so many meeting creates and updates per UTC day.
 */

export type RateLabel = 'Light' | 'Medium' | 'Heavy' | 'Resource-intensive';
export type ZoomPlan = 'free' | 'pro' | 'business';

export interface LabelRule {
  /** Requests allowed within `windowMs`. */
  perWindow: number;
  windowMs: number;
  /** Name of the daily quota this label draws from (several labels may share one), if the plan has one. */
  dailyQuota?: string;
}

export interface RateLimitPolicy {
  labels: Record<RateLabel, LabelRule>;
  /** Daily quota name → requests per UTC day. */
  dailyQuotas: Record<string, number>;
  meetingWritesPerUserPerDay: number;
}

/** Partial policy merged over the plan's; e.g. `{ labels: { Medium: { perWindow: 2 } } }` for tests. */
export interface RateLimitOverrides {
  labels?: Partial<Record<RateLabel, Partial<LabelRule>>>;
  dailyQuotas?: Record<string, number>;
  meetingWritesPerUserPerDay?: number;
}

const SECOND = 1000;
const MINUTE = 60_000;
const DAY = 86_400_000;
const HEAVY_SHARED = 'Heavy+Resource-intensive';

const PLAN_POLICIES: Record<ZoomPlan, RateLimitPolicy> = {
  free: {
    labels: {
      Light: { perWindow: 4, windowMs: SECOND, dailyQuota: 'Light' },
      Medium: { perWindow: 2, windowMs: SECOND, dailyQuota: 'Medium' },
      Heavy: { perWindow: 1, windowMs: SECOND, dailyQuota: 'Heavy' },
      'Resource-intensive': { perWindow: 10, windowMs: MINUTE, dailyQuota: 'Resource-intensive' },
    },
    dailyQuotas: { Light: 6000, Medium: 2000, Heavy: 1000, 'Resource-intensive': 30_000 },
    meetingWritesPerUserPerDay: 100,
  },
  pro: {
    labels: {
      Light: { perWindow: 30, windowMs: SECOND },
      Medium: { perWindow: 20, windowMs: SECOND },
      Heavy: { perWindow: 10, windowMs: SECOND, dailyQuota: HEAVY_SHARED },
      'Resource-intensive': { perWindow: 10, windowMs: MINUTE, dailyQuota: HEAVY_SHARED },
    },
    dailyQuotas: { [HEAVY_SHARED]: 30_000 },
    meetingWritesPerUserPerDay: 100,
  },
  business: {
    labels: {
      Light: { perWindow: 80, windowMs: SECOND },
      Medium: { perWindow: 60, windowMs: SECOND },
      Heavy: { perWindow: 40, windowMs: SECOND, dailyQuota: HEAVY_SHARED },
      'Resource-intensive': { perWindow: 20, windowMs: MINUTE, dailyQuota: HEAVY_SHARED },
    },
    dailyQuotas: { [HEAVY_SHARED]: 60_000 },
    meetingWritesPerUserPerDay: 100,
  },
};

export function rateLimitPolicy(plan: ZoomPlan, overrides: RateLimitOverrides = {}): RateLimitPolicy {
  const base = PLAN_POLICIES[plan];
  const labels = { ...base.labels };
  for (const [label, rule] of Object.entries(overrides.labels ?? {}) as [RateLabel, Partial<LabelRule>][]) {
    labels[label] = { ...labels[label], ...rule };
  }
  return {
    labels,
    dailyQuotas: { ...base.dailyQuotas, ...overrides.dailyQuotas },
    meetingWritesPerUserPerDay: overrides.meetingWritesPerUserPerDay ?? base.meetingWritesPerUserPerDay,
  };
}

/** A 429 as Zoom sends it: body `{code: 429, message}` and the `X-RateLimit-*` and `Retry-After` headers. */
export interface RateLimitRejection {
  message: string;
  headers: Record<string, string>;
}

interface DayCount {
  day: number;
  count: number;
}

const utcDay = (epochMs: number): number => Math.floor(epochMs / DAY);
/** Daily limits reset at 00:00 UTC; Zoom's Retry-After for them is that moment as an ISO datetime. */
const nextUtcMidnight = (epochMs: number): string => formatZoomTime((utcDay(epochMs) + 1) * DAY);

export class RateLimiter {
  private readonly recent = new Map<RateLabel, number[]>();
  private readonly daily = new Map<string, DayCount>();
  private readonly meetingWrites = new Map<string, DayCount>();

  constructor(
    readonly policy: RateLimitPolicy,
    private readonly now: () => number,
  ) {}

  reset(): void {
    this.recent.clear();
    this.daily.clear();
    this.meetingWrites.clear();
  }

  /** Counts one request against its label, or says why it is refused (a refused request does not count). */
  admit(label: RateLabel): RateLimitRejection | undefined {
    const now = this.now();
    const rule = this.policy.labels[label];
    const recent = (this.recent.get(label) ?? []).filter((at) => at > now - rule.windowMs);
    this.recent.set(label, recent);
    if (recent.length >= rule.perWindow) {
      const retryAfterSeconds = Math.max(1, Math.ceil((recent[0] + rule.windowMs - now) / 1000));
      const per = rule.windowMs >= MINUTE ? 'per-minute' : 'per-second';
      return {
        message: `You have reached the maximum ${per} rate limit for this API. Try again later.`,
        headers: rateLimitHeaders(label, 'QPS', rule.perWindow, 0, String(retryAfterSeconds)),
      };
    }
    const quota = rule.dailyQuota;
    const dailyLimit = quota === undefined ? undefined : this.policy.dailyQuotas[quota];
    if (quota !== undefined && dailyLimit !== undefined) {
      const used = this.countToday(this.daily, quota, now);
      if (used.count >= dailyLimit) {
        return {
          message:
            `You have exceeded the daily rate limit (${dailyLimit}) of ${label} API requests permitted for this ` +
            'account. You may resume these requests at GMT 00:00:00.',
          headers: rateLimitHeaders(label, 'Daily-limit', dailyLimit, 0, nextUtcMidnight(now)),
        };
      }
      used.count += 1;
    }
    recent.push(now);
    return undefined;
  }

  /** Counts one meeting create or update for a host against the per-user daily cap. */
  admitMeetingWrite(hostId: string, label: RateLabel): RateLimitRejection | undefined {
    const now = this.now();
    const limit = this.policy.meetingWritesPerUserPerDay;
    const used = this.countToday(this.meetingWrites, hostId, now);
    if (used.count >= limit) {
      return {
        message:
          `You have exceeded the daily rate limit (${limit}) of Meeting Create/Update API requests permitted for ` +
          'this particular user. You may resume these requests at GMT 00:00:00.',
        headers: rateLimitHeaders(label, 'Daily-limit', limit, 0, nextUtcMidnight(now)),
      };
    }
    used.count += 1;
    return undefined;
  }

  private countToday(counts: Map<string, DayCount>, key: string, now: number): DayCount {
    const today = utcDay(now);
    let entry = counts.get(key);
    if (!entry || entry.day !== today) {
      entry = { day: today, count: 0 };
      counts.set(key, entry);
    }
    return entry;
  }
}

function rateLimitHeaders(
  label: RateLabel,
  type: 'QPS' | 'Daily-limit',
  limit: number,
  remaining: number,
  retryAfter: string,
): Record<string, string> {
  return {
    'X-RateLimit-Category': label,
    'X-RateLimit-Type': type,
    'X-RateLimit-Limit': String(limit),
    'X-RateLimit-Remaining': String(remaining),
    'Retry-After': retryAfter,
  };
}
