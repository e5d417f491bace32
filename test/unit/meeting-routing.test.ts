import { chooseRoute, instanceInWindow, type MeetingRoute } from '../../domain/meeting-routing';
import type { ZoomMeetingEvent } from '../../domain/zoom-webhooks';

const HOUR = 3_600_000;
const at = (hours: number) => new Date(Date.UTC(2026, 10, 2, 9) + hours * HOUR).toISOString();
const route = (workflowId: string, startHours: number, usesPmi = true): MeetingRoute => ({
  workflowId,
  startTime: at(startHours),
  endTime: at(startHours + 0.5),
  usesPmi,
});
const event = (kind: ZoomMeetingEvent['kind'], startHours?: number): ZoomMeetingEvent => ({
  kind,
  meetingId: '3542471135',
  eventTs: 1,
  dedupeKey: `${kind}:${startHours}`,
  ...(startHours !== undefined ? { startTime: at(startHours) } : {}),
});

describe('chooseRoute', () => {
  const today = route('meeting-today', 0);
  const dayAfterTomorrow = route('meeting-later', 48);

  it('sends a PMI instance to the Event whose window holds its start, whichever registered last', () => {
    expect(chooseRoute([today, dayAfterTomorrow], event('started', 0.1))).toBe('meeting-today');
    expect(chooseRoute([dayAfterTomorrow, today], event('ended', 0.1))).toBe('meeting-today');
    expect(chooseRoute([today, dayAfterTomorrow], event('started', 47.5))).toBe('meeting-later');
  });

  it('takes an early or late start within the margin, and nothing outside it', () => {
    expect(chooseRoute([today], event('started', -0.9))).toBe('meeting-today');
    expect(chooseRoute([today], event('started', 1.4))).toBe('meeting-today');
    expect(chooseRoute([today], event('started', -1.1))).toBeUndefined();
    expect(chooseRoute([today], event('participant_joined', 2))).toBeUndefined();
  });

  it('gives two overlapping windows to the nearest scheduled start', () => {
    const at10 = route('meeting-10', 1);
    const at11 = route('meeting-11', 2);
    expect(chooseRoute([at10, at11], event('started', 1.4))).toBe('meeting-10');
    expect(chooseRoute([at10, at11], event('started', 1.6))).toBe('meeting-11');
  });

  it("routes nothing of a PMI that is no instance's: its edits and deletes belong to no Event", () => {
    expect(chooseRoute([today], event('updated'))).toBeUndefined();
    expect(chooseRoute([today, dayAfterTomorrow], event('deleted'))).toBeUndefined();
  });

  it('sends everything about a meeting of its own to its one Event, whatever the time', () => {
    const own = route('meeting-own', 0, false);
    expect(chooseRoute([own], event('started', 30))).toBe('meeting-own');
    expect(chooseRoute([own], event('updated'))).toBe('meeting-own');
  });

  it('routes nothing while no Event has claimed the meeting', () => {
    expect(chooseRoute([], event('started', 0))).toBeUndefined();
  });
});

test('instanceInWindow includes both margins exactly', () => {
  const window = { startTime: at(0), endTime: at(0.5) };
  expect(instanceInWindow(at(-1), window)).toBe(true);
  expect(instanceInWindow(at(1.5), window)).toBe(true);
  expect(instanceInWindow(at(1.5001), window)).toBe(false);
});
