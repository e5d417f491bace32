/**
 * The product's own metrics, recorded through the activity's `metricMeter`: the worker's runtime exports them with
 * the SDK's metrics on its Prometheus endpoint (`METRICS_PORT`), tagged with the task queue and activity type.
 * Outside an activity (unit tests of helpers) there is no meter and nothing is recorded.
 */
import { Context } from '@temporalio/activity';
import type { MetricMeter } from '@temporalio/common';
import type { SalesforceApiUsage } from '../integrations/salesforce/client';

function meter(): MetricMeter | undefined {
  try {
    return Context.current().metricMeter;
  } catch {
    return undefined; // not in an activity
  }
}

/** A Zoom meeting made for an Event (a meeting found from an earlier attempt is not counted again). */
export function countMeetingScheduled(): void {
  meter()?.createCounter('zoom_meetings_scheduled', 'meetings', 'Zoom meetings created for Events').add(1);
}

/** Zoom refused a call with a 429; `category` is Zoom's rate-limit type (per-second, Daily-limit, …). */
export function countZoomRateLimited(category: string): void {
  meter()?.createCounter('zoom_rate_limited', 'responses', "Zoom's 429 answers by category").add(1, { category });
}

/** Recipients of attendee e-mails (launch and "Send Email") by outcome. */
export function countEmail(outcome: 'sent' | 'refused' | 'invalid', recipients = 1): void {
  if (recipients === 0) return;
  meter()?.createCounter('attendee_emails', 'messages', 'Attendee e-mails by outcome').add(recipients, { outcome });
}

/**
 * Milliseconds from a meeting's end until the Event says Ended (the SDK's histogram buckets are milliseconds'). A
 * later "Sync Meeting Details" writes Ended again and counts too: read the p50/p95, not the maximum.
 */
export function recordSyncLag(endedAtMs: number, writtenAtMs = Date.now()): void {
  meter()
    ?.createHistogram('salesforce_sync_lag', 'int', 'ms', "From a meeting's end to its outcome on the Event")
    .record(Math.max(0, Math.round(writtenAtMs - endedAtMs)));
}

/**
 * The org's daily API allowance, as gauges on the worker's runtime meter (process-wide, not per activity: the
 * reading is the org's, whichever call brought it): `salesforce_api_requests_remaining` and `…_limit`. Handed to
 * the SalesforceClient as its `onApiUsage` observer, so every Salesforce response updates them at no extra call.
 */
export function salesforceApiUsageGauges(runtimeMeter: MetricMeter): (usage: SalesforceApiUsage) => void {
  const remaining = runtimeMeter.createGauge(
    'salesforce_api_requests_remaining',
    'int',
    'requests',
    "API requests left in the Salesforce org's rolling 24-hour allowance (Sforce-Limit-Info)",
  );
  const limit = runtimeMeter.createGauge(
    'salesforce_api_requests_limit',
    'int',
    'requests',
    "The Salesforce org's rolling 24-hour API allowance (Sforce-Limit-Info)",
  );
  return (usage) => {
    remaining.set(usage.remaining);
    limit.set(usage.limit);
  };
}
