/** How the meeting workflow reads the failures of its activities: the typed cause, its message, a limit's wait. */
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import type { LimitWait } from '../activities/failures';

/** A limit failure without a readable reset time is tried again after this long. */
const LIMIT_WAIT_FALLBACK_MS = 15 * 60_000;

/** A callout's Zoom write cancelled because a newer callout is waiting: the newer one is applied next. */
export class Superseded extends Error {}

export function noZoomMeeting(): ApplicationFailure {
  return ApplicationFailure.create({ type: 'NoZoomMeeting', message: 'This Event has no Zoom meeting to sync' });
}

/** The activity's typed failure (an `ApplicationFailure`), if that is what `error` is or wraps. */
export function failureOf(error: unknown): ApplicationFailure | undefined {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof ApplicationFailure ? cause : undefined;
}

export function messageOf(error: unknown): string {
  return failureOf(error)?.message ?? (error instanceof Error ? error.message : String(error));
}

/** The wait a limit failure of `type` asks for: its readable reason and when (workflow time) to ask again. */
export function limitWaitOf(error: unknown, type: string): { reason: string; until: string } | undefined {
  const failure = failureOf(error);
  if (failure?.type !== type) return undefined;
  const retryAt = (failure.details?.[0] as Partial<LimitWait> | undefined)?.retryAt;
  const until =
    retryAt && !Number.isNaN(Date.parse(retryAt))
      ? retryAt
      : new Date(Date.now() + LIMIT_WAIT_FALLBACK_MS).toISOString();
  return { reason: failure.message, until };
}
