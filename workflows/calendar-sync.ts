/**
 * The meeting on the host's Google calendar, kept in step by the meeting workflow (issue 14). The workflow calls
 * `catchUp()` once per turn of its main loop, after the turn's Event writes: the join URL reaches the Event first, the
 * calendar follows. `catchUp` compares the meeting the workflow holds now with what the calendar was last given and
 * writes only the difference: the event (made or patched), its cancellation, or the outcome note after the end. The
 * activities decide by the host's setting and Google's answers; a refusal becomes a warning on the Event
 * (`Zoom_Calendar_Sync_Error__c`) and is not tried again until the meeting changes. Nothing here fails the meeting.
 */
import { condition, log, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import type { Activities } from '../activities';
import type { CalendarEventInput } from '../activities/google-calendar';
import type { CalendarOutcome } from '../domain/google-calendar-event';
import type { EventZoomFields } from '../domain/event-fields';
import { calendarCatchUpSignal, type CalendarSyncState, type MeetingState } from './messages';

/** Marks histories whose workflow keeps the host's Google calendar in step (older: no calendar activities). */
export const GOOGLE_CALENDAR_PATCH = 'google-calendar';

/** Marks histories whose workflow answers `calendarCatchUpSignal` (older: the signal was ignored). */
export const CALENDAR_CATCH_UP_PATCH = 'calendar-catch-up';

/** Google's rate limits and outages are retried with backoff for up to a day, then the Event says so. */
const { syncCalendarEvent, cancelCalendarEvent, noteCalendarOutcome } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

export interface CalendarSyncHooks {
  state: MeetingState;
  /** The host of the meeting as applied (the Event's owner), when there is a meeting. */
  ownerId(): string | undefined;
  /** Writes to the Event; false when it is gone. */
  writeEvent(fields: EventZoomFields): Promise<boolean>;
}

type Wanted = Omit<CalendarEventInput, 'known'>;

/** A short fingerprint of what the calendar was given (FNV-1a): state keeps no link or passcode twice. */
function fingerprint(value: unknown): string {
  let hash = 0x811c9dc5;
  for (const char of JSON.stringify(value)) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

function messageOf(error: unknown): string {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure) return cause.message;
  return cause instanceof Error ? cause.message : String(cause);
}

export function calendarSync({ state, ownerId, writeEvent }: CalendarSyncHooks) {
  /** The event the calendar should hold now, or undefined when there is no meeting (cancelled, none yet). */
  function wanted(): Wanted | undefined {
    const owner = ownerId();
    if (!owner || !state.zoomMeetingId || !state.joinUrl || !state.startTime || !state.endTime) return undefined;
    return {
      eventId: state.eventId,
      ownerId: owner,
      topic: state.topic ?? '',
      startTime: state.startTime,
      endTime: state.endTime,
      ...(state.timeZone ? { timeZone: state.timeZone } : {}),
      meetingId: state.zoomMeetingId,
      joinUrl: state.joinUrl,
      ...(state.passcode ? { passcode: state.passcode } : {}),
    };
  }

  function outcome(): CalendarOutcome | undefined {
    if (state.phase === 'not-started') return { held: false };
    if (state.phase !== 'ended') return undefined;
    return {
      held: true,
      ...(state.durationMinutes !== undefined ? { durationMinutes: state.durationMinutes } : {}),
      ...(state.participantCount !== undefined ? { participants: state.participantCount } : {}),
      ...(state.recordingUrl ? { recordingUrl: state.recordingUrl } : {}),
    };
  }

  /** Shows on the Event why the calendar is not in step (or clears it); never fails the meeting. */
  async function report(calendar: CalendarSyncState, warning: string | undefined): Promise<void> {
    if (warning === calendar.warning) return;
    if (warning) log.warn('Google Calendar not in step with the meeting', { message: warning });
    try {
      await writeEvent({ Zoom_Calendar_Sync_Error__c: warning ?? null });
      calendar.warning = warning;
    } catch (error) {
      log.error('Could not write the calendar warning to the Event', { message: messageOf(error) });
    }
  }

  async function attempt(calendar: CalendarSyncState, step: () => Promise<void>): Promise<void> {
    try {
      await step();
      await report(calendar, undefined);
    } catch (error) {
      await report(calendar, `Google Calendar: ${messageOf(error)}`);
    }
  }

  /** Makes or patches the event when the meeting differs from what the calendar holds and was not tried as it is. */
  async function writeEventIfChanged(
    calendar: CalendarSyncState,
    want: Wanted | undefined,
    freshSettings = false,
  ): Promise<void> {
    const key = want && fingerprint(want);
    if (want && key !== calendar.synced && key !== calendar.tried) {
      calendar.tried = key;
      await attempt(calendar, async () => {
        const known = calendar.ownerId === want.ownerId;
        const result = await syncCalendarEvent({ ...want, known, ...(freshSettings ? { freshSettings } : {}) });
        if (result.outcome === 'skipped') return;
        calendar.ownerId = want.ownerId;
        calendar.synced = key;
      });
    }
  }

  /** Adds the outcome once the meeting is over, to an event the calendar holds as the meeting is now. */
  async function noteOutcomeIfNew(calendar: CalendarSyncState, want: Wanted | undefined): Promise<void> {
    const note = outcome();
    const noteKey = note && fingerprint(note);
    if (want && note && calendar.synced === fingerprint(want) && noteKey !== calendar.noted) {
      calendar.noted = noteKey;
      await attempt(calendar, async () => {
        await noteCalendarOutcome({ ...want, known: true, outcome: note });
      });
    }
  }

  /** One calendar step at a time: the loop's turn and a catch-up signal never write concurrently. */
  let writing = false;
  async function exclusively(step: () => Promise<void>): Promise<void> {
    if (writing) await condition(() => !writing);
    writing = true;
    try {
      await step();
    } finally {
      writing = false;
    }
  }

  // The host's setting may have been turned on since the calendar was last tried (the hourly sync saw it change):
  // try the meeting as it is once more. Only adds or brings the event in step; moving or cancelling it stays with
  // the loop's turn, which sees the meeting between whole steps.
  setHandler(calendarCatchUpSignal, async () => {
    if (!patched(GOOGLE_CALENDAR_PATCH) || !patched(CALENDAR_CATCH_UP_PATCH)) return;
    await exclusively(async () => {
      const calendar = (state.calendar ??= {});
      const want = wanted();
      if (!want || (calendar.ownerId && calendar.ownerId !== want.ownerId)) return;
      calendar.tried = undefined;
      await writeEventIfChanged(calendar, want, true);
      await noteOutcomeIfNew(calendar, want);
    });
  });

  /** Brings the calendar in step with the meeting as the loop's turn left it. */
  async function catchUpNow(): Promise<void> {
    if (!patched(GOOGLE_CALENDAR_PATCH)) return;
    const calendar = (state.calendar ??= {});
    const want = wanted();

    // The meeting is gone, or has a new host: the event goes from the calendar that holds it.
    if (calendar.ownerId && calendar.ownerId !== want?.ownerId) {
      const { ownerId: holder } = calendar;
      await attempt(calendar, async () => {
        await cancelCalendarEvent({ eventId: state.eventId, ownerId: holder });
      });
      Object.assign(calendar, { ownerId: undefined, synced: undefined, noted: undefined });
    }

    await writeEventIfChanged(calendar, want);
    await noteOutcomeIfNew(calendar, want);
  }

  return {
    catchUp: () => exclusively(catchUpNow),
  };
}
