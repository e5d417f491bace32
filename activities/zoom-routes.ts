import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { MeetingRoute } from '../domain/meeting-routing';
import {
  registerRouteSignal,
  unregisterRouteSignal,
  zoomMeetingRouterWorkflowId,
  type ZoomMeetingRouterInput,
} from '../workflows/messages';

/**
 * The meeting workflows' entries in the Zoom webhook index: one router workflow per Zoom meeting id
 * (`workflows/zoom-meeting-router.ts`), started on the first registration by signal-with-start. Both calls are
 * idempotent, so a retried activity changes nothing.
 */

export interface ZoomRouteDeps {
  temporal: { workflow: Pick<Client['workflow'], 'signalWithStart' | 'getHandle'> };
  /** The meeting workflows' task queue, where the routers run too. */
  taskQueue: string;
}

export function createZoomRouteActivities({ temporal, taskQueue }: ZoomRouteDeps) {
  return {
    async registerZoomRoute(input: { meetingId: string; route: MeetingRoute }): Promise<void> {
      await temporal.workflow.signalWithStart('zoomMeetingRouterWorkflow', {
        workflowId: zoomMeetingRouterWorkflowId(input.meetingId),
        taskQueue,
        args: [{ meetingId: input.meetingId } satisfies ZoomMeetingRouterInput],
        signal: registerRouteSignal,
        signalArgs: [input.route],
      });
    },

    async unregisterZoomRoute(input: { meetingId: string; workflowId: string }): Promise<void> {
      try {
        await temporal.workflow
          .getHandle(zoomMeetingRouterWorkflowId(input.meetingId))
          .signal(unregisterRouteSignal, { workflowId: input.workflowId });
      } catch (error) {
        // The router has finished: it holds no route, ours included.
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
    },
  };
}
