/**
 * Counters of Zoom's deliveries, by what the API made of them, for `GET /metrics` (Prometheus text format). An
 * authentic delivery the API cannot use is still answered 2xx (else Zoom retries and then stops sending that
 * event), so these counters are where such deliveries show; each also has a log line. Per process, from start.
 */

export type ZoomWebhookOutcome =
  /** Handed to the meeting's router. */
  | 'delivered'
  /** `endpoint.url_validation` answered. */
  | 'url_validation'
  /** An event we do not handle. */
  | 'ignored'
  /** Signed, but not JSON or not the shape of a handled event: acknowledged, not used. */
  | 'unprocessable'
  /** Signed, but names no meeting (a participant event without `object.id`): acknowledged, not routed. */
  | 'unroutable'
  /** The hand-over failed: answered 500, so that Zoom retries. */
  | 'not_delivered'
  /** Bad signature or timestamp: answered 401. */
  | 'refused';

export class ZoomWebhookCounters {
  private readonly outcomes = new Map<ZoomWebhookOutcome, number>();
  private lateCount = 0;

  count(outcome: ZoomWebhookOutcome): void {
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
  }

  /** A signed delivery older than the skew window: one of Zoom's retries, or a replay. */
  late(): void {
    this.lateCount += 1;
  }

  /** The counters in Prometheus' text exposition format. */
  prometheus(): string {
    const lines = [
      '# HELP zoom_webhooks_total Zoom webhook deliveries by what the API made of them.',
      '# TYPE zoom_webhooks_total counter',
      ...[...this.outcomes].map(([outcome, n]) => `zoom_webhooks_total{outcome="${outcome}"} ${n}`),
      '# HELP zoom_webhooks_late_total Signed deliveries older than the skew window (Zoom retries).',
      '# TYPE zoom_webhooks_late_total counter',
      `zoom_webhooks_late_total ${this.lateCount}`,
    ];
    return `${lines.join('\n')}\n`;
  }
}
