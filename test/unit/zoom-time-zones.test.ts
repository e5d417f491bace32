import { IANAZone } from 'luxon';
import { isZoomTimeZoneId, toZoomTimeZone, ZOOM_TIME_ZONE_IDS } from '../../domain/zoom-time-zones';

const NOW = Date.parse('2026-12-01T12:00:00Z');

describe("Zoom's time-zone list", () => {
  test('every id resolves in the runtime, so times can be computed in it', () => {
    expect(ZOOM_TIME_ZONE_IDS.filter((id) => !IANAZone.isValidZone(id))).toEqual([]);
    expect(new Set(ZOOM_TIME_ZONE_IDS).size).toBe(ZOOM_TIME_ZONE_IDS.length);
  });

  test.each(['America/Chicago', 'Asia/Kolkata', 'Asia/Calcutta', 'UTC', 'Etc/Greenwich', 'Canada/Atlantic', 'SST'])(
    'a listed id %p is sent as it is',
    (zone) => {
      expect(isZoomTimeZoneId(zone)).toBe(true);
      expect(toZoomTimeZone(zone, NOW)).toEqual({ ok: true, zoneId: zone });
    },
  );

  test.each([
    ['US/Central', 'America/Chicago'],
    ['Asia/Ho_Chi_Minh', 'Asia/Saigon'],
    ['Europe/Kyiv', 'Europe/Kiev'],
    ['America/Nuuk', 'America/Godthab'],
    ['America/Indiana/Indianapolis', 'America/Indianapolis'],
    ['America/Toronto', 'America/Montreal'],
    ['Etc/UTC', 'UTC'],
    ['Pacific/Guadalcanal', 'SST'],
    ['America/Buenos_Aires', 'America/Argentina/Buenos_Aires'],
  ])('an IANA alias %p is sent as Zoom id %p', (zone, zoneId) => {
    expect(isZoomTimeZoneId(zone)).toBe(false);
    expect(toZoomTimeZone(zone, NOW)).toEqual({ ok: true, zoneId });
  });

  test('a real zone Zoom does not list is refused, naming listed zones with the same time', () => {
    const boise = toZoomTimeZone('America/Boise', NOW);
    expect(boise).toEqual({
      ok: false,
      message: expect.stringMatching(/^Zoom does not accept the Customer Time Zone "America\/Boise"/),
    });
    expect(boise.ok === false && boise.message).toContain('America/Denver');
    expect(boise.ok === false && boise.message).not.toContain('America/Phoenix'); // no DST there
  });

  test('a name that is no time zone is refused as such', () => {
    expect(toZoomTimeZone('Mars/Olympus_Mons', NOW)).toEqual({
      ok: false,
      message: 'Customer Time Zone "Mars/Olympus_Mons" is not a time zone name',
    });
  });
});
