/**
 * The API's Prometheus metrics (`GET /metrics`), one registry per server so that test servers do not share
 * counts: requests by route and status, their latency, and refused signatures. Routes are the registered patterns
 * (`/v1/events/:eventId`), never the URLs, which carry ids.
 */
import { Counter, Histogram, Registry } from 'prom-client';

export class ApiMetrics {
  readonly registry = new Registry();

  private readonly requests = new Counter({
    name: 'api_requests_total',
    help: 'HTTP requests by route pattern, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });

  private readonly latency = new Histogram({
    name: 'api_request_duration_seconds',
    help: 'HTTP request latency by route pattern and method.',
    labelNames: ['route', 'method'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25],
    registers: [this.registry],
  });

  private readonly signatureRefusals = new Counter({
    name: 'api_signature_refusals_total',
    help: 'Requests refused 401 for their signature (the org, Zoom), by route pattern.',
    labelNames: ['route'] as const,
    registers: [this.registry],
  });

  observe(request: { route: string; method: string; status: number; seconds: number }): void {
    const { route, method, status, seconds } = request;
    this.requests.inc({ route, method, status: String(status) });
    this.latency.observe({ route, method }, seconds);
    // Every 401 outside the codec server is a signature check's (the org's HMAC, Zoom's x-zm-signature).
    if (status === 401 && !route.startsWith('/codec/')) this.signatureRefusals.inc({ route });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
