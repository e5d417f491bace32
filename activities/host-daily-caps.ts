/**
 * Hosts over Zoom's daily cap on meeting creates and updates (100 per host per UTC day), remembered in this process
 * until the cap resets. Once Zoom has said so, every other create or update for that host would only earn another
 * 429: those wait without asking Zoom. Each worker process learns a host's cap from one refusal of its own.
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
