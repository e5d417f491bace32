/**
 * The "starting now" e-mail only while it is true: a start the workflow learns of only after the meeting's
 * scheduled end (a missed `meeting.started`, seen live at the first poll) is written to the Event, not mailed.
 */
import type { MeetingOutcome } from '../../domain/meeting-outcome';
import {
  fakeActivities,
  useMeetingWorkflowHarness,
  nextEventId,
  snapshot,
  upsert,
  waitForState,
  statusesWritten,
} from '../helpers/meeting-workflow-harness';

const harness = useMeetingWorkflowHarness();

test('a start first seen at the poll after the scheduled end: Started is written, nobody is mailed', async () => {
  const live: MeetingOutcome = {
    state: 'live',
    actualStart: '2026-11-26T15:02:00.000Z',
    attendees: [],
    participantsComplete: true,
  };
  const ended: MeetingOutcome = {
    state: 'ended',
    actualStart: '2026-11-26T15:02:00.000Z',
    actualEnd: '2026-11-26T16:10:00.000Z',
    durationMinutes: 68,
    attendees: [],
    participantsComplete: true,
    recording: { summary: 'r' },
  };
  const acts = fakeActivities({
    fetchMeetingOutcome: jest.fn<Promise<MeetingOutcome>, []>().mockResolvedValueOnce(live).mockResolvedValue(ended),
  });
  await harness.withWorker(acts, async (taskQueue) => {
    const now = await harness.env.currentTimeMs();
    const handle = await harness.signalWithStart(taskQueue, upsert(snapshot(nextEventId(), now)));
    await waitForState(handle, (s) => s.phase === 'scheduled');
    // Start in 2 h, 30 min long: the first poll, 15 min after the end, finds the meeting live.
    const result = await handle.result();

    expect(result).toMatchObject({ phase: 'ended', launchEmail: 'skipped' });
    expect(statusesWritten(acts)).toContain('Started');
    expect(acts.planLaunchEmail).not.toHaveBeenCalled();
    expect(acts.sendLaunchEmail).not.toHaveBeenCalled();
  });
});
