/**
 * Hosts over Zoom's daily cap on meeting creates and updates (100 per host per UTC day), remembered in this process
 * until the cap resets. Once Zoom has said so, every other create or update for that host would only earn another
 * 429: those wait without asking Zoom. Each worker process learns a host's cap from one refusal of its own.
 *
 * Per process on purpose: the memory only saves calls, Zoom's 429 stays the authority (a write this memory lets
 * through is refused and recorded, one it holds back would have been refused), so a worker that has not learned
 * a cap costs one refused call per capped host and UTC day, at most workers × capped hosts a day, and nothing is
 * written twice. Sharing it would cost more than it saves: through Temporal, a query or visibility read before
 * every create (visibility is eventually consistent, so a refusal could still slip through); through Salesforce,
 * API requests against the org's daily limit. Each capped Event's workflow waits out the cap on a durable timer
 * anyway, so a restarted worker does not replay the refusals.
 */
export class HostDailyCaps {
  private readonly resetAt = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Zoom refused a write for `host` until `resetAtMs`. */
  record(host: string, resetAtMs: number): void {
    this.resetAt.set(host.toLowerCase(), resetAtMs);
  }

  /** When the host's cap resets, if it is known to be reached now. */
  cappedUntil(host: string): number | undefined {
    const key = host.toLowerCase();
    const at = this.resetAt.get(key);
    if (at === undefined) return undefined;
    if (at > this.now()) return at;
    this.resetAt.delete(key);
    return undefined;
  }
}
