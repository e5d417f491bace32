import type { MeetingActivities, ScheduledMeeting } from './meetings';
import type { MeetingPlan } from '../domain/meeting-plan';

/**
 * The hot path's create (`workflows/hot-path.ts`): the Event owner's e-mail and the Zoom meeting in one local
 * activity, one hand-over between the workflow and the worker fewer than the two steps apart. The steps are the
 * meeting activities' own, with their checks, failures and earlier-attempt lookup.
 */
export interface OwnersMeeting {
  hostEmail: string;
  meeting: ScheduledMeeting;
}

export function createHotPathActivities({
  findHostEmail,
  createZoomMeeting,
}: Pick<MeetingActivities, 'findHostEmail' | 'createZoomMeeting'>) {
  return {
    async createZoomMeetingForOwner(input: {
      eventId: string;
      plan: MeetingPlan;
      findEarlierFirst?: boolean;
    }): Promise<OwnersMeeting> {
      const hostEmail = await findHostEmail(input.plan.ownerId);
      const meeting = await createZoomMeeting({ ...input, hostEmail });
      return { hostEmail, meeting };
    },
  };
}
