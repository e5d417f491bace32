export { meetingWorkflow } from './meeting';
export { meetingSyncWorkflow } from './meeting-sync';
export { meetingEmailWorkflow } from './meeting-email';
export { instantMeetingWorkflow } from './instant-meeting';
