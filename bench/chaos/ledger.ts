import { agendaMentionsEvent } from '../../domain/meeting-plan';
import { DEMO_USERS } from '../../emulators/demo-org';
import { type TestStack } from '../../test/helpers/stack';

type Row = Record<string, unknown>;

/** Statuses in which an Event rightly holds no live meeting. */
const WITHOUT_MEETING = new Set(['Pending', 'Error', 'Cancelled']);
const PMIS = new Set(DEMO_USERS.map((u) => String(u.pmi)));

/** The org's Events, deleted ones left out. */
export function liveEvents(stack: TestStack): Row[] {
  const store = stack.salesforce.store;
  return store.all(store.schema.object('Event')!).filter((e) => e.IsDeleted !== true);
}

/**
 * The whole run's books, read from the emulators' stores: every Zoom Event holds one meeting that exists in Zoom
 * (none lost), no Event has two meetings tagged with its id, and no two Events hold the same meeting (PMIs aside).
 */
export function auditMeetings(stack: TestStack, eventIds?: Set<string>) {
  const meetings = [...stack.zoom.store.meetings.values()];
  const events = liveEvents(stack).filter((e) => e.Make_Zoom_Meeting__c === true || e.Zoom_Meeting_Id__c);
  const scope = eventIds ? events.filter((e) => eventIds.has(String(e.Id))) : events;
  const duplicateMeetings: string[] = [];
  const lostMeetings: string[] = [];
  for (const event of scope) {
    const id = String(event.Id);
    const tagged = meetings.filter((m) => agendaMentionsEvent(m.agenda, id));
    if (tagged.length > 1) duplicateMeetings.push(id);
    const meetingId = event.Zoom_Meeting_Id__c ? String(event.Zoom_Meeting_Id__c) : undefined;
    const held = meetingId !== undefined && meetings.some((m) => String(m.id) === meetingId);
    if (!held && !WITHOUT_MEETING.has(String(event.Zoom_Status__c))) lostMeetings.push(id);
  }
  const holders = new Map<string, number>();
  for (const event of scope) {
    const meetingId = event.Zoom_Meeting_Id__c ? String(event.Zoom_Meeting_Id__c) : undefined;
    if (meetingId && !PMIS.has(meetingId)) holders.set(meetingId, (holders.get(meetingId) ?? 0) + 1);
  }
  const duplicateEvents = [...holders].filter(([, n]) => n > 1).map(([meetingId]) => meetingId);
  return { events: scope.length, duplicateMeetings, duplicateEvents, lostMeetings };
}

/**
 * Every e-mail delivered more than once: the same message (Message-ID) to the same recipient, counted from the mail
 * sink. A retried send looks its Message-ID up in the sender's Sent mailbox first, so not even the message in
 * flight at a crash goes twice.
 */
export function duplicateEmails(stack: TestStack, messages = stack.mail.messages()): string[] {
  const deliveries = new Map<string, number>();
  for (const message of messages)
    for (const to of message.envelope.to) {
      const key = `${message.messageId ?? `(no Message-ID, sink id ${message.id})`} to ${to}`;
      deliveries.set(key, (deliveries.get(key) ?? 0) + 1);
    }
  return [...deliveries].filter(([, n]) => n > 1).map(([key, n]) => `${n} × ${key}`);
}

export function auditFailures(audit: ReturnType<typeof auditMeetings>): string[] {
  return [
    ...audit.duplicateMeetings.map((id) => `Event ${id} has more than one Zoom meeting`),
    ...audit.duplicateEvents.map((id) => `Zoom meeting ${id} is held by more than one Event`),
    ...audit.lostMeetings.map((id) => `Event ${id} lost its meeting`),
  ];
}
