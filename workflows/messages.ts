/**
 * Everything that crosses the boundary of the meeting workflow: its ID, input, signals, queries and search
 * attributes. The API, the worker and the tests import these definitions; nothing here does I/O.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { EventCalloutItem, ZoomStatus } from '../domain/event-fields';

/** One workflow per Salesforce Event. Event Ids are not PII. */
export function meetingWorkflowId(eventId: string): string {
  return `meeting-${eventId}`;
}

export interface MeetingWorkflowInput {
  eventId: string;
}

/** A callout from the org about this Event (insert, update or delete). */
export const eventChangedSignal = defineSignal<[EventCalloutItem]>('eventChanged');

/** Lifecycle phase, finer than the Salesforce status. */
export type MeetingPhase = 'pending' | 'scheduled' | 'in-progress' | 'cancelled' | 'failed' | 'closed';

export interface MeetingState {
  eventId: string;
  phase: MeetingPhase;
  status?: ZoomStatus;
  zoomMeetingId?: string;
  joinUrl?: string;
  hostZoomUserId?: string;
  usesPmi?: boolean;
  /** Scheduled start and end (ISO, UTC) of the meeting as last applied. */
  startTime?: string;
  endTime?: string;
  timeZone?: string;
  /** SystemModstamp of the last callout applied; older callouts change nothing. */
  lastAppliedModstamp?: string;
  lastError?: string;
  appliedChanges: number;
  ignoredStaleChanges: number;
}

export const meetingStateQuery = defineQuery<MeetingState>('meetingState');

/** Search attributes operators filter on in the Temporal UI (no PII: ids and statuses only). */
export const SalesforceEventIdAttribute = defineSearchAttributeKey('SalesforceEventId', SearchAttributeType.KEYWORD);
export const ZoomMeetingIdAttribute = defineSearchAttributeKey('ZoomMeetingId', SearchAttributeType.KEYWORD);
export const MeetingStatusAttribute = defineSearchAttributeKey('MeetingStatus', SearchAttributeType.KEYWORD);
export const ScheduledStartAttribute = defineSearchAttributeKey('ScheduledStart', SearchAttributeType.DATETIME);

export const SEARCH_ATTRIBUTES = [
  SalesforceEventIdAttribute,
  ZoomMeetingIdAttribute,
  MeetingStatusAttribute,
  ScheduledStartAttribute,
];
