/**
 * The contract with the Salesforce org: the Event fields the integration reads and writes, under their API
 * names. The org declares them as DX metadata in salesforce/force-app/main/default/objects/Activity/fields/.
 */

/** Meeting status written to `Zoom_Status__c` (a picklist in the org). */
export const ZOOM_STATUSES = ['Pending', 'Scheduled', 'Started', 'Ended', 'Cancelled', 'Not Started', 'Error'] as const;
export type ZoomStatus = (typeof ZOOM_STATUSES)[number];

/** A snapshot of an Event as the org's trigger sends it: standard and custom fields under their API names. */
export interface EventSnapshot {
  Id: string;
  Subject?: string | null;
  StartDateTime?: string | null;
  EndDateTime?: string | null;
  /** Salesforce keeps an all-day Event at midnight UTC of its days: no time of day to meet at. */
  IsAllDayEvent?: boolean | null;
  OwnerId?: string | null;
  WhoId?: string | null;
  WhatId?: string | null;
  Description?: string | null;
  SystemModstamp: string;
  Make_Zoom_Meeting__c?: boolean | null;
  Zoom_Use_PMI__c?: boolean | null;
  Zoom_Join_Before_Host__c?: boolean | null;
  Customer_Time_Zone__c?: string | null;
  Zoom_Additional_Emails__c?: string | null;
  /** Written by the integration; the trigger echoes them back, the workflow never trusts them over its state. */
  Zoom_Meeting_Id__c?: string | null;
}

export type CalloutOperation = 'upsert' | 'delete';

/** One item of `POST /v1/salesforce/events`. */
export interface EventCalloutItem {
  operation: CalloutOperation;
  event: EventSnapshot;
  /**
   * How many Events the org's callout carried, set by the callout route: 1 is a rep's own save, whose meeting is made
   * on the hot path (`workflows/hot-path.ts`); more is a bulk, paced by Zoom's rate on the writes queue. Absent (the
   * hourly sync's pick-up of missed callouts, callouts signalled before it existed): the writes queue.
   */
  calloutEvents?: number;
}

/** The fields the integration writes back to an Event. */
export interface EventZoomFields {
  Zoom_Meeting_Id__c?: string | null;
  Zoom_Join_URL__c?: string | null;
  Zoom_Status__c?: ZoomStatus;
  Zoom_Last_Synced__c?: string;
  Zoom_Sync_Error__c?: string | null;
  /** What happened in the meeting, from Zoom. */
  Zoom_Actual_Start__c?: string | null;
  Zoom_Actual_End__c?: string | null;
  Zoom_Duration_Minutes__c?: number | null;
  Zoom_Participant_Count__c?: number | null;
  Zoom_Participants__c?: string | null;
  Zoom_Successful__c?: boolean;
  Zoom_Recording_URL__c?: string | null;
  Zoom_Recording_Summary__c?: string | null;
  /** Why the host's Google calendar is not in step with the meeting; null once it is. */
  Zoom_Calendar_Sync_Error__c?: string | null;
}

/** Edits made on the Zoom side that flow back to the Event. */
export interface EventScheduleFields {
  Subject?: string;
  StartDateTime?: string;
  EndDateTime?: string;
  Make_Zoom_Meeting__c?: boolean;
}

/**
 * Fields whose change matters to the Zoom meeting. The org's trigger sends a callout only when one of them
 * changes (so the integration's own write-backs never echo back as callouts).
 */
export const MEETING_INPUT_FIELDS = [
  'Subject',
  'StartDateTime',
  'EndDateTime',
  'IsAllDayEvent',
  'OwnerId',
  'WhoId',
  'WhatId',
  'Description',
  'Make_Zoom_Meeting__c',
  'Zoom_Use_PMI__c',
  'Zoom_Join_Before_Host__c',
  'Customer_Time_Zone__c',
  'Zoom_Additional_Emails__c',
] as const satisfies readonly (keyof EventSnapshot)[];

/** Every field a callout snapshot carries, in a stable order (also what the org's trigger selects). */
export const SNAPSHOT_FIELDS = [
  'Id',
  ...MEETING_INPUT_FIELDS,
  'SystemModstamp',
  'Zoom_Meeting_Id__c',
] as const satisfies readonly (keyof EventSnapshot)[];
