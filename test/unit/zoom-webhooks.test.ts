import { createHmac } from 'node:crypto';
import {
  parseZoomWebhook,
  signZoomWebhook,
  urlValidationResponse,
  verifyZoomWebhook,
  ZOOM_MAX_SKEW_SECONDS,
  ZOOM_RETRY_HORIZON_SECONDS,
  ZOOM_SIGNATURE_HEADER,
  ZOOM_TIMESTAMP_HEADER,
  zoomWebhookHeaders,
  type ParsedZoomWebhook,
  type ZoomMeetingEvent,
} from '../../domain/zoom-webhooks';

/** Signature, URL validation and normalisation of Zoom's webhooks (reference: zoom-api.md §5). */

const SECRET = 'zoom-webhook-secret-token-0123456789';
const NOW_MS = 1_795_716_000_000;
const NOW_S = NOW_MS / 1000;
const EVENT_TS = 1_795_715_999_123;
const MEETING = 97763643886;
const UUID = '4444AAAiAAAAAiAiAiiAii==';

/** The same computation written out with node:crypto, independently of the module under test. */
function expectedSignature(secret: string, timestamp: string, body: string): string {
  return 'v0=' + createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
}

function signed(body: string, seconds = NOW_S, secret = SECRET) {
  const timestamp = String(seconds);
  return { timestamp, signature: signZoomWebhook(secret, timestamp, body) };
}

function liveObject<O extends object = object>(overrides: O = {} as O) {
  return {
    id: String(MEETING),
    uuid: UUID,
    host_id: '30R7kT7bTIKSNUFEuH_Qlg',
    topic: 'Quarterly review',
    type: 2,
    start_time: '2026-03-02T17:01:02Z',
    timezone: 'America/Los_Angeles',
    duration: 60,
    ...overrides,
  };
}

function envelope<T>(event: string, object: T, extra: Record<string, unknown> = {}) {
  return { event, event_ts: EVENT_TS, ...extra, payload: { account_id: 'AAA', object } };
}

function meetingEvent(parsed: ParsedZoomWebhook): ZoomMeetingEvent {
  if (parsed.kind !== 'meeting') throw new Error(`expected a meeting event, got ${JSON.stringify(parsed)}`);
  return parsed.event;
}

function errorsOf(parsed: ParsedZoomWebhook): string[] {
  if (parsed.kind !== 'invalid') throw new Error(`expected invalid, got ${JSON.stringify(parsed)}`);
  return parsed.errors;
}

const participantJoined = () =>
  envelope(
    'meeting.participant_joined',
    liveObject({
      participant: {
        user_id: '16778240',
        user_name: 'Jill Chill',
        id: '30R7kT7bTIKSNUFEuH_Qlg',
        participant_uuid: 'p-uuid-1',
        join_time: '2026-03-02T17:01:10Z',
        email: 'jchill@example.com',
        registrant_id: '',
        participant_user_id: 'puid-1',
        customer_key: '',
        phone_number: '+15551234567',
      },
    }),
  );

const recordingCompleted = () =>
  envelope(
    'recording.completed',
    {
      id: MEETING,
      uuid: UUID,
      host_id: 'z8yB',
      account_id: 'AAA',
      topic: 'Quarterly review',
      type: 2,
      start_time: '2026-03-02T17:01:02Z',
      timezone: 'America/Los_Angeles',
      host_email: 'host@example.com',
      duration: 54,
      password: 'rec-password',
      share_url: 'https://zoom.us/rec/share/abc',
      total_size: 123456,
      recording_count: 2,
      recording_play_passcode: 'play-passcode',
      recording_files: [
        {
          id: 'file-1',
          meeting_id: UUID,
          recording_start: '2026-03-02T17:01:05Z',
          recording_end: '2026-03-02T17:55:00Z',
          file_type: 'MP4',
          file_size: 1234,
          file_extension: 'MP4',
          play_url: 'https://zoom.us/rec/play/1',
          download_url: 'https://zoom.us/rec/download/1',
          status: 'completed',
          recording_type: 'shared_screen_with_speaker_view',
        },
        { id: 'file-2', file_type: 'TRANSCRIPT', recording_type: 'audio_transcript' },
      ],
    },
    { download_token: 'eyJdownload-token-secret' },
  );

describe('Zoom webhook signature', () => {
  const body = JSON.stringify(envelope('meeting.started', liveObject()));

  it('is v0= and the hex HMAC-SHA256 of "v0:<timestamp>:<body>"', () => {
    expect(signZoomWebhook(SECRET, '1658940994', body)).toBe(expectedSignature(SECRET, '1658940994', body));
    expect(signZoomWebhook(SECRET, '1', 'x')).toMatch(/^v0=[0-9a-f]{64}$/);
    // echo -n 'v0:1658940994:{"a":1}' | openssl dgst -sha256 -hmac 'secret'
    expect(signZoomWebhook('secret', '1658940994', '{"a":1}')).toBe(
      'v0=e110bedfcde5379a9dbe3f7eb058767c173b1c54b0578a253d56216c65f1fec4',
    );
  });

  it('verifies what zoomWebhookHeaders produces (unix seconds), over a string or the same bytes', () => {
    const headers = zoomWebhookHeaders(SECRET, body, NOW_MS + 999);
    expect(headers[ZOOM_TIMESTAMP_HEADER]).toBe(String(NOW_S));
    expect(headers['content-type']).toMatch(/^application\/json/);
    const given = { timestamp: headers[ZOOM_TIMESTAMP_HEADER], signature: headers[ZOOM_SIGNATURE_HEADER] };
    expect(given.signature).toBe(expectedSignature(SECRET, String(NOW_S), body));
    expect(verifyZoomWebhook(SECRET, given, body, NOW_MS)).toEqual({ ok: true });
    expect(verifyZoomWebhook(SECRET, given, Buffer.from(body), NOW_MS)).toEqual({ ok: true });
  });

  it('verifies the raw bytes: a body with spaces verifies as sent, not once re-serialised', () => {
    const spaced = JSON.stringify(JSON.parse(body), null, 2).replace(/"topic": /, '"topic" :  ');
    const given = signed(spaced);
    expect(verifyZoomWebhook(SECRET, given, Buffer.from(spaced, 'utf8'), NOW_MS)).toEqual({ ok: true });
    const reserialised = JSON.stringify(JSON.parse(spaced));
    expect(verifyZoomWebhook(SECRET, given, reserialised, NOW_MS)).toEqual({
      ok: false,
      reason: 'Signature does not match',
    });
  });

  it('verifies non-ASCII bodies byte for byte', () => {
    const unicode = JSON.stringify(envelope('meeting.started', liveObject({ topic: 'Réunion — 東京' })));
    expect(verifyZoomWebhook(SECRET, signed(unicode), Buffer.from(unicode, 'utf8'), NOW_MS)).toEqual({ ok: true });
  });

  it('rejects a single tampered byte', () => {
    const bytes = Buffer.from(body, 'utf8');
    const tampered = Buffer.from(bytes);
    tampered[tampered.indexOf('Quarterly')] = 'q'.charCodeAt(0);
    expect(verifyZoomWebhook(SECRET, signed(body), tampered, NOW_MS)).toEqual({
      ok: false,
      reason: 'Signature does not match',
    });
  });

  it('rejects another secret, a tampered signature, and a signature of the wrong length', () => {
    expect(verifyZoomWebhook(SECRET, signed(body, NOW_S, 'another-secret'), body, NOW_MS).ok).toBe(false);
    const given = signed(body);
    const flipped = given.signature.slice(0, -1) + (given.signature.endsWith('0') ? '1' : '0');
    expect(verifyZoomWebhook(SECRET, { ...given, signature: flipped }, body, NOW_MS).ok).toBe(false);
    expect(verifyZoomWebhook(SECRET, { ...given, signature: 'v0=abc' }, body, NOW_MS).ok).toBe(false);
    expect(verifyZoomWebhook(SECRET, { ...given, signature: given.signature.toUpperCase() }, body, NOW_MS).ok).toBe(
      false,
    );
  });

  it('rejects missing headers', () => {
    const given = signed(body);
    const missing = { ok: false, reason: 'Missing x-zm-request-timestamp or x-zm-signature header' };
    expect(verifyZoomWebhook(SECRET, { signature: given.signature }, body, NOW_MS)).toEqual(missing);
    expect(verifyZoomWebhook(SECRET, { timestamp: given.timestamp }, body, NOW_MS)).toEqual(missing);
    expect(verifyZoomWebhook(SECRET, { timestamp: '', signature: '' }, body, NOW_MS)).toEqual(missing);
  });

  it('rejects a malformed timestamp', () => {
    for (const timestamp of ['abc', '-1', '1795716000.5', ' 1795716000', '179571600012']) {
      const given = { timestamp, signature: signZoomWebhook(SECRET, timestamp, body) };
      expect(verifyZoomWebhook(SECRET, given, body, NOW_MS)).toEqual({
        ok: false,
        reason: 'x-zm-request-timestamp must be unix seconds',
      });
    }
  });

  it(`accepts ${ZOOM_MAX_SKEW_SECONDS} s of skew ahead, and timestamps as old as Zoom's last retry`, () => {
    expect(ZOOM_RETRY_HORIZON_SECONDS).toBe((5 + 20 + 60) * 60 + 3 * 3 + 300);
    expect(verifyZoomWebhook(SECRET, signed(body, NOW_S - 300), body, NOW_MS)).toEqual({ ok: true });
    expect(verifyZoomWebhook(SECRET, signed(body, NOW_S + 300), body, NOW_MS)).toEqual({ ok: true });
    // Older than the skew: a retry carrying its first attempt's timestamp, reported with its age.
    expect(verifyZoomWebhook(SECRET, signed(body, NOW_S - 301), body, NOW_MS)).toEqual({ ok: true, ageSeconds: 301 });
    const last = NOW_S - ZOOM_RETRY_HORIZON_SECONDS;
    expect(verifyZoomWebhook(SECRET, signed(body, last), body, NOW_MS)).toMatchObject({ ok: true });
    expect(verifyZoomWebhook(SECRET, signed(body, last - 1), body, NOW_MS)).toEqual({
      ok: false,
      reason: "x-zm-request-timestamp is older than Zoom's last retry",
    });
    expect(verifyZoomWebhook(SECRET, signed(body, NOW_S + 301), body, NOW_MS)).toEqual({
      ok: false,
      reason: 'x-zm-request-timestamp is more than 300 s ahead of now',
    });
  });

  it('reads a 13-digit timestamp as milliseconds for freshness, and signs it as sent', () => {
    expect(verifyZoomWebhook(SECRET, signed(body, NOW_MS), body, NOW_MS)).toEqual({ ok: true });
    expect(verifyZoomWebhook(SECRET, signed(body, NOW_MS - 301_000), body, NOW_MS)).toEqual({
      ok: true,
      ageSeconds: 301,
    });
    expect(verifyZoomWebhook(SECRET, signed(body, NOW_MS + 301_000), body, NOW_MS).ok).toBe(false);
  });
});

describe('URL validation', () => {
  it('answers the plain token and its hex HMAC-SHA256 keyed with the secret token', () => {
    const plainToken = 'qgg8vlvZRS6UYooatFL8Aw';
    const encryptedToken = createHmac('sha256', SECRET).update(plainToken).digest('hex');
    expect(urlValidationResponse(SECRET, plainToken)).toEqual({ plainToken, encryptedToken });
  });

  it('matches a fixed vector', () => {
    // echo -n 'qgg8vlvZRS6UYooatFL8Aw' | openssl dgst -sha256 -hmac 'secret'
    expect(urlValidationResponse('secret', 'qgg8vlvZRS6UYooatFL8Aw').encryptedToken).toBe(
      '72cef096bfd47c0b8664df30d07721641e4abd7e885ba432204260db477a9a3e',
    );
  });

  it('parses endpoint.url_validation', () => {
    const body = {
      event: 'endpoint.url_validation',
      payload: { plainToken: 'qgg8vlvZRS6UYooatFL8Aw' },
      event_ts: 1654503849680,
    };
    expect(parseZoomWebhook(body)).toEqual({ kind: 'url_validation', plainToken: 'qgg8vlvZRS6UYooatFL8Aw' });
  });

  it('rejects a validation request without a plain token', () => {
    for (const payload of [undefined, {}, { plainToken: '' }, { plainToken: 42 }, { plainToken: 'x'.repeat(1025) }]) {
      expect(parseZoomWebhook({ event: 'endpoint.url_validation', payload }).kind).toBe('invalid');
    }
  });
});

describe('parseZoomWebhook', () => {
  it('normalises meeting.started (string id)', () => {
    const event = meetingEvent(parseZoomWebhook(envelope('meeting.started', liveObject())));
    expect(event).toEqual({
      kind: 'started',
      meetingId: '97763643886',
      meetingUuid: UUID,
      eventTs: EVENT_TS,
      dedupeKey: `meeting.started:${UUID}:${EVENT_TS}`,
      startTime: '2026-03-02T17:01:02.000Z',
      topic: 'Quarterly review',
      duration: 60,
      timezone: 'America/Los_Angeles',
    });
  });

  it('gives the same meeting id for a number and a string', () => {
    const asString = meetingEvent(parseZoomWebhook(envelope('meeting.started', liveObject())));
    const asNumber = meetingEvent(parseZoomWebhook(envelope('meeting.started', liveObject({ id: MEETING }))));
    expect(asNumber.meetingId).toBe('97763643886');
    expect(asNumber).toEqual(asString);
  });

  it('normalises meeting.ended with its end time and offsets to UTC', () => {
    const body = envelope('meeting.ended', liveObject({ end_time: '2026-03-02T09:55:02-08:00' }));
    const event = meetingEvent(parseZoomWebhook(body));
    expect(event.kind).toBe('ended');
    expect(event.endTime).toBe('2026-03-02T17:55:02.000Z');
    expect(event.dedupeKey).toBe(`meeting.ended:${UUID}:${EVENT_TS}`);
  });

  it('normalises meeting.participant_joined to ids and times: no name, e-mail, phone number or other extras', () => {
    const event = meetingEvent(parseZoomWebhook(participantJoined()));
    expect(event.kind).toBe('participant_joined');
    expect(event.participant).toEqual({
      id: '30R7kT7bTIKSNUFEuH_Qlg',
      userId: '16778240',
      participantUuid: 'p-uuid-1',
      joinTime: '2026-03-02T17:01:10.000Z',
    });
    expect(event.dedupeKey).toBe(`meeting.participant_joined:${UUID}:${EVENT_TS}:16778240`);
    for (const pii of ['5551234567', 'Jill Chill', 'jchill@example.com'])
      expect(JSON.stringify(event)).not.toContain(pii);
  });

  it('normalises meeting.participant_left for a guest (blank id and e-mail)', () => {
    const body = envelope(
      'meeting.participant_left',
      liveObject({
        participant: {
          user_id: '16778241',
          user_name: 'iPhone',
          id: '',
          participant_uuid: 'p-uuid-2',
          leave_time: '2026-03-02T17:20:00Z',
          leave_reason: 'left the meeting',
          email: '',
        },
      }),
    );
    const event = meetingEvent(parseZoomWebhook(body));
    expect(event.kind).toBe('participant_left');
    expect(event.participant).toEqual({
      userId: '16778241',
      participantUuid: 'p-uuid-2',
      leaveTime: '2026-03-02T17:20:00.000Z',
    });
  });

  it('tells apart two participants joining in the same millisecond', () => {
    const first = participantJoined();
    const second = participantJoined();
    second.payload.object.participant = { ...second.payload.object.participant, user_id: '16778299' };
    expect(meetingEvent(parseZoomWebhook(first)).dedupeKey).not.toBe(meetingEvent(parseZoomWebhook(second)).dedupeKey);
  });

  it('normalises recording.completed (numeric id) and never keeps the download token or passwords', () => {
    const event = meetingEvent(parseZoomWebhook(recordingCompleted()));
    expect(event).toMatchObject({
      kind: 'recording_completed',
      meetingId: '97763643886',
      meetingUuid: UUID,
      duration: 54,
      dedupeKey: `recording.completed:${UUID}:${EVENT_TS}`,
    });
    expect(event.recording).toEqual({
      shareUrl: 'https://zoom.us/rec/share/abc',
      totalSize: 123456,
      recordingCount: 2,
      files: [
        {
          id: 'file-1',
          fileType: 'MP4',
          recordingType: 'shared_screen_with_speaker_view',
          playUrl: 'https://zoom.us/rec/play/1',
          downloadUrl: 'https://zoom.us/rec/download/1',
          recordingStart: '2026-03-02T17:01:05.000Z',
          recordingEnd: '2026-03-02T17:55:00.000Z',
          fileSize: 1234,
          status: 'completed',
        },
        { id: 'file-2', fileType: 'TRANSCRIPT', recordingType: 'audio_transcript' },
      ],
    });
    const serialised = JSON.stringify(event);
    for (const secret of ['download-token', 'download_token', 'rec-password', 'play-passcode', 'host@example.com']) {
      expect(serialised).not.toContain(secret);
    }
  });

  it('normalises meeting.updated: only the changed fields, from payload.object', () => {
    const body = {
      event: 'meeting.updated',
      event_ts: EVENT_TS,
      payload: {
        account_id: 'AAA',
        operator: 'admin@example.com',
        operator_id: 'z8yCxjabcdEFGHfp8uQ',
        scope: 'single',
        object: { id: MEETING, topic: 'New title', start_time: '2026-03-03T18:00:00Z' },
        time_stamp: EVENT_TS,
        old_object: { id: MEETING, topic: 'Old title', start_time: '2026-03-02T17:00:00Z' },
      },
    };
    const event = meetingEvent(parseZoomWebhook(body));
    expect(event).toEqual({
      kind: 'updated',
      meetingId: '97763643886',
      eventTs: EVENT_TS,
      dedupeKey: `meeting.updated:97763643886:${EVENT_TS}`,
      operatorId: 'z8yCxjabcdEFGHfp8uQ',
      changes: { topic: 'New title', startTime: '2026-03-03T18:00:00.000Z' },
    });
    expect(JSON.stringify(event)).not.toContain('admin@example.com');
    expect(JSON.stringify(event)).not.toContain('Old title');
  });

  it('delivers a meeting.updated that changed only settings, with empty changes', () => {
    const body = envelope('meeting.updated', { id: MEETING, settings: { join_before_host: true } });
    expect(meetingEvent(parseZoomWebhook(body)).changes).toEqual({});
  });

  it("dates meeting.deleted without event_ts (legal in Zoom's types) by the request timestamp", () => {
    const body = envelope('meeting.deleted', { id: Number(MEETING), uuid: UUID });
    delete (body as Partial<typeof body>).event_ts;
    const parsed = parseZoomWebhook(body, { requestTimestampMs: NOW_MS });
    expect(parsed).toMatchObject({ kind: 'meeting', datedByRequest: true });
    expect(meetingEvent(parsed)).toMatchObject({ eventTs: NOW_MS, dedupeKey: `meeting.deleted:${UUID}:${NOW_MS}` });
    expect(errorsOf(parseZoomWebhook(body))).toEqual(['$.event_ts must be epoch milliseconds']);
  });

  it("answers unroutable for a participant event without object.id (legal in Zoom's types)", () => {
    const joined = participantJoined();
    const { id: _id, ...object } = joined.payload.object;
    expect(parseZoomWebhook({ ...joined, payload: { ...joined.payload, object } })).toEqual({
      kind: 'unroutable',
      event: 'meeting.participant_joined',
      meetingUuid: UUID,
    });
  });

  it('normalises meeting.deleted', () => {
    const body = {
      event: 'meeting.deleted',
      event_ts: EVENT_TS,
      payload: {
        account_id: 'AAA',
        operator: 'admin@example.com',
        operator_id: 'op-1',
        operation: 'single',
        object: {
          uuid: UUID,
          id: MEETING,
          host_id: 'h',
          type: 2,
          topic: 'Quarterly review',
          start_time: '2026-03-02T17:00:00Z',
          duration: 60,
          timezone: 'America/Los_Angeles',
        },
      },
    };
    expect(meetingEvent(parseZoomWebhook(body))).toEqual({
      kind: 'deleted',
      meetingId: '97763643886',
      meetingUuid: UUID,
      eventTs: EVENT_TS,
      dedupeKey: `meeting.deleted:${UUID}:${EVENT_TS}`,
      operatorId: 'op-1',
      startTime: '2026-03-02T17:00:00.000Z',
      topic: 'Quarterly review',
      duration: 60,
      timezone: 'America/Los_Angeles',
    });
  });

  it('treats blank optional fields as absent', () => {
    const body = envelope('meeting.started', liveObject({ start_time: '', timezone: null, topic: '' }));
    const event = meetingEvent(parseZoomWebhook(body));
    expect(event).not.toHaveProperty('startTime');
    expect(event).not.toHaveProperty('timezone');
    expect(event).not.toHaveProperty('topic');
  });

  it('ignores events it does not handle without looking at their payload', () => {
    expect(parseZoomWebhook({ event: 'meeting.created', payload: 'whatever' })).toEqual({
      kind: 'ignored',
      reason: 'event meeting.created is not handled',
    });
    expect(parseZoomWebhook({ event: 'webinar.started' }).kind).toBe('ignored');
    expect(parseZoomWebhook({ event: 'toString' }).kind).toBe('ignored');
  });

  describe('invalid bodies', () => {
    it('rejects a body that is not an object or has no event name', () => {
      expect(errorsOf(parseZoomWebhook(null))).toEqual(['$ must be an object, not null']);
      expect(errorsOf(parseZoomWebhook([]))).toEqual(['$ must be an object, not a list']);
      expect(errorsOf(parseZoomWebhook({ payload: {} }))).toEqual(['$.event must be a string']);
    });

    it('rejects a known event without payload or object', () => {
      expect(errorsOf(parseZoomWebhook({ event: 'meeting.started', event_ts: EVENT_TS }))).toEqual([
        '$.payload is required',
      ]);
      expect(errorsOf(parseZoomWebhook({ event: 'meeting.started', event_ts: EVENT_TS, payload: {} }))).toEqual([
        '$.payload.object is required',
      ]);
      expect(
        errorsOf(parseZoomWebhook({ event: 'meeting.started', event_ts: EVENT_TS, payload: { object: [] } })),
      ).toEqual(['$.payload.object must be an object, not a list']);
    });

    it('rejects a missing or malformed meeting id, uuid or event_ts', () => {
      const noId = liveObject();
      delete (noId as Partial<typeof noId>).id;
      expect(errorsOf(parseZoomWebhook(envelope('meeting.started', noId)))).toEqual([
        '$.payload.object.id is required',
      ]);
      for (const id of ['abc', '123 ', -5, 1.5, true]) {
        expect(errorsOf(parseZoomWebhook(envelope('meeting.started', liveObject({ id }))))).toEqual([
          '$.payload.object.id must be a meeting id (digits)',
        ]);
      }
      expect(errorsOf(parseZoomWebhook(envelope('meeting.ended', liveObject({ uuid: '' }))))).toEqual([
        '$.payload.object.uuid is required',
      ]);
      const noTs = { ...envelope('meeting.started', liveObject()), event_ts: '1795715999123' };
      expect(errorsOf(parseZoomWebhook(noTs))).toEqual(['$.event_ts must be epoch milliseconds']);
    });

    it('rejects malformed times and numbers, naming the field but not the value', () => {
      const body = envelope('meeting.started', liveObject({ start_time: 'yesterday', duration: '60' }));
      const errors = errorsOf(parseZoomWebhook(body));
      expect(errors).toEqual([
        '$.payload.object.start_time must be an ISO-8601 date-time',
        '$.payload.object.duration must be a non-negative integer',
      ]);
      expect(errors.join(' ')).not.toContain('yesterday');
    });

    it('rejects a participant event without its participant', () => {
      const body = envelope('meeting.participant_joined', liveObject());
      expect(errorsOf(parseZoomWebhook(body))).toEqual(['$.payload.object.participant is required']);
      const wrongType = participantJoined();
      (wrongType.payload.object.participant as Record<string, unknown>).user_id = 42;
      expect(errorsOf(parseZoomWebhook(wrongType))).toEqual([
        '$.payload.object.participant.user_id must be a string, not a number',
      ]);
    });

    it('rejects a recording without its files, or with a file lacking its type', () => {
      const noFiles = recordingCompleted();
      delete (noFiles.payload.object as Partial<typeof noFiles.payload.object>).recording_files;
      expect(errorsOf(parseZoomWebhook(noFiles))).toEqual(['$.payload.object.recording_files is required']);
      const badFile = recordingCompleted();
      (badFile.payload.object.recording_files as unknown[]).push('x', { id: 'file-3' });
      expect(errorsOf(parseZoomWebhook(badFile))).toEqual([
        '$.payload.object.recording_files[2] must be an object, not a string',
        '$.payload.object.recording_files[3].file_type is required',
      ]);
    });
  });
});

describe('Zoom-side values, as strictly as the org-side ones', () => {
  const updated = (object: Record<string, unknown>) => envelope('meeting.updated', { id: MEETING, ...object });

  it.each(['Mars/Olympus_Mons', 'America/New York', 'x'.repeat(300), "Europe/Madrid'; DROP TABLE"])(
    'refuses a meeting.updated whose timezone %p is not an IANA name (it would be written to the Event)',
    (timezone) => {
      const errors = errorsOf(parseZoomWebhook(updated({ topic: 'New title', timezone })));
      expect(errors).toEqual(['$.payload.object.timezone must be an IANA time zone name, such as "America/New_York"']);
    },
  );

  it('refuses an invalid timezone on the live events too', () => {
    const errors = errorsOf(parseZoomWebhook(envelope('meeting.started', liveObject({ timezone: 'Nowhere/Land' }))));
    expect(errors).toEqual(['$.payload.object.timezone must be an IANA time zone name, such as "America/New_York"']);
  });

  it('accepts the time zone names Zoom uses', () => {
    for (const timezone of ['America/New_York', 'Europe/Madrid', 'Asia/Kolkata', 'UTC']) {
      expect(meetingEvent(parseZoomWebhook(updated({ timezone }))).changes).toEqual({ timezone });
    }
  });

  it.each(['1699-12-31T23:00:00Z', '4001-01-01T00:00:00Z', '9999-03-03T18:00:00Z'])(
    'refuses a start_time Salesforce cannot store: %s',
    (start) => {
      const errors = errorsOf(parseZoomWebhook(updated({ start_time: start })));
      expect(errors).toEqual([
        '$.payload.object.start_time must be between 1700-01-01 and 4000-12-31, the date-times Salesforce stores',
      ]);
    },
  );

  it('refuses a topic longer than an Event Subject (255 characters)', () => {
    const errors = errorsOf(parseZoomWebhook(updated({ topic: 'x'.repeat(256) })));
    expect(errors).toEqual(['$.payload.object.topic must be at most 255 characters, the length of an Event Subject']);
    expect(meetingEvent(parseZoomWebhook(updated({ topic: 'x'.repeat(255) }))).changes?.topic).toHaveLength(255);
  });
});
