export { meetingWorkflow } from './meeting';
export { meetingSyncWorkflow } from './meeting-sync';
export { meetingEmailWorkflow } from './meeting-email';
export { instantMeetingWorkflow } from './instant-meeting';
export { signedRequestWorkflow } from './signed-request';
export { hourlySyncWorkflow } from './hourly-sync';
export { hostSyncWorkflow } from './host-sync';
export { zoomMeetingRouterWorkflow } from './zoom-meeting-router';
