export { meetingWorkflow } from './meeting';
export { meetingSyncWorkflow } from './meeting-sync';
