/**
 * The OAuth scopes the worker's Zoom calls need, each with what it is for and the classic scope that also covers it
 * (apps created before May 2024 may hold classic scopes; new apps get granular ones only). A Server-to-Server token
 * answers `scope` with the app's scopes; a call outside them fails with code 4711. Names: Zoom's granular scopes as
 * seen on real tokens and in S2S app guides (shared/reference/zoom-api.md §1, real-service-findings §3).
 */
/** Zoom's code for a token without a scope the call needs; a scope added to the app since applies to new tokens. */
export const MISSING_SCOPE_CODE = 4711;

export interface ZoomScopeNeed {
  scope: string;
  /** The classic scope that grants the same call. */
  classic: string;
  /** What the worker does with it, for the operator. */
  purpose: string;
}

export const REQUIRED_ZOOM_SCOPES: readonly ZoomScopeNeed[] = [
  { scope: 'meeting:write:meeting:admin', classic: 'meeting:write:admin', purpose: 'create meetings' },
  { scope: 'meeting:update:meeting:admin', classic: 'meeting:write:admin', purpose: 'move or rename meetings' },
  { scope: 'meeting:delete:meeting:admin', classic: 'meeting:write:admin', purpose: 'delete cancelled meetings' },
  { scope: 'meeting:read:meeting:admin', classic: 'meeting:read:admin', purpose: 'start URLs and meeting state' },
  {
    scope: 'meeting:read:list_meetings:admin',
    classic: 'meeting:read:admin',
    purpose: 'find a meeting after a crash, hourly sync',
  },
  { scope: 'meeting:read:past_meeting:admin', classic: 'meeting:read:admin', purpose: 'meeting outcome' },
  { scope: 'meeting:read:list_past_instances:admin', classic: 'meeting:read:admin', purpose: 'meeting outcome' },
  {
    scope: 'meeting:read:list_past_participants:admin',
    classic: 'meeting:read:admin',
    purpose: 'participants',
  },
  {
    scope: 'report:read:list_meeting_participants:admin',
    classic: 'report:read:admin',
    purpose: 'participants (report)',
  },
  { scope: 'report:read:user:admin', classic: 'report:read:admin', purpose: 'external meetings (hourly sync)' },
  {
    scope: 'cloud_recording:read:list_recording_files:admin',
    classic: 'recording:read:admin',
    purpose: 'recording links',
  },
  { scope: 'user:read:list_users:admin', classic: 'user:read:admin', purpose: 'hosts (hourly sync)' },
];

/** The needs a token's `scope` (space-separated) does not cover, in table order. */
export function missingZoomScopes(granted: readonly string[]): ZoomScopeNeed[] {
  const have = new Set(granted);
  return REQUIRED_ZOOM_SCOPES.filter((need) => !have.has(need.scope) && !have.has(need.classic));
}

/** The scopes a 4711 message names: "Invalid access token, does not contain scopes:[a, b]." */
export function scopesNamedIn(message: string): string[] {
  const list = /scopes?\s*:\s*\[([^\]]*)\]/i.exec(message)?.[1] ?? '';
  return list
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
