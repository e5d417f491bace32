export { meetingWorkflow } from './meeting';
