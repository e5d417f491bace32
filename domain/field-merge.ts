import type { MeetingPlan } from './meeting-plan';
import type { ZoomMeetingChanges } from './zoom-webhooks';

/**
 * A field-by-field three-way merge of the meeting fields both sides edit: the rep in Salesforce (Subject, start,
 * end, customer time zone) and the host in the Zoom portal (topic, start, duration, time zone).
 *
 * Each field keeps the value both sides should hold, when that value was made (on the side that made it), and per
 * side the value that side holds as far as we know. A side's report changes a field only when it differs from what
 * that side held at the report's time (so a side repeating the last agreed value, or our own write echoed back,
 * changes nothing); when both sides changed a field, the newer change wins. What a side does not hold yet is
 * written to it, field by field, so a concurrent edit of another field on that side survives.
 */
export const SHARED_FIELDS = ['topic', 'startTime', 'durationMinutes', 'timeZone'] as const;
export type SharedField = (typeof SHARED_FIELDS)[number];
/** A field's value; an absent time zone is null (it survives JSON, where undefined would not). */
export type SharedValue = string | number | null;
export type SharedValues = Record<SharedField, SharedValue>;
export type Side = 'org' | 'zoom';

/** What one side holds of a field, as far as we know. */
interface SideCopy {
  value: SharedValue;
  /** When the side took `value` (our write, or its own report). */
  at: number;
  /** What the side held before our last write (absent: nothing, the side got the field from us), for reports older than it. */
  before?: SharedValue;
}

interface FieldState {
  value: SharedValue;
  /** When `value` was made, on the clock of the side that made it. */
  changedAt: number;
  org: SideCopy;
  zoom: SideCopy;
}

export type SharedSync = Record<SharedField, FieldState>;

export function sharedValuesOf(plan: MeetingPlan): SharedValues {
  return {
    topic: plan.topic,
    startTime: plan.startTime,
    durationMinutes: plan.durationMinutes,
    timeZone: plan.timeZone ?? null,
  };
}

/** The plan with the merged values of the shared fields. */
export function withSharedValues(plan: MeetingPlan, sync: SharedSync): MeetingPlan {
  const merged: MeetingPlan = {
    ...plan,
    topic: sync.topic.value as string,
    startTime: sync.startTime.value as string,
    durationMinutes: sync.durationMinutes.value as number,
  };
  if (sync.timeZone.value === null) delete merged.timeZone;
  else merged.timeZone = sync.timeZone.value as string;
  return merged;
}

/** Both sides hold `values`: the org reported them at `orgAt`, and Zoom got them from us at `zoomAt`. */
export function agreedSync(values: SharedValues, orgAt: number, zoomAt: number): SharedSync {
  const sync = {} as SharedSync;
  for (const field of SHARED_FIELDS) {
    const value = values[field];
    sync[field] = { value, changedAt: orgAt, org: { value, at: orgAt }, zoom: { value, at: zoomAt } };
  }
  return sync;
}

/** A side reports its values of some fields as of `at`; the changes it made win where they are the newer ones. */
export function reportFrom(sync: SharedSync, side: Side, values: Partial<SharedValues>, at: number): SharedSync {
  const next = { ...sync };
  for (const field of SHARED_FIELDS) {
    if (!(field in values)) continue;
    const reported = values[field] as SharedValue;
    const state = sync[field];
    const copy = state[side];
    const afterOurWrite = at > copy.at;
    // A report older than our last write to the side is judged against what the side held before that write.
    if (!afterOurWrite && !('before' in copy)) continue;
    const held = afterOurWrite ? copy.value : copy.before;
    if (reported === held) continue;
    const wins = at > state.changedAt;
    next[field] = {
      ...state,
      ...(wins ? { value: reported, changedAt: at } : {}),
      [side]: afterOurWrite ? { value: reported, at } : copy,
    };
  }
  return next;
}

/** The merged values a side does not hold yet: what to write to it. */
export function writesFor(sync: SharedSync, side: Side): Partial<SharedValues> {
  const writes: Partial<SharedValues> = {};
  for (const field of SHARED_FIELDS) {
    if (sync[field][side].value !== sync[field].value) writes[field] = sync[field].value;
  }
  return writes;
}

/** Records that `fields` were written to the side at `at`. */
export function wroteTo(sync: SharedSync, side: Side, fields: Partial<SharedValues>, at: number): SharedSync {
  const next = { ...sync };
  for (const field of SHARED_FIELDS) {
    if (!(field in fields)) continue;
    const state = sync[field];
    next[field] = { ...state, [side]: { value: fields[field] as SharedValue, at, before: state[side].value } };
  }
  return next;
}

/** The merge state, or (a workflow from before the merge) both sides holding the applied plan. */
export function syncOrAgreed(sync: SharedSync | undefined, applied: MeetingPlan): SharedSync {
  return sync ?? agreedSync(sharedValuesOf(applied), 0, 0);
}

/** The shared values a Zoom-portal edit reports (a start in any ISO form, normalised as the org writes it). */
export function zoomEditValues(changes: ZoomMeetingChanges): Partial<Pick<MeetingPlan, SharedField>> {
  const { topic, startTime, duration, timezone } = changes;
  return {
    ...(topic !== undefined ? { topic } : {}),
    ...(startTime !== undefined ? { startTime: new Date(Date.parse(startTime)).toISOString() } : {}),
    ...(duration !== undefined ? { durationMinutes: duration } : {}),
    ...(timezone !== undefined ? { timeZone: timezone } : {}),
  };
}

/** An edit one side made, merged: the merge state after it, the plan to hold, and what Zoom does not hold yet. */
export interface MergedEdit {
  sync: SharedSync;
  plan: MeetingPlan;
  zoomLacks: Partial<SharedValues>;
}

/**
 * Merges the values `side` reports at `at` into the merge state of the `applied` plan. The plan to hold is `edited`
 * (the org's new plan, with its other fields) or else the applied one, with the merged values of the shared fields.
 */
export function mergeEdit(
  sync: SharedSync | undefined,
  applied: MeetingPlan,
  side: Side,
  values: Partial<SharedValues>,
  at: number,
  edited: MeetingPlan = applied,
): MergedEdit {
  const next = reportFrom(syncOrAgreed(sync, applied), side, values, at);
  return { sync: next, plan: withSharedValues(edited, next), zoomLacks: writesFor(next, 'zoom') };
}
