import { ZoomError } from './errors';

/**
 * Which OAuth scope each emulated route needs. A Server-to-Server token carries the app's scopes (its `scope`), and
 * a call outside them fails with 400 `{"code":4711,"message":"Invalid access token, does not contain scopes:[…]."}`
 * (devforum /t/granular-scopes-specification-change-of-scope-setting-for-creating-oauth-apps-on-the-developer-site/108207;
 * real-service-findings §3; the HTTP status 400 is the reading the issue asks for).
 *
 * Granular names: seen on a real token (devforum /t/…/142405, quoted in shared/reference/zoom-api.md §1) for the
 * meeting ones; Worklytics' psoxy Zoom setup (S2S app) for `user:read:list_users:admin`,
 * `report:read:list_meeting_participants:admin` and `report:read:user:admin`; `cloud_recording:read:list_recording_files:admin`
 * from public S2S app guides. Apps made before May 2024 may hold the classic scope instead (psoxy: "`user:read:admin`,
 * `meeting:read:admin`, `report:read:admin` are sufficient"), which the route accepts too.
 */
export interface RouteScope {
  granular: string;
  classic: string;
}

const scope = (granular: string, classic: string): RouteScope => ({ granular, classic });

/** `METHOD routeUrl` (fastify's route pattern) → the scope it needs. */
export const ROUTE_SCOPES: Readonly<Record<string, RouteScope>> = {
  'GET /v2/users': scope('user:read:list_users:admin', 'user:read:admin'),
  'GET /v2/users/:userId': scope('user:read:user:admin', 'user:read:admin'),
  'POST /v2/users/:userId/meetings': scope('meeting:write:meeting:admin', 'meeting:write:admin'),
  'GET /v2/users/:userId/meetings': scope('meeting:read:list_meetings:admin', 'meeting:read:admin'),
  'GET /v2/meetings/:meetingId': scope('meeting:read:meeting:admin', 'meeting:read:admin'),
  'PATCH /v2/meetings/:meetingId': scope('meeting:update:meeting:admin', 'meeting:write:admin'),
  'DELETE /v2/meetings/:meetingId': scope('meeting:delete:meeting:admin', 'meeting:write:admin'),
  'GET /v2/past_meetings/:meetingId': scope('meeting:read:past_meeting:admin', 'meeting:read:admin'),
  'GET /v2/past_meetings/:meetingId/instances': scope('meeting:read:list_past_instances:admin', 'meeting:read:admin'),
  'GET /v2/past_meetings/:meetingId/participants': scope(
    'meeting:read:list_past_participants:admin',
    'meeting:read:admin',
  ),
  'GET /v2/report/meetings/:meetingId/participants': scope(
    'report:read:list_meeting_participants:admin',
    'report:read:admin',
  ),
  'GET /v2/report/users/:userId/meetings': scope('report:read:user:admin', 'report:read:admin'),
  'GET /v2/meetings/:meetingId/recordings': scope(
    'cloud_recording:read:list_recording_files:admin',
    'recording:read:admin',
  ),
};

/** Every granular scope a route needs: what a fully configured app holds (the emulator's default grant). */
export const ALL_ROUTE_SCOPES: readonly string[] = [...new Set(Object.values(ROUTE_SCOPES).map((s) => s.granular))];

/** The 4711 refusal of a call whose token lacks the route's scope, or undefined when it may go on. */
export function scopeRejection(method: string, routeUrl: string | undefined, granted: ReadonlySet<string>) {
  const needed = routeUrl === undefined ? undefined : ROUTE_SCOPES[`${method} ${routeUrl}`];
  if (!needed || granted.has(needed.granular) || granted.has(needed.classic)) return undefined;
  return new ZoomError(400, 4711, `Invalid access token, does not contain scopes:[${needed.granular}].`);
}
