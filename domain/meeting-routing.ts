import type { ZoomMeetingEvent } from './zoom-webhooks';

/**
 * Which Event a Zoom webhook is about. A Zoom meeting id names one Event, except a host's PMI, which every PMI
 * Event of that host shares: an instance of a PMI belongs to the Event whose scheduled window contains the
 * instance's start (with a margin for early and late starts), the nearest scheduled start winning. Pure.
 */

/** One Event's claim on a Zoom meeting id, as its meeting workflow registers it. Ids and times only. */
export interface MeetingRoute {
  /** The Event's meeting workflow. */
  workflowId: string;
  /** Scheduled start and end, ISO UTC. */
  startTime: string;
  endTime: string;
  usesPmi: boolean;
}

/** A PMI instance started this long before its Event's scheduled start, or after its end, is still the Event's. */
export const INSTANCE_WINDOW_MARGIN_MS = 60 * 60_000;

/** Whether an instance that started at `instanceStart` belongs to the scheduled window. */
export function instanceInWindow(instanceStart: string, window: { startTime: string; endTime: string }): boolean {
  const start = Date.parse(instanceStart);
  return (
    start >= Date.parse(window.startTime) - INSTANCE_WINDOW_MARGIN_MS &&
    start <= Date.parse(window.endTime) + INSTANCE_WINDOW_MARGIN_MS
  );
}

/** Events about one instance carry its start; `meeting.updated` and `meeting.deleted` are about the meeting. */
function instanceStartOf(event: ZoomMeetingEvent): string | undefined {
  return event.kind === 'updated' || event.kind === 'deleted' ? undefined : event.startTime;
}

/**
 * The workflow an event goes to, or undefined when no route claims it (yet). A meeting id with one non-PMI route
 * is that Event's, whatever the time. Otherwise only an instance event is routed, to the route whose window
 * contains the instance's start, nearest scheduled start first (ties by workflow id, so the answer is stable);
 * edits and deletes of a PMI belong to no Event.
 */
export function chooseRoute(routes: readonly MeetingRoute[], event: ZoomMeetingEvent): string | undefined {
  if (routes.length === 1 && !routes[0].usesPmi) return routes[0].workflowId;
  const instanceStart = instanceStartOf(event);
  if (instanceStart === undefined) return undefined;
  const at = Date.parse(instanceStart);
  const distance = (route: MeetingRoute) => Math.abs(Date.parse(route.startTime) - at);
  return routes
    .filter((route) => instanceInWindow(instanceStart, route))
    .sort((a, b) => distance(a) - distance(b) || a.workflowId.localeCompare(b.workflowId))[0]?.workflowId;
}
