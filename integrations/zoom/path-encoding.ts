/**
 * Meeting ids and UUIDs in URL paths. Zoom wants a UUID that begins with `/` or contains `//` encoded twice
 * (a single encoding gives 404); everything else once. Only the segment is encoded, never the whole path.
 */
export function encodeMeetingIdOrUuid(meetingIdOrUuid: string | number): string {
  const value = String(meetingIdOrUuid);
  const once = encodeURIComponent(value);
  return value.startsWith('/') || value.includes('//') ? encodeURIComponent(once) : once;
}

/** A user id, e-mail or `me`. */
export function encodeUserId(userIdOrEmail: string): string {
  return encodeURIComponent(userIdOrEmail);
}
