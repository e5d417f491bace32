/**
 * What a Zoom webhook asks of the meeting lifecycle in each phase (domain/zoom-event-steps.ts), without Temporal.
 */
import type { MeetingPhase } from '../../domain/meeting-lifecycle';
import type { ZoomMeetingEvent } from '../../domain/zoom-webhooks';
import { isOtherPmiInstance, zoomEventStep, type ZoomEventView } from '../../domain/zoom-event-steps';

const view = (phase: MeetingPhase, extra: Partial<ZoomEventView> = {}): ZoomEventView => ({
  phase,
  zoomMeetingId: '81000000001',
  startTime: '2026-12-01T10:00:00.000Z',
  endTime: '2026-12-01T10:30:00.000Z',
  ...extra,
});
const event = (kind: ZoomMeetingEvent['kind'], extra: Partial<ZoomMeetingEvent> = {}): ZoomMeetingEvent => ({
  kind,
  meetingId: '81000000001',
  eventTs: 0,
  dedupeKey: kind,
  ...extra,
});
const recording = { files: [{ fileType: 'MP4' }] } as unknown as ZoomMeetingEvent['recording'];

test("another meeting's events, or any before this Event has a meeting, are not this Event's", () => {
  expect(zoomEventStep(view('scheduled'), event('started', { meetingId: '82' }))).toBe('other-meeting');
  expect(zoomEventStep(view('pending', { zoomMeetingId: undefined }), event('started'))).toBe('other-meeting');
});

test.each([
  ['started', 'scheduled', 'mark-started'],
  ['started', 'awaiting-start', 'mark-started'],
  ['started', 'started', 'ignore'],
  ['started', 'ended', 'ignore'],
  ['participant_joined', 'ended', 'participant-joined'],
  ['participant_left', 'started', 'participant-left'],
  ['ended', 'scheduled', 'sync-ended'],
  ['ended', 'started', 'sync-ended'],
  ['ended', 'not-started', 'sync-ended'],
  ['ended', 'ended', 'ignore'],
  ['ended', 'cancelled', 'ignore'],
  ['updated', 'awaiting-start', 'apply-edit'],
  ['updated', 'started', 'ignore'],
  ['deleted', 'scheduled', 'deleted-in-zoom'],
  ['deleted', 'ended', 'ignore'],
] as const)('%s in phase %s: %s', (kind, phase, step) => {
  expect(zoomEventStep(view(phase), event(kind))).toBe(step);
});

test('a recording with files is written; one without files asks for nothing', () => {
  expect(zoomEventStep(view('ended'), event('recording_completed', { recording }))).toBe('write-recording');
  expect(zoomEventStep(view('ended'), event('recording_completed', { recording: { files: [] } as never }))).toBe(
    'ignore',
  );
});

test("a PMI instance outside the Event's window is another instance; edits and deletes concern the PMI itself", () => {
  const pmi = view('scheduled', { usesPmi: true });
  const dayAfter = '2026-12-03T10:00:00.000Z';
  expect(isOtherPmiInstance(pmi, event('started', { startTime: dayAfter }))).toBe(true);
  expect(isOtherPmiInstance(pmi, event('started', { startTime: '2026-12-01T10:05:00.000Z' }))).toBe(false);
  expect(isOtherPmiInstance(pmi, event('updated', { startTime: dayAfter }))).toBe(false);
  expect(isOtherPmiInstance(view('scheduled'), event('started', { startTime: dayAfter }))).toBe(false);
});
