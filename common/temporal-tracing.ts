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
 * The workflow interceptors, built into the workflow bundle when tracing is on (`workers/workflow-bundle.ts`). They
 * add no command (only a header on scheduled activities), so histories recorded with or without them replay alike
 * on either bundle (`test/replay`).
 */
export const WORKFLOW_TRACING_INTERCEPTORS =
  require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

/** The client's interceptors: none when tracing is off. */
export function tracingClientInterceptors(tracing: Tracing | undefined): ClientInterceptors | undefined {
  return tracing ? { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } : undefined;
}

/**
 * The worker's side: the activity interceptors when tracing is on, and always the sink the workflow interceptors
 * export to (spans dropped when tracing is off, should a bundle with them be given).
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
