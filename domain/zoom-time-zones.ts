import { IANAZone } from 'luxon';

/**
 * Zoom's own list of time-zone ids, the only values its meeting `timezone` takes (Zoom spec: "refer to our
 * timezone list"; real-service-findings §12). Source: Zoom's API docs, appendix "Timezones"
 * (github.com/zoom/api, source/includes/appendix/lists/_timezone.md.erb, the docs Zoom published), in its order.
 * Newer copies of the page add a few ids (third-party copies show America/Juneau and America/Chihuahua); we keep to
 * the list Zoom itself published, the stricter reading.
 *
 * Most ids are IANA names, some of them old aliases (Asia/Calcutta, Asia/Saigon, America/Godthab, Europe/Kiev);
 * `CET` and `SST` (Solomon Islands) are legacy ids that ICU still resolves.
 */
export const ZOOM_TIME_ZONE_IDS: readonly string[] = [
  'Pacific/Midway',
  'Pacific/Pago_Pago',
  'Pacific/Honolulu',
  'America/Anchorage',
  'America/Vancouver',
  'America/Los_Angeles',
  'America/Tijuana',
  'America/Edmonton',
  'America/Denver',
  'America/Phoenix',
  'America/Mazatlan',
  'America/Winnipeg',
  'America/Regina',
  'America/Chicago',
  'America/Mexico_City',
  'America/Guatemala',
  'America/El_Salvador',
  'America/Managua',
  'America/Costa_Rica',
  'America/Montreal',
  'America/New_York',
  'America/Indianapolis',
  'America/Panama',
  'America/Bogota',
  'America/Lima',
  'America/Halifax',
  'America/Puerto_Rico',
  'America/Caracas',
  'America/Santiago',
  'America/St_Johns',
  'America/Montevideo',
  'America/Araguaina',
  'America/Argentina/Buenos_Aires',
  'America/Godthab',
  'America/Sao_Paulo',
  'Atlantic/Azores',
  'Canada/Atlantic',
  'Atlantic/Cape_Verde',
  'UTC',
  'Etc/Greenwich',
  'Europe/Belgrade',
  'CET',
  'Atlantic/Reykjavik',
  'Europe/Dublin',
  'Europe/London',
  'Europe/Lisbon',
  'Africa/Casablanca',
  'Africa/Nouakchott',
  'Europe/Oslo',
  'Europe/Copenhagen',
  'Europe/Brussels',
  'Europe/Berlin',
  'Europe/Helsinki',
  'Europe/Amsterdam',
  'Europe/Rome',
  'Europe/Stockholm',
  'Europe/Vienna',
  'Europe/Luxembourg',
  'Europe/Paris',
  'Europe/Zurich',
  'Europe/Madrid',
  'Africa/Bangui',
  'Africa/Algiers',
  'Africa/Tunis',
  'Africa/Harare',
  'Africa/Nairobi',
  'Europe/Warsaw',
  'Europe/Prague',
  'Europe/Budapest',
  'Europe/Sofia',
  'Europe/Istanbul',
  'Europe/Athens',
  'Europe/Bucharest',
  'Asia/Nicosia',
  'Asia/Beirut',
  'Asia/Damascus',
  'Asia/Jerusalem',
  'Asia/Amman',
  'Africa/Tripoli',
  'Africa/Cairo',
  'Africa/Johannesburg',
  'Europe/Moscow',
  'Asia/Baghdad',
  'Asia/Kuwait',
  'Asia/Riyadh',
  'Asia/Bahrain',
  'Asia/Qatar',
  'Asia/Aden',
  'Asia/Tehran',
  'Africa/Khartoum',
  'Africa/Djibouti',
  'Africa/Mogadishu',
  'Asia/Dubai',
  'Asia/Muscat',
  'Asia/Baku',
  'Asia/Kabul',
  'Asia/Yekaterinburg',
  'Asia/Tashkent',
  'Asia/Calcutta',
  'Asia/Kathmandu',
  'Asia/Novosibirsk',
  'Asia/Almaty',
  'Asia/Dacca',
  'Asia/Krasnoyarsk',
  'Asia/Dhaka',
  'Asia/Bangkok',
  'Asia/Saigon',
  'Asia/Jakarta',
  'Asia/Irkutsk',
  'Asia/Shanghai',
  'Asia/Hong_Kong',
  'Asia/Taipei',
  'Asia/Kuala_Lumpur',
  'Asia/Singapore',
  'Australia/Perth',
  'Asia/Yakutsk',
  'Asia/Seoul',
  'Asia/Tokyo',
  'Australia/Darwin',
  'Australia/Adelaide',
  'Asia/Vladivostok',
  'Pacific/Port_Moresby',
  'Australia/Brisbane',
  'Australia/Sydney',
  'Australia/Hobart',
  'Asia/Magadan',
  'SST',
  'Pacific/Noumea',
  'Asia/Kamchatka',
  'Pacific/Fiji',
  'Pacific/Auckland',
  'Asia/Kolkata',
  'Europe/Kiev',
  'America/Tegucigalpa',
  'Pacific/Apia',
];

const ZOOM_IDS = new Set(ZOOM_TIME_ZONE_IDS);

/** The zone's canonical id in the runtime's time-zone database (ICU), e.g. US/Central → America/Chicago. */
function canonicalZone(zone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** Canonical id → the first Zoom id naming that zone (UTC before Etc/Greenwich). */
const ZOOM_ID_BY_CANONICAL = new Map<string, string>();
for (const id of ZOOM_TIME_ZONE_IDS) {
  const canonical = canonicalZone(id);
  if (canonical !== undefined && !ZOOM_ID_BY_CANONICAL.has(canonical)) ZOOM_ID_BY_CANONICAL.set(canonical, id);
}

export function isZoomTimeZoneId(zone: string): boolean {
  return ZOOM_IDS.has(zone);
}

export type ZoomTimeZoneMapping = { ok: true; zoneId: string } | { ok: false; message: string };

const DAY_MS = 86_400_000;

/** Zoom ids whose UTC offsets match the zone's through the coming year (same rules in practice), at most three. */
function sameOffsetZoomIds(zone: string, nowMs: number): string[] {
  const probes = Array.from({ length: 12 }, (_, month) => nowMs + month * 30 * DAY_MS);
  const offsets = (id: string) => probes.map((at) => IANAZone.create(id).offset(at)).join(',');
  const wanted = offsets(zone);
  return ZOOM_TIME_ZONE_IDS.filter((id) => IANAZone.isValidZone(id) && offsets(id) === wanted).slice(0, 3);
}

/**
 * The Zoom id for a customer time zone (an IANA name): itself when Zoom lists it, else the Zoom id of the same
 * zone under another name (an IANA alias: US/Central → America/Chicago, Asia/Ho_Chi_Minh → Asia/Saigon,
 * Europe/Kyiv → Europe/Kiev). A zone Zoom does not know under any name is refused with a message naming Zoom ids
 * that keep the same time, rather than sent for Zoom to refuse or to replace with the host's zone.
 */
export function toZoomTimeZone(zone: string, nowMs = Date.now()): ZoomTimeZoneMapping {
  if (ZOOM_IDS.has(zone)) return { ok: true, zoneId: zone };
  const canonical = canonicalZone(zone);
  const zoneId = canonical === undefined ? undefined : ZOOM_ID_BY_CANONICAL.get(canonical);
  if (zoneId !== undefined) return { ok: true, zoneId };
  const shown = zone.length > 64 ? `${zone.slice(0, 64)}…` : zone;
  if (canonical === undefined || !IANAZone.isValidZone(zone)) {
    return { ok: false, message: `Customer Time Zone "${shown}" is not a time zone name` };
  }
  const alike = sameOffsetZoomIds(zone, nowMs);
  return {
    ok: false,
    message:
      `Zoom does not accept the Customer Time Zone "${shown}": it is not on Zoom's time-zone list. ` +
      (alike.length > 0
        ? `Choose a zone Zoom lists with the same time, such as ${alike.join(', ')}.`
        : 'Choose a zone Zoom lists, or leave the field blank to use the host\u2019s zone.'),
  };
}
