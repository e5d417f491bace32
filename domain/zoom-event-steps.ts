import { instanceInWindow } from './meeting-routing';
import type { MeetingPhase } from './meeting-lifecycle';
import type { ZoomMeetingEvent } from './zoom-webhooks';

/**
 * What a Zoom webhook asks of the meeting lifecycle, pure: the meeting workflow (`workflows/meeting.ts`) performs the
 * step. Events about another meeting, or that come too late or too early for the phase, ask for nothing.
 */
export type ZoomEventStep =
  /** Not this Event's meeting (or it has none). */
  | 'other-meeting'
  /** Too late or too early for the phase. */
  | 'ignore'
  /** The meeting started: Started on the Event, the launch e-mail. */
  | 'mark-started'
  | 'participant-joined'
  | 'participant-left'
  /** The meeting ended: read its outcome from Zoom. */
  | 'sync-ended'
  | 'write-recording'
  /** The host edited the meeting in the Zoom portal: merge the edit. */
  | 'apply-edit'
  /** The host deleted the meeting in Zoom: cancel, and untick the Event's box. */
  | 'deleted-in-zoom';

/** What of the workflow's state the step depends on. */
export interface ZoomEventView {
  phase: MeetingPhase;
  zoomMeetingId?: string;
  usesPmi?: boolean;
  startTime?: string;
  endTime?: string;
}

/**
 * An event about another instance of this Event's PMI (another PMI Event's, or a meeting outside Salesforce): one
 * whose start lies outside the Event's window. Edits and deletes concern the PMI itself, not an instance.
 */
export function isOtherPmiInstance(view: ZoomEventView, event: ZoomMeetingEvent): boolean {
  if (!view.usesPmi || !event.startTime || !view.startTime || !view.endTime) return false;
  if (event.kind === 'updated' || event.kind === 'deleted') return false;
  return !instanceInWindow(event.startTime, { startTime: view.startTime, endTime: view.endTime });
}

/** The step an event asks for in the current phase. */
export function zoomEventStep(view: ZoomEventView, event: ZoomMeetingEvent): ZoomEventStep {
  if (!view.zoomMeetingId || event.meetingId !== view.zoomMeetingId) return 'other-meeting';
  const { phase } = view;
  const notStartedYet = phase === 'scheduled' || phase === 'awaiting-start';
  switch (event.kind) {
    case 'started':
      return notStartedYet ? 'mark-started' : 'ignore';
    case 'participant_joined':
      return 'participant-joined';
    case 'participant_left':
      return 'participant-left';
    case 'ended':
      return notStartedYet || phase === 'started' || phase === 'not-started' ? 'sync-ended' : 'ignore';
    case 'recording_completed':
      return event.recording && event.recording.files.length > 0 ? 'write-recording' : 'ignore';
    case 'updated':
      return notStartedYet ? 'apply-edit' : 'ignore';
    case 'deleted':
      return notStartedYet ? 'deleted-in-zoom' : 'ignore';
  }
}
