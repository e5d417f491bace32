/**
 * Temporal's part of a trace (`@temporalio/interceptors-opentelemetry`, the SDK's version): the client interceptor
 * opens a span for each start, signal, update and query and passes its context to the workflow in a header; the
 * workflow interceptors (inside the workflow bundle) open the workflow's and each scheduled activity's span, and hand
 * the finished spans to the worker through the `exporter` sink; the activity interceptor opens the activity's span,
 * under which its HTTP calls are traced (`common/tracing.ts`).
 */
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
  type OpenTelemetryWorkflowExporter,
} from '@temporalio/interceptors-opentelemetry';
import type { ClientInterceptors } from '@temporalio/client';
import { NoopSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Resource } from '@opentelemetry/resources';
// Types only: the API process must not load the worker's native bridge.
import type { InjectedSinks, WorkerInterceptors } from '@temporalio/worker';
import type { Tracing } from './tracing';

/**
 * The workflow interceptors, built into every workflow bundle (`workers/workflow-bundle.ts`): the image's bundle is
 * built once, without knowing whether tracing will be on. They add no command (only a header on scheduled
 * activities), and SDK flags keep histories recorded without them replaying alike (`test/replay`).
 */
export const WORKFLOW_TRACING_INTERCEPTORS =
  require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

/** The client's interceptors: none when tracing is off. */
export function tracingClientInterceptors(tracing: Tracing | undefined): ClientInterceptors | undefined {
  return tracing ? { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } : undefined;
}

/**
 * The worker's side: the activity interceptors when tracing is on, and always the sink the workflow interceptors
 * export to (spans dropped when tracing is off: the bundle's interceptors run either way).
 */
export function workerTracing(tracing: Tracing | undefined): {
  interceptors: Pick<WorkerInterceptors, 'activity'>;
  sinks: InjectedSinks<{ exporter: OpenTelemetryWorkflowExporter }>;
} {
  const exporter = tracing
    ? makeWorkflowExporter(tracing.spanProcessor, tracing.resource)
    : makeWorkflowExporter(new NoopSpanProcessor(), Resource.empty());
  const activity: WorkerInterceptors['activity'] = tracing
    ? [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ]
    : [];
  return { interceptors: { activity }, sinks: { exporter } };
}
