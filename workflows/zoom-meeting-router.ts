/**
 * One workflow per Zoom meeting id (`zoom-meeting-<meetingId>`): the durable index from a meeting id to the Events
 * that hold it, and the one place Zoom's webhooks go. Meeting workflows register their meeting and scheduled
 * window when they make or change it (`registerRouteSignal`) and unregister when they let go; the API hands every
 * webhook over with signal-with-start, so nothing waits for visibility and nothing accepted is lost:
 * - an event some route claims (`chooseRoute`: the Event, or for a PMI the Event whose window holds the instance's
 *   start) is forwarded to that meeting workflow, in arrival order;
 * - an event no route claims yet (the webhook beat the registration) is held, and forwarded when a registration
 *   claims it; after `UNROUTED_HOLD_MS` it is dropped, a meeting nobody registered being none of ours.
 * The router finishes when it holds neither routes nor events.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { chooseRoute, type MeetingRoute } from '../domain/meeting-routing';
import type { ZoomMeetingEvent } from '../domain/zoom-webhooks';
import { registerRouteSignal, unregisterRouteSignal, zoomEventSignal, type ZoomMeetingRouterInput } from './messages';

const HOUR = 60 * 60_000;

/** How long an event no route claims waits for a registration (the create-time race, a worker that was down). */
export const UNROUTED_HOLD_MS = HOUR;
/** Events held at most, the oldest dropped first: a PMI used outside Salesforce sends many nobody claims. */
export const HELD_EVENTS_MAX = 200;
/** A route whose workflow never unregistered (it was terminated) lapses this long after its scheduled end. */
export const ROUTE_LAPSE_AFTER_END_MS = 48 * HOUR;

interface HeldEvent {
  event: ZoomMeetingEvent;
  /** Epoch ms (workflow time) after which it is dropped. */
  until: number;
}

interface Delivery {
  workflowId: string;
  event: ZoomMeetingEvent;
}

/** What continue-as-new carries over. */
export interface ZoomMeetingRouterCarry {
  routes: MeetingRoute[];
  held: HeldEvent[];
  outbox: Delivery[];
}

export async function zoomMeetingRouterWorkflow(
  input: ZoomMeetingRouterInput,
  carry?: ZoomMeetingRouterCarry,
): Promise<void> {
  const routes = new Map<string, MeetingRoute>((carry?.routes ?? []).map((route) => [route.workflowId, route]));
  const held: HeldEvent[] = [...(carry?.held ?? [])];
  const outbox: Delivery[] = [...(carry?.outbox ?? [])];
  let changed = false;

  function routed(event: ZoomMeetingEvent): boolean {
    const workflowId = chooseRoute([...routes.values()], event);
    if (workflowId !== undefined) outbox.push({ workflowId, event });
    return workflowId !== undefined;
  }

  setHandler(zoomEventSignal, (event) => {
    changed = true;
    if (routed(event)) return;
    held.push({ event, until: Date.now() + UNROUTED_HOLD_MS });
    if (held.length > HELD_EVENTS_MAX) held.shift();
  });
  setHandler(registerRouteSignal, (route) => {
    changed = true;
    routes.set(route.workflowId, route);
    // Held events in arrival order: the ones the new route claims go out now.
    const unclaimed = held.filter(({ event }) => !routed(event));
    held.splice(0, held.length, ...unclaimed);
  });
  setHandler(unregisterRouteSignal, ({ workflowId }) => {
    changed = true;
    routes.delete(workflowId);
  });

  /** One at a time, so each meeting workflow gets its events in the order Zoom sent them. */
  async function deliver(): Promise<void> {
    while (outbox.length > 0) {
      const { workflowId, event } = outbox[0];
      try {
        await getExternalWorkflowHandle(workflowId).signal(zoomEventSignal, event);
      } catch {
        // The meeting workflow has closed without unregistering: nobody to tell.
        log.info('Zoom event for a closed meeting workflow; route dropped', {
          meetingId: input.meetingId,
          workflowId,
          zoomEvent: event.kind,
        });
        routes.delete(workflowId);
      }
      outbox.shift();
    }
  }

  /** Drops held events and routes past their time; answers when the next one is due. */
  function expire(): number | undefined {
    const now = Date.now();
    const stillHeld = held.filter((h) => h.until > now);
    if (stillHeld.length < held.length) {
      log.info('Zoom events no Event claimed were dropped', {
        meetingId: input.meetingId,
        dropped: held.length - stillHeld.length,
      });
      held.splice(0, held.length, ...stillHeld);
    }
    const lapseAt = (route: MeetingRoute) => Date.parse(route.endTime) + ROUTE_LAPSE_AFTER_END_MS;
    for (const route of [...routes.values()]) if (lapseAt(route) <= now) routes.delete(route.workflowId);
    const due = [...held.map((h) => h.until), ...[...routes.values()].map(lapseAt)];
    return due.length > 0 ? Math.min(...due) : undefined;
  }

  for (;;) {
    changed = false;
    await deliver();
    const nextDue = expire();
    if (nextDue === undefined && outbox.length === 0) break;
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof zoomMeetingRouterWorkflow>(input, {
        routes: [...routes.values()],
        held: held.splice(0),
        outbox: outbox.splice(0),
      });
    }
    if (outbox.length > 0 || changed) continue;
    await condition(() => changed, Math.max(1, (nextDue ?? Date.now()) - Date.now()));
  }
  await condition(allHandlersFinished);
}
