import type { MeetingActivities, ScheduledMeeting } from './meetings';
import { scheduledEventFields, type MeetingPlan } from '../domain/meeting-plan';

/**
 * The hot path's one local activity (`workflows/hot-path.ts`): the Event owner's e-mail, the Zoom meeting and the
 * Event's write-back of it, without a hand-over between the workflow and the worker in between. The steps are the
 * meeting activities' own, with their checks, failures and earlier-attempt lookup. The meeting, once made, is always
 * returned: a write-back that fails says so (`writtenBack: false`) and the workflow writes the Event itself.
 */
export interface OwnersMeeting {
  hostEmail: string;
  meeting: ScheduledMeeting;
  writtenBack: boolean;
}

export function createHotPathActivities({
  findHostEmail,
  createZoomMeeting,
  writeEventFields,
}: Pick<MeetingActivities, 'findHostEmail' | 'createZoomMeeting' | 'writeEventFields'>) {
  return {
    async createZoomMeetingForOwner(input: {
      eventId: string;
      plan: MeetingPlan;
      findEarlierFirst?: boolean;
    }): Promise<OwnersMeeting> {
      const hostEmail = await findHostEmail(input.plan.ownerId);
      const meeting = await createZoomMeeting({ ...input, hostEmail });
      try {
        await writeEventFields({ eventId: input.eventId, fields: scheduledEventFields(meeting) });
        return { hostEmail, meeting, writtenBack: true };
      } catch {
        return { hostEmail, meeting, writtenBack: false };
      }
    },
  };
}
