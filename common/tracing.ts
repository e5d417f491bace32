/**
 * OpenTelemetry traces, off unless `OTEL_EXPORTER_OTLP_ENDPOINT` is set. One trace follows a request from the API
 * (its HTTP server span) through Temporal (the client, workflow and activity interceptors of
 * `@temporalio/interceptors-opentelemetry`, `common/temporal-tracing.ts`) to each activity's outgoing HTTP calls
 * to Zoom and Salesforce, exported over OTLP/HTTP (JSON) in batches.
 *
 * URLs can carry personal data (Zoom addresses users by e-mail in the path; a SOQL query is in the query string),
 * so every HTTP span keeps only the scheme, host and path, with e-mail-like segments replaced (`traceSafeUrl`).
 */
import { createRequire } from 'node:module';
import { propagation, trace, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { TracingConfig } from './config';

export interface Tracing {
  /** Where this process's spans go; the worker hands it the workflows' spans too (they arrive through a sink). */
  spanProcessor: SpanProcessor;
  resource: Resource;
  /** Exports what is buffered and stops; call it on shutdown. */
  shutdown(): Promise<void>;
}

/** HTTP span attributes that hold the URL or a part of it (old and stable semantic conventions). */
const URL_ATTRIBUTES = ['http.url', 'url.full'] as const;
const PATH_ATTRIBUTES = ['http.target', 'url.path'] as const;

/** A path with every segment that looks like an e-mail address (`@`, or `%40` encoded) replaced. */
function safePath(path: string): string {
  return path
    .split('/')
    .map((segment) => (/@|%40/i.test(segment) ? '{email}' : segment))
    .join('/');
}

/** The URL for a trace: scheme, host and path only (no query, no credentials), e-mail segments replaced. */
export function traceSafeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${safePath(parsed.pathname)}`;
  } catch {
    return safePath(url.split(/[?#]/)[0]);
  }
}

/** Overwrites the URL attributes an HTTP span was started with (the SDK's spans are readable). */
function scrubUrlAttributes(span: Span): void {
  const recorded: Record<string, unknown> = (span as Partial<ReadableSpan>).attributes ?? {};
  for (const key of URL_ATTRIBUTES) {
    if (typeof recorded[key] === 'string') span.setAttribute(key, traceSafeUrl(recorded[key]));
  }
  for (const key of PATH_ATTRIBUTES) {
    if (typeof recorded[key] === 'string') span.setAttribute(key, safePath(recorded[key].split(/[?#]/)[0]));
  }
  if (typeof recorded['url.query'] === 'string') span.setAttribute('url.query', '');
}

/**
 * Starts tracing for this process, or does nothing when `config` is undefined (no endpoint). Call it before the
 * process makes or serves HTTP requests.
 */
export function startTracing(config: TracingConfig | undefined, defaultServiceName: string): Tracing | undefined {
  if (!config) return undefined;
  const resource = new Resource({ 'service.name': config.serviceName ?? defaultServiceName });
  const spanProcessor = new BatchSpanProcessor(
    new OTLPTraceExporter({ url: config.tracesUrl, headers: config.headers }),
  );
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  // AsyncLocalStorage context (a request's span is current in its handler), W3C trace-context propagation.
  provider.register();
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        // Scrapes and probes are not requests anyone traces.
        ignoreIncomingRequestHook: (request) => /^\/(metrics|healthz|readyz)(\?|$)/.test(request.url ?? ''),
        requestHook: scrubUrlAttributes,
      }),
    ],
  });
  // The instrumentation patches `http` and `https` when they are next required: the entry point's imports loaded
  // them already (axios, fastify), and the module objects are shared, so requiring them again patches them for all.
  const load = createRequire(__filename);
  load('http');
  load('https');
  return {
    spanProcessor,
    resource,
    async shutdown() {
      unregister();
      await provider.shutdown();
      trace.disable();
      propagation.disable();
    },
  };
}
