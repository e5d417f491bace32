import { TtlCache } from '../common/ttl-cache';
import type { SalesforceClient, ZoomSettings } from '../integrations/salesforce/client';

/** Users' `Zoom_Settings__c`, read through the API and remembered briefly (an admin's change shows within a minute). */
export function createZoomSettingsReader(salesforce: Pick<SalesforceClient, 'getZoomSettings'>, ttlMs = 60_000) {
  const cache = new TtlCache<string, ZoomSettings>(ttlMs);
  /** `fresh`: read through (the caller knows the setting changed), keeping the answer for the others. */
  return async (userId: string, options: { fresh?: boolean } = {}): Promise<ZoomSettings> => {
    const cached = options.fresh ? undefined : cache.get(userId);
    if (cached) return cached;
    const settings = await salesforce.getZoomSettings(userId);
    cache.set(userId, settings);
    return settings;
  };
}
