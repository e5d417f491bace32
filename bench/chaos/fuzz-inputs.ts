import { MAX_BODY_BYTES } from '../../client/server';
import { MAX_CALLOUT_ITEMS } from '../../domain/callout-validation';
import { DEMO_USERS } from '../../emulators/demo-org';

/**
 * The hostile bodies of the fuzz: every one is invalid for its endpoint, so none may start a workflow however it is
 * signed. Malformed JSON, wrong types, dates Salesforce cannot store (years 1000 and 9999), time zones that do not
 * exist, unknown Zoom topics, huge bodies and random bytes. Random bytes come from a seeded generator: a failing
 * run repeats.
 */
export interface FuzzBody {
  label: string;
  body: Buffer;
}

const HOUR_MS = 3_600_000;
const SUBJECT_MAX = 255;
/** Valid ids of the right shapes, for bodies wrong elsewhere. */
const FUZZ_EVENT_ID = '00U00000000FUZZ';
const ACCOUNT_ID = '001000000000001AAA';
const CONTACT_ID = '003000000000001AAA';
const ZOOM_MEETING_ID = '85000000001';

const sfDateTime = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

/** mulberry32: a small seeded generator, so the random bytes are the same in every run. */
function seededBytes(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return (length: number) => Buffer.from(Array.from({ length }, () => Math.floor(next() * 256)));
}

/** Bodies that are wrong for any endpoint: not JSON, not an object, too big, random. */
function anyEndpointGarbage(seed: number): FuzzBody[] {
  const bytes = seededBytes(seed);
  return [
    { label: 'empty body', body: Buffer.alloc(0) },
    { label: 'truncated JSON', body: Buffer.from('{"events":[{"operation":"upsert","event":{"Id":') },
    { label: 'lone brace', body: Buffer.from('{') },
    { label: 'null', body: Buffer.from('null') },
    { label: 'array', body: Buffer.from('[]') },
    { label: 'string', body: Buffer.from('"events"') },
    { label: 'number', body: Buffer.from('1e999') },
    { label: 'NaN literal', body: Buffer.from('{"events":NaN}') },
    { label: 'byte order mark', body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{}')]) },
    { label: 'invalid UTF-8', body: Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]) },
    { label: 'deep nesting', body: Buffer.from('['.repeat(50_000) + ']'.repeat(50_000)) },
    { label: 'prototype pollution', body: Buffer.from('{"__proto__":{"polluted":true},"constructor":{}}') },
    { label: 'huge JSON (5 MB string)', body: json({ events: 'x'.repeat(5 * 1024 * 1024) }) },
    { label: 'over the body limit', body: Buffer.alloc(MAX_BODY_BYTES + 1, 0x20) },
    ...[1, 7, 64, 512, 4096, 65_536].map((length) => ({ label: `${length} random bytes`, body: bytes(length) })),
  ];
}

/** A callout item the API accepts; each case below breaks one thing in it. */
function validCalloutEvent(nowMs: number): Record<string, unknown> {
  const start = Math.floor(nowMs / HOUR_MS) * HOUR_MS + 48 * HOUR_MS;
  return {
    Id: FUZZ_EVENT_ID,
    SystemModstamp: sfDateTime(nowMs),
    Subject: 'Fuzz',
    StartDateTime: sfDateTime(start),
    EndDateTime: sfDateTime(start + HOUR_MS / 2),
    IsAllDayEvent: false,
    OwnerId: DEMO_USERS[0].salesforceId,
    Make_Zoom_Meeting__c: true,
    Customer_Time_Zone__c: 'Europe/Paris',
  };
}

/** One valid callout item, for the signature cases (refused for their headers alone) and the replay scenario. */
export function validCalloutBody(nowMs: number, eventId = FUZZ_EVENT_ID): Buffer {
  return json({ events: [{ operation: 'upsert', event: { ...validCalloutEvent(nowMs), Id: eventId } }] });
}

export function calloutBodies(nowMs: number): FuzzBody[] {
  const event = validCalloutEvent(nowMs);
  const withEvent = (label: string, changes: Record<string, unknown>, operation: unknown = 'upsert') => ({
    label,
    body: json({ events: [{ operation, event: { ...event, ...changes } }] }),
  });
  const without = (field: string) => {
    const { [field]: _dropped, ...rest } = event;
    return { label: `no ${field}`, body: json({ events: [{ operation: 'upsert', event: rest }] }) };
  };
  const year = (y: number, hour = 10) => `${y}-06-01T${String(hour).padStart(2, '0')}:00:00.000+0000`;
  return [
    ...anyEndpointGarbage(1),
    { label: 'events is an object', body: json({ events: {} }) },
    { label: 'events is a string', body: json({ events: 'all' }) },
    { label: 'events holds numbers', body: json({ events: [1, 2, 3] }) },
    { label: 'event is a string', body: json({ events: [{ operation: 'upsert', event: 'x' }] }) },
    { label: 'event is null', body: json({ events: [{ operation: 'upsert', event: null }] }) },
    {
      label: `${MAX_CALLOUT_ITEMS + 1} items`,
      body: json({ events: Array.from({ length: MAX_CALLOUT_ITEMS + 1 }, () => ({ operation: 'upsert', event })) }),
    },
    withEvent('unknown operation', {}, 'merge'),
    withEvent('numeric operation', {}, 42),
    without('Id'),
    without('SystemModstamp'),
    without('OwnerId'),
    without('StartDateTime'),
    withEvent('numeric Id', { Id: 12345 }),
    withEvent('Account Id', { Id: ACCOUNT_ID }),
    withEvent('Id with a wrong case checksum', { Id: '00U00000000FUZZaaa' }),
    withEvent('numeric SystemModstamp', { SystemModstamp: nowMs }),
    withEvent('numeric StartDateTime', { StartDateTime: 12345 }),
    withEvent('boolean StartDateTime', { StartDateTime: true }),
    withEvent('object StartDateTime', { StartDateTime: {} }),
    withEvent('list EndDateTime', { EndDateTime: [] }),
    withEvent('text checkbox', { Make_Zoom_Meeting__c: 'yes' }),
    withEvent('numeric checkbox', { Make_Zoom_Meeting__c: 1 }),
    withEvent('numeric OwnerId', { OwnerId: 42 }),
    withEvent('Contact as owner', { OwnerId: CONTACT_ID }),
    withEvent('Account as WhoId', { WhoId: ACCOUNT_ID }),
    withEvent('object Subject', { Subject: { text: 'x' } }),
    withEvent('Subject too long', { Subject: 'x'.repeat(SUBJECT_MAX + 1) }),
    withEvent('5 MB Subject', { Subject: 'x'.repeat(5 * 1024 * 1024) }),
    withEvent('start in year 1000', { StartDateTime: year(1000), EndDateTime: year(1000, 11) }),
    withEvent('start in year 9999', { StartDateTime: year(9999), EndDateTime: year(9999, 11) }),
    withEvent('end in year 9999', { EndDateTime: year(9999) }),
    withEvent('SystemModstamp in year 9999', { SystemModstamp: year(9999) }),
    withEvent('SystemModstamp in year 1000', { SystemModstamp: year(1000) }),
    withEvent('SystemModstamp an hour ahead', { SystemModstamp: sfDateTime(nowMs + HOUR_MS) }),
    withEvent('month 13', { StartDateTime: '2026-13-45T99:00:00.000+0000' }),
    withEvent('words for a date', { StartDateTime: 'tomorrow at ten' }),
    withEvent('end before start', { EndDateTime: event.StartDateTime, StartDateTime: event.EndDateTime }),
    withEvent('15 days long', { EndDateTime: sfDateTime(Date.parse(String(event.StartDateTime)) + 15 * 24 * HOUR_MS) }),
    withEvent('time zone Mars/Olympus_Mons', { Customer_Time_Zone__c: 'Mars/Olympus_Mons' }),
    withEvent('time zone UTC+25:00', { Customer_Time_Zone__c: 'UTC+25:00' }),
    withEvent('time zone path', { Customer_Time_Zone__c: '../../etc/localtime' }),
    withEvent('time zone injection', { Customer_Time_Zone__c: "Europe/Paris'; DROP TABLE Event;--" }),
    withEvent('numeric time zone', { Customer_Time_Zone__c: 1 }),
  ];
}

/** A Zoom meeting event of a handled type; each case below breaks one thing in it. */
function zoomEvent(
  event: string,
  object: Record<string, unknown>,
  nowMs: number,
  payload: Record<string, unknown> = {},
) {
  return {
    event,
    event_ts: nowMs,
    payload: {
      account_id: 'fuzz-account',
      ...payload,
      object: {
        id: ZOOM_MEETING_ID,
        uuid: 'fuzzInstanceUuid==',
        host_id: 'fuzz-host',
        topic: 'Fuzz',
        start_time: new Date(nowMs).toISOString(),
        timezone: 'Europe/Paris',
        duration: 30,
        ...object,
      },
    },
  };
}

export function webhookBodies(nowMs: number): FuzzBody[] {
  const started = (label: string, object: Record<string, unknown>) => ({
    label,
    body: json(zoomEvent('meeting.started', object, nowMs)),
  });
  const case_ = (label: string, value: unknown) => ({ label, body: json(value) });
  const joined = (participant: unknown) => zoomEvent('meeting.participant_joined', { participant }, nowMs);
  return [
    ...anyEndpointGarbage(2),
    ...['meeting.exploded', 'user.signed_in', '', '__proto__', 'toString', 'constructor'].map((topic) =>
      case_(`unknown topic "${topic}"`, zoomEvent(topic, {}, nowMs)),
    ),
    case_('numeric topic', { ...zoomEvent('meeting.started', {}, nowMs), event: 7 }),
    case_('no payload', { event: 'meeting.started', event_ts: nowMs }),
    case_('payload is a string', { event: 'meeting.started', event_ts: nowMs, payload: 'x' }),
    case_('object is a list', { event: 'meeting.ended', event_ts: nowMs, payload: { object: [] } }),
    case_('event_ts is text', { ...zoomEvent('meeting.started', {}, nowMs), event_ts: 'now' }),
    case_('negative event_ts', { ...zoomEvent('meeting.started', {}, nowMs), event_ts: -5 }),
    started('meeting id is letters', { id: 'abc' }),
    started('negative meeting id', { id: -1 }),
    started('fractional meeting id', { id: 1.5 }),
    started('meeting id of 20 digits', { id: '12345678901234567890' }),
    started('meeting id is an object', { id: {} }),
    started('no instance uuid', { uuid: null }),
    started('numeric uuid', { uuid: 5 }),
    started('topic too long', { topic: 'x'.repeat(SUBJECT_MAX + 1) }),
    started('negative duration', { duration: -3 }),
    started('text duration', { duration: 'long' }),
    started('start in year 1000', { start_time: '1000-01-01T10:00:00Z' }),
    started('start in year 9999', { start_time: '9999-12-31T10:00:00Z' }),
    started('start not a date', { start_time: 'soon' }),
    started('time zone Mars/Olympus_Mons', { timezone: 'Mars/Olympus_Mons' }),
    started('time zone UTC+25:00', { timezone: 'UTC+25:00' }),
    case_('update to year 9999', zoomEvent('meeting.updated', { start_time: '9999-01-01T00:00:00Z' }, nowMs)),
    case_('update to year 1000', zoomEvent('meeting.updated', { start_time: '1000-01-01T00:00:00Z' }, nowMs)),
    case_('update to a bad time zone', zoomEvent('meeting.updated', { timezone: 'Atlantis/Capital' }, nowMs)),
    case_('end in year 9999', zoomEvent('meeting.ended', { end_time: '9999-12-31T23:00:00Z' }, nowMs)),
    case_('participant is text', joined('x')),
    case_('join in year 1000', joined({ user_id: '16778240', join_time: '1000-01-01T00:00:00Z' })),
    case_('recording files is text', zoomEvent('recording.completed', { recording_files: 'x' }, nowMs)),
    case_('recording file is a number', zoomEvent('recording.completed', { recording_files: [1] }, nowMs)),
    case_('url validation without token', { event: 'endpoint.url_validation', payload: {} }),
    case_('url validation with a huge token', {
      event: 'endpoint.url_validation',
      payload: { plainToken: 'x'.repeat(4096) },
    }),
  ];
}
