import type { MetricMeter } from '@temporalio/common';

/**
 * The operator's signal that Zoom refuses the app's credentials (a rotated client secret, a deactivated app): one
 * log line when the refusal begins and one when Zoom accepts again, however many Events' steps are waiting meanwhile,
 * and the gauge `zoom_credentials_refused` (1 while refused) on the worker's runtime meter (process-wide, like the
 * Salesforce allowance gauges). The Zoom client calls it on each change (`ZoomClientOptions.credentialWatch`); the
 * meeting workflows waiting meanwhile show `SyncHealth = Paused` in the Web UI.
 */
export interface ZoomCredentialWatch {
  refused(reason: string): void;
  accepted(): void;
}

export function createZoomCredentialWatch(
  logLine: (line: string) => void = console.error,
  runtimeMeter?: MetricMeter,
): ZoomCredentialWatch {
  const gauge = runtimeMeter?.createGauge(
    'zoom_credentials_refused',
    'int',
    'state',
    "1 while Zoom refuses the app's credentials",
  );
  gauge?.set(0);
  let refused = false;
  return {
    refused(reason) {
      if (refused) return;
      gauge?.set(1);
      refused = true;
      // Zoom's own text ("Invalid client_id or client_secret"), never the secret.
      logLine(
        `Zoom refused the app's credentials (${reason}): every Zoom step is paused and retried until an admin fixes ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET or reactivates the app (see README, Configuration)`,
      );
    },
    accepted() {
      if (!refused) return;
      gauge?.set(0);
      refused = false;
      logLine("Zoom accepts the app's credentials again: paused Zoom steps resume at their next retry");
    },
  };
}
