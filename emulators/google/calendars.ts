import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { CalendarApiError, CalendarErrors } from './errors';

/**
 * The emulated calendars: one primary calendar per user of the domain, holding events as Calendar API v3 resources
 * (developers.google.com/workspace/calendar/api/v3/reference/events). Deleted events stay as `status: cancelled`
 * tombstones, as at Google: `get` still returns them, `delete` again is 410 and their id cannot be inserted again
 * (409). Every write records the e-mails Google would send for its `sendUpdates`.
 */

export interface EventDateTime {
  date?: string;
  dateTime?: string;
  timeZone?: string;
}

export interface CalendarEvent {
  kind: 'calendar#event';
  etag: string;
  id: string;
  status: 'confirmed' | 'tentative' | 'cancelled';
  htmlLink: string;
  created: string;
  updated: string;
  summary?: string;
  description?: string;
  location?: string;
  creator: { email: string; self?: boolean };
  organizer: { email: string; self?: boolean };
  start: EventDateTime;
  end: EventDateTime;
  iCalUID: string;
  sequence: number;
  attendees?: {
    email: string;
    displayName?: string;
    responseStatus: string;
    optional?: boolean;
    organizer?: boolean;
  }[];
  conferenceData?: Record<string, unknown>;
  reminders: { useDefault: boolean };
  eventType: 'default';
}

/** An e-mail Google would send about an event (`sendUpdates`), for tests and the README's "where to look". */
export interface SentNotification {
  kind: 'invitation' | 'update' | 'cancellation';
  eventId: string;
  recipients: string[];
  at: string;
}

export type SendUpdates = 'all' | 'externalOnly' | 'none';

/** "Event identifiers … characters allowed are those used in base32hex encoding, i.e. lowercase letters a-v and
 * digits 0-9 … the length of the ID must be between 5 and 1024 characters" (events resource, `id`). */
export const EVENT_ID = /^[a-v0-9]{5,1024}$/;
const EMAIL = /^[^\s@<>()[\]{},;:"]+@[^\s@<>()[\]{},;:"]+\.[A-Za-z]{2,}$/;
const CONFERENCE_TYPES = new Set(['hangoutsMeet', 'addOn', 'eventHangout', 'eventNamedHangout']);
const ENTRY_POINT_TYPES = new Set(['video', 'phone', 'sip', 'more']);
/** Fields a client may write; the rest of the resource is the server's. */
const WRITABLE = [
  'summary',
  'description',
  'location',
  'start',
  'end',
  'attendees',
  'status',
  'transparency',
  'visibility',
  'colorId',
  'reminders',
  'extendedProperties',
  'guestsCanModify',
  'guestsCanInviteOthers',
  'guestsCanSeeOtherGuests',
  'source',
  'sequence',
] as const;

function newEventId(): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuv';
  return [...randomBytes(26)].map((b) => alphabet[b % 32]).join('');
}

function isTimeZone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid;
}

/** The instant of a start or end, validating it as Google does; `which` is "start" or "end". */
function instantOf(value: unknown, which: 'start' | 'end'): number {
  if (!value || typeof value !== 'object') throw CalendarErrors.required(`Missing ${which} time.`);
  const { date, dateTime, timeZone } = value as EventDateTime;
  if (timeZone !== undefined && (typeof timeZone !== 'string' || !isTimeZone(timeZone))) {
    throw CalendarErrors.invalid(`Invalid time zone definition for ${which} time.`);
  }
  if (dateTime !== undefined) {
    if (date !== undefined) throw CalendarErrors.invalid('Invalid start time.');
    if (typeof dateTime !== 'string') throw CalendarErrors.invalid(`Invalid ${which} time.`);
    const hasOffset = /(Z|[+-]\d{2}:\d{2})$/i.test(dateTime);
    if (!hasOffset && !timeZone) throw CalendarErrors.invalid(`Missing time zone definition for ${which} time.`);
    const parsed = hasOffset
      ? DateTime.fromISO(dateTime, { setZone: true })
      : DateTime.fromISO(dateTime, { zone: timeZone });
    if (!parsed.isValid) throw CalendarErrors.invalid(`Invalid ${which} time.`);
    return parsed.toMillis();
  }
  if (typeof date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(date)) {
    const parsed = DateTime.fromISO(date, { zone: 'UTC' });
    if (parsed.isValid) return parsed.toMillis();
  }
  throw CalendarErrors.required(`Missing ${which} time.`);
}

function checkConferenceData(value: unknown, acceptsAddOn: boolean): Record<string, unknown> {
  if (!value || typeof value !== 'object') throw CalendarErrors.invalid('Invalid conference data.');
  const data = value as {
    conferenceSolution?: { key?: { type?: unknown } };
    entryPoints?: unknown;
    createRequest?: unknown;
  };
  if (data.createRequest !== undefined) return data as Record<string, unknown>;
  // "Either conferenceSolution and at least one entryPoint, or createRequest is required" (conferenceData).
  if (!CONFERENCE_TYPES.has(String(data.conferenceSolution?.key?.type))) {
    throw CalendarErrors.invalid('Invalid conference type value.');
  }
  // A third-party conference may be written only by its Workspace add-on: a calendar's
  // conferenceProperties.allowedConferenceSolutionTypes lists eventHangout, eventNamedHangout and hangoutsMeet only
  // (Calendar API v3, calendars resource), and a live capture from a plain OAuth client (openclaw/gogcli#590,
  // 2026-05-17) got 400 "Invalid conference data" for every `addOn` variant (with name, iconUri, entry points,
  // passcode, notes, an addOnParameters scriptId). One project reports acceptance (google_workspace_mcp#865), so
  // the emulator can be told to accept it; refusing is the stricter reading and the default.
  if (data.conferenceSolution?.key?.type === 'addOn' && !acceptsAddOn) {
    throw CalendarErrors.invalid('Invalid conference data.');
  }
  if (!Array.isArray(data.entryPoints) || data.entryPoints.length === 0) {
    throw CalendarErrors.invalid('Invalid conference data: an entry point is required.');
  }
  let videos = 0;
  for (const entry of data.entryPoints as { entryPointType?: unknown; uri?: unknown }[]) {
    if (!ENTRY_POINT_TYPES.has(String(entry?.entryPointType)))
      throw CalendarErrors.invalid('Invalid entry point type.');
    if (entry.entryPointType === 'video') {
      videos += 1;
      // "video: http: or https: schema is required; maximum length 1300 characters" (entryPoints[].uri).
      if (typeof entry.uri !== 'string' || !/^https?:\/\//.test(entry.uri) || entry.uri.length > 1300) {
        throw CalendarErrors.invalid('Invalid entry point uri.');
      }
    }
  }
  if (videos > 1) throw CalendarErrors.invalid('Invalid conference data: at most one video entry point.');
  return data as Record<string, unknown>;
}

function checkAttendees(value: unknown): NonNullable<CalendarEvent['attendees']> {
  if (!Array.isArray(value)) throw CalendarErrors.invalid('Invalid attendees.');
  return value.map(
    (attendee: { email?: unknown; displayName?: unknown; optional?: unknown; responseStatus?: unknown }) => {
      if (typeof attendee?.email !== 'string' || !EMAIL.test(attendee.email)) {
        throw CalendarErrors.invalid('Invalid attendee email.');
      }
      return {
        email: attendee.email,
        ...(typeof attendee.displayName === 'string' ? { displayName: attendee.displayName } : {}),
        ...(attendee.optional === true ? { optional: true } : {}),
        responseStatus: typeof attendee.responseStatus === 'string' ? attendee.responseStatus : 'needsAction',
      };
    },
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Patch semantics: named fields replace, nested objects merge, arrays are replaced whole (the `patch` guide). */
function mergePatch(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    out[key] = isObject(value) && isObject(out[key]) ? mergePatch(out[key] as Record<string, unknown>, value) : value;
  }
  return out;
}

interface Calendar {
  owner: string;
  timeZone: string;
  events: Map<string, CalendarEvent>;
}

export interface WriteOptions {
  sendUpdates?: SendUpdates;
  /** `conferenceDataVersion=1`: conferenceData in the body is read; with 0 (the default) it is ignored. */
  conferenceData: boolean;
}

export class CalendarStore {
  private readonly calendars = new Map<string, Calendar>();
  readonly notifications: SentNotification[] = [];
  private etagCounter = 0;

  constructor(
    private readonly users: readonly { email: string; timeZone: string }[],
    private readonly now: () => number,
    /** Whether a third-party (`addOn`) conference written by this API client is kept (default: refused). */
    private readonly acceptsAddOnConferences = false,
  ) {
    this.reset();
  }

  reset(): void {
    this.calendars.clear();
    this.notifications.length = 0;
    for (const user of this.users) {
      const owner = user.email.toLowerCase();
      this.calendars.set(owner, { owner, timeZone: user.timeZone, events: new Map() });
    }
  }

  /** The calendar `calendarId` names for `user` (`primary`, or their own address), or 404. */
  calendarFor(calendarId: string, user: string | undefined): Calendar {
    const id = calendarId === 'primary' ? user : calendarId.toLowerCase();
    // With calendar.events and no sharing, a user reaches only their own calendars.
    const calendar = id !== undefined && id === user ? this.calendars.get(id) : undefined;
    if (!calendar) throw CalendarErrors.notFound();
    return calendar;
  }

  /** Every event of a user's calendar, the cancelled ones too (admin view). */
  eventsOf(email: string): CalendarEvent[] | undefined {
    const calendar = this.calendars.get(email.toLowerCase());
    return calendar ? [...calendar.events.values()] : undefined;
  }

  insert(calendar: Calendar, body: Record<string, unknown>, options: WriteOptions): CalendarEvent {
    const id = body.id === undefined ? newEventId() : body.id;
    if (typeof id !== 'string' || !EVENT_ID.test(id)) throw CalendarErrors.invalid('Invalid resource id value.');
    if (calendar.events.has(id)) throw CalendarErrors.duplicate();
    const at = new Date(this.now()).toISOString();
    const event = this.validated({
      ...this.writable(body, options),
      kind: 'calendar#event',
      id,
      status: body.status === 'tentative' ? 'tentative' : 'confirmed',
      htmlLink: `https://www.google.com/calendar/event?eid=${Buffer.from(`${id} ${calendar.owner}`).toString('base64url')}`,
      created: at,
      updated: at,
      creator: { email: calendar.owner, self: true },
      organizer: { email: calendar.owner, self: true },
      iCalUID: `${id}@google.com`,
      sequence: typeof body.sequence === 'number' ? body.sequence : 0,
      reminders: isObject(body.reminders) ? (body.reminders as { useDefault: boolean }) : { useDefault: true },
      eventType: 'default',
    });
    calendar.events.set(id, event);
    this.notify(calendar, event, 'invitation', options.sendUpdates);
    return event;
  }

  get(calendar: Calendar, eventId: string): CalendarEvent {
    const event = calendar.events.get(eventId);
    if (!event) throw CalendarErrors.notFound();
    return event;
  }

  patch(calendar: Calendar, eventId: string, body: Record<string, unknown>, options: WriteOptions): CalendarEvent {
    const current = this.get(calendar, eventId);
    const merged = mergePatch({ ...current }, this.writable(body, options)) as unknown as CalendarEvent;
    return this.replace(calendar, current, merged, options);
  }

  update(calendar: Calendar, eventId: string, body: Record<string, unknown>, options: WriteOptions): CalendarEvent {
    const current = this.get(calendar, eventId);
    const server = {
      kind: current.kind,
      id: current.id,
      htmlLink: current.htmlLink,
      created: current.created,
      creator: current.creator,
      organizer: current.organizer,
      iCalUID: current.iCalUID,
      sequence: current.sequence,
      eventType: current.eventType,
      reminders: { useDefault: true },
      status: 'confirmed',
      // Without conferenceDataVersion=1 the event keeps its conference ("ignored", not cleared).
      ...(options.conferenceData || !current.conferenceData ? {} : { conferenceData: current.conferenceData }),
    };
    return this.replace(calendar, current, { ...server, ...this.writable(body, options) } as CalendarEvent, options);
  }

  delete(calendar: Calendar, eventId: string, sendUpdates: SendUpdates | undefined): void {
    const current = this.get(calendar, eventId);
    if (current.status === 'cancelled') throw CalendarErrors.deleted();
    const cancelled = { ...current, status: 'cancelled' as const, updated: new Date(this.now()).toISOString() };
    cancelled.etag = this.etag();
    calendar.events.set(eventId, cancelled);
    this.notify(calendar, cancelled, 'cancellation', sendUpdates);
  }

  private replace(
    calendar: Calendar,
    current: CalendarEvent,
    next: CalendarEvent,
    options: WriteOptions,
  ): CalendarEvent {
    const moved =
      JSON.stringify([next.start, next.end, next.location]) !==
      JSON.stringify([current.start, current.end, current.location]);
    const event = this.validated({
      ...next,
      // iCalendar SEQUENCE grows with a change of time or place (RFC 5545 §3.8.7.4), unless the client sets it.
      sequence: next.sequence !== current.sequence ? next.sequence : current.sequence + (moved ? 1 : 0),
      updated: new Date(this.now()).toISOString(),
    });
    calendar.events.set(event.id, event);
    const kind = current.status === 'cancelled' && event.status !== 'cancelled' ? 'invitation' : 'update';
    this.notify(calendar, event, event.status === 'cancelled' ? 'cancellation' : kind, options.sendUpdates);
    return event;
  }

  private writable(body: Record<string, unknown>, options: WriteOptions): Partial<CalendarEvent> {
    const out: Record<string, unknown> = {};
    for (const field of WRITABLE) if (body[field] !== undefined) out[field] = body[field];
    if (body.attendees !== undefined) out.attendees = checkAttendees(body.attendees);
    if (options.conferenceData && body.conferenceData !== undefined) {
      out.conferenceData =
        body.conferenceData === null
          ? undefined
          : checkConferenceData(body.conferenceData, this.acceptsAddOnConferences);
    }
    return out as Partial<CalendarEvent>;
  }

  /** The event with a new etag, once its times pass Google's checks (a missing start or end is `required`). */
  private validated(event: Partial<CalendarEvent> & Pick<CalendarEvent, 'status'>): CalendarEvent {
    const start = instantOf(event.start, 'start');
    const end = instantOf(event.end, 'end');
    if (end < start) throw CalendarErrors.timeRangeEmpty();
    if (!['confirmed', 'tentative', 'cancelled'].includes(event.status))
      throw CalendarErrors.invalid('Invalid status.');
    return { ...event, etag: this.etag() } as CalendarEvent;
  }

  private etag(): string {
    this.etagCounter += 1;
    return `"${this.now()}${String(this.etagCounter).padStart(6, '0')}"`;
  }

  /** Who Google e-mails: `all` every guest, `externalOnly` guests outside the domain, `none` (the default) no one. */
  private notify(calendar: Calendar, event: CalendarEvent, kind: SentNotification['kind'], sendUpdates?: SendUpdates) {
    if (!sendUpdates || sendUpdates === 'none') return;
    const guests = (event.attendees ?? []).map((a) => a.email).filter((e) => e.toLowerCase() !== calendar.owner);
    const recipients = sendUpdates === 'all' ? guests : guests.filter((e) => !this.calendars.has(e.toLowerCase()));
    if (recipients.length === 0) return;
    this.notifications.push({ kind, eventId: event.id, recipients, at: new Date(this.now()).toISOString() });
  }

  /** `events.list`: non-cancelled events unless `showDeleted`, by start or last update, a page at a time. */
  list(
    calendar: Calendar,
    query: { showDeleted?: boolean; timeMin?: string; timeMax?: string; orderBy?: string; singleEvents?: boolean },
  ): CalendarEvent[] {
    if (query.orderBy !== undefined && !['startTime', 'updated'].includes(query.orderBy)) {
      throw CalendarErrors.invalid('Invalid value for: orderBy');
    }
    if (query.orderBy === 'startTime' && !query.singleEvents) {
      throw CalendarErrors.invalid('The requested ordering is not available for the particular query.');
    }
    const bound = (value: string | undefined, name: string) => {
      if (value === undefined) return undefined;
      const at = DateTime.fromISO(value, { setZone: true });
      if (!at.isValid || !/(Z|[+-]\d{2}:\d{2})$/i.test(value)) throw CalendarErrors.invalid(`Bad Request: ${name}`);
      return at.toMillis();
    };
    const min = bound(query.timeMin, 'timeMin');
    const max = bound(query.timeMax, 'timeMax');
    const items = [...calendar.events.values()].filter((event) => {
      if (event.status === 'cancelled' && !query.showDeleted) return false;
      // timeMin bounds the end, timeMax the start (events.list reference).
      if (min !== undefined && instantOf(event.end, 'end') <= min) return false;
      if (max !== undefined && instantOf(event.start, 'start') >= max) return false;
      return true;
    });
    return query.orderBy === 'updated'
      ? items.sort((a, b) => a.updated.localeCompare(b.updated))
      : items.sort((a, b) => instantOf(a.start, 'start') - instantOf(b.start, 'start'));
  }
}

export function isCalendarApiError(error: unknown): error is CalendarApiError {
  return error instanceof CalendarApiError;
}
