import { type MeetingPlan } from '../domain/meeting-plan';
import type { SalesforceClient } from '../integrations/salesforce/client';
import { FailureTypes, permanentFailure } from './failures';
import type { ScheduledMeeting } from './meetings';
import { salesforceFailure } from './salesforce-failures';
import { createZoomSettingsReader } from './zoom-settings';

/**
 * "Start Zoom Meeting" on a Lead or Contact: who the meeting is with and for, the plan of the instant meeting
 * (the user's PMI and join-before-host defaults), and its Event under the record.
 */

export interface InstantMeetingRequest {
  /** The Lead or Contact the user clicked on. */
  recordId: string;
  /** The Salesforce user who clicked: the host. */
  userId: string;
  subject?: string;
}

export interface PreparedInstantMeeting {
  hostEmail: string;
  plan: MeetingPlan;
}

/** How long an instant meeting's Event lasts when nobody says otherwise. */
export const INSTANT_MEETING_MINUTES = 60;

export interface InstantMeetingDeps {
  salesforce: Pick<SalesforceClient, 'getPerson' | 'getUser' | 'getZoomSettings' | 'upsertInstantEvent'>;
}

export function createInstantMeetingActivities({ salesforce }: InstantMeetingDeps) {
  const settingsOf = createZoomSettingsReader(salesforce);

  return {
    async prepareInstantMeeting(request: InstantMeetingRequest): Promise<PreparedInstantMeeting> {
      try {
        const [person, user, settings] = await Promise.all([
          salesforce.getPerson(request.recordId),
          salesforce.getUser(request.userId),
          settingsOf(request.userId),
        ]);
        if (!person) throw permanentFailure(FailureTypes.recordNotFound, 'There is no Lead or Contact with this id');
        if (!user?.Email || user.IsActive === false) {
          throw permanentFailure(
            FailureTypes.hostNotFound,
            'Your Salesforce user has no e-mail address, so it cannot host Zoom meetings',
          );
        }
        const topic = request.subject?.trim() || `Zoom meeting with ${person.name || 'a customer'}`;
        return {
          hostEmail: user.Email,
          plan: {
            ownerId: request.userId,
            topic: topic.slice(0, 200),
            startTime: new Date().toISOString(),
            durationMinutes: INSTANT_MEETING_MINUTES,
            agenda: `Instant meeting started from Salesforce (${person.type} ${person.id})`,
            usePmi: settings.usePmiByDefault,
            joinBeforeHost: settings.joinBeforeHostByDefault,
          },
        };
      } catch (error) {
        throw salesforceFailure(error, 'read the Lead or Contact');
      }
    },

    /**
     * The Event under the record; an upsert keyed on the click, so a retry never makes a second one (and two
     * clicks make two Events, even when both meetings are the host's PMI).
     */
    async createInstantEvent(input: {
      /** Unique per click, the same for its retries. */
      clickId: string;
      recordId: string;
      plan: MeetingPlan;
      meeting: ScheduledMeeting;
    }): Promise<string> {
      const { plan, meeting } = input;
      try {
        return await salesforce.upsertInstantEvent(input.clickId, {
          Zoom_Meeting_Id__c: meeting.meetingId,
          Subject: plan.topic,
          StartDateTime: plan.startTime,
          EndDateTime: new Date(Date.parse(plan.startTime) + plan.durationMinutes * 60_000).toISOString(),
          OwnerId: plan.ownerId,
          WhoId: input.recordId,
          Make_Zoom_Meeting__c: true,
          Zoom_Use_PMI__c: plan.usePmi,
          Zoom_Join_Before_Host__c: plan.joinBeforeHost,
          Zoom_Join_URL__c: meeting.joinUrl,
          Zoom_Status__c: 'Scheduled',
          Zoom_Source__c: 'Instant',
          Zoom_Last_Synced__c: new Date().toISOString(),
        });
      } catch (error) {
        throw salesforceFailure(error, 'create the Event');
      }
    },
  };
}
