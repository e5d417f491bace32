import type { ZoomClient } from '../integrations/zoom/client';
import { missingZoomScopes } from '../integrations/zoom/scopes';

export interface ZoomScopeCheck {
  ok: boolean;
  /** Granular names of the scopes the app lacks. */
  missing: string[];
  /** Why the check could not run (Zoom out of reach, bad credentials). */
  error?: string;
}

/**
 * The worker's start-up self-check: asks Zoom for a token and compares its `scope` with what the worker needs
 * (`REQUIRED_ZOOM_SCOPES`). Anything missing is one log line naming each scope and what it is for; the worker runs
 * on either way (the calls that need a missing scope retry slowly until an admin adds it).
 */
export async function checkZoomScopes(
  zoom: Pick<ZoomClient, 'grantedScopes'>,
  log: (line: string) => void,
): Promise<ZoomScopeCheck> {
  let granted: string[];
  try {
    granted = await zoom.grantedScopes();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    log(`Could not check the Zoom app's scopes at start-up: ${reason}`);
    return { ok: false, missing: [], error: reason };
  }
  const missing = missingZoomScopes(granted);
  if (missing.length === 0) return { ok: true, missing: [] };
  const list = missing.map((need) => `${need.scope} (${need.purpose})`).join(', ');
  log(
    `The Zoom app lacks ${missing.length} scope${missing.length > 1 ? 's' : ''} the worker needs: ${list}. ` +
      'Add them in the Zoom App Marketplace (app → Scopes); see README, Configuration.',
  );
  return { ok: false, missing: missing.map((need) => need.scope) };
}
