/**
 * Activities over fake clients, in Temporal's mock activity context: how they use Zoom and Salesforce, and how
 * each client error becomes a retryable or permanent failure.
 */
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import { FailureTypes, MAX_RETRY_DELAY_MS } from '../../activities/failures';
import { planMeeting } from '../../domain/meeting-plan';
import { SalesforceApiError } from '../../integrations/salesforce/errors';
import { ZoomApiError } from '../../integrations/zoom/errors';
import type { MeetingEmailResult } from '../../activities/meeting-email';

const EVENT_ID = '00U000000000001EAA';
const plan = planMeeting({
  Id: EVENT_ID,
  Subject: 'Demo',
  StartDateTime: '2026-12-01T10:00:00.000Z',
  EndDateTime: '2026-12-01T10:30:00.000Z',
  OwnerId: '005000000000001AAA',
  SystemModstamp: '2026-11-01T00:00:00.000Z',
  Make_Zoom_Meeting__c: true,
});

function fakes() {
  const zoom = {
    createMeeting: jest.fn(async () => ({
      id: 81234567890,
      join_url: 'https://z/j/81234567890',
      host_id: 'h1',
      password: 'pw',
    })),
    updateMeeting: jest.fn(async () => undefined),
    deleteMeeting: jest.fn(async () => undefined),
    listUserMeetings: jest.fn(async () => ({
      meetings: [] as { id: number; agenda?: string; join_url: string; host_id: string }[],
      next_page_token: '',
    })),
    getMeeting: jest.fn(),
    getPastMeeting: jest.fn(),
    listPastMeetingInstances: jest.fn(),
    listPastMeetingParticipants: jest.fn(),
    listReportParticipants: jest.fn(),
    getMeetingRecordings: jest.fn(),
  };
  const salesforce = {
    getUser: jest.fn(async () => ({
      Id: '005000000000001AAA',
      Email: 'ada@x.example',
      Name: 'Ada',
      IsActive: true,
      TimeZoneSidKey: 'Europe/London',
    })),
    updateEvent: jest.fn(async () => undefined),
    getZoomSettings: jest.fn(async () => ({
      sendEmailOnLaunch: true,
      usePmiByDefault: false,
      joinBeforeHostByDefault: false,
      googleCalendarNotifications: false,
    })),
    getMeetingPeople: jest.fn(async () => ({
      who: { name: 'Marie', email: 'marie@acme.example' },
      owner: { name: 'Ada', email: 'ada@x.example', timeZone: 'Europe/London' },
      invitees: [
        { name: 'Niels', email: 'NIELS@acme.example' },
        { name: 'Ada', email: 'ada@x.example' },
      ],
      additionalEmails: 'niels@acme.example; bad-address, extra@y.example',
      customerTimeZone: 'America/New_York',
    })),
  };
  const mailer = { send: jest.fn(async () => undefined) };
  return { zoom, salesforce, mailer, activities: createActivities({ zoom, salesforce, mailer } as never) };
}

/**
 * Runs an activity until it fails with `crash`, then its retry as Temporal would: attempt 2, handed the details of
 * the last heartbeat the first run recorded. Resolves to the retry's result.
 */
async function retryAfterCrash<I, R>(
  firstRun: (input: I) => Promise<R>,
  retry: (input: I) => Promise<R>,
  input: I,
  crash: string,
): Promise<R> {
  const env = new MockActivityEnvironment();
  let details: unknown;
  env.on('heartbeat', (d: unknown) => (details = d));
  await expect(env.run(firstRun, input)).rejects.toThrow(crash);
  return new MockActivityEnvironment({ attempt: 2, heartbeatDetails: details }).run(retry, input);
}

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApplicationFailure) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('createZoomMeeting', () => {
  test('the first attempt creates the meeting straight away (one Zoom call)', async () => {
    const { zoom, activities } = fakes();
    const result = await new MockActivityEnvironment({ attempt: 1 }).run(activities.createZoomMeeting, {
      eventId: EVENT_ID,
      hostEmail: 'ada@x.example',
      plan,
    });
    expect(result).toEqual({
      meetingId: '81234567890',
      joinUrl: 'https://z/j/81234567890',
      hostZoomUserId: 'h1',
      usesPmi: false,
      passcode: 'pw',
    });
    expect(zoom.listUserMeetings).not.toHaveBeenCalled();
    expect(zoom.createMeeting).toHaveBeenCalledWith(
      'ada@x.example',
      expect.objectContaining({ type: 2, start_time: '2026-12-01T10:00:00Z', duration: 30 }),
      { signal: expect.any(AbortSignal) },
    );
  });

  test('a cancelled attempt (timed out) aborts its request instead of racing its own retry', async () => {
    const { zoom, activities } = fakes();
    let requestSent!: () => void;
    const sent = new Promise<void>((resolve) => (requestSent = resolve));
    (zoom.createMeeting as jest.Mock).mockImplementationOnce(
      (_host: string, _request: unknown, options: { signal: AbortSignal }) =>
        new Promise((_resolve, reject) => {
          options.signal.addEventListener('abort', () => reject(new Error('request aborted')));
          requestSent();
        }),
    );
    const env = new MockActivityEnvironment({ attempt: 1 });
    const running = env.run(activities.createZoomMeeting, { eventId: EVENT_ID, hostEmail: 'ada@x.example', plan });
    await sent;
    env.cancel();
    await expect(running).rejects.toThrow();
    expect(zoom.createMeeting).toHaveBeenCalledTimes(1);
  });

  test('a retry finds the meeting an earlier attempt created instead of making a second one', async () => {
    const { zoom, activities } = fakes();
    zoom.listUserMeetings.mockResolvedValueOnce({
      meetings: [
        { id: 1, agenda: 'other [Salesforce Event 00U000000000002EAA]', join_url: 'x', host_id: 'h1' },
        {
          id: 81111111111,
          agenda: `Demo\n\n[Salesforce Event ${EVENT_ID}]`,
          join_url: 'https://z/j/81111111111',
          host_id: 'h1',
        },
      ],
      next_page_token: '',
    });
    const result: { meetingId: string } = await new MockActivityEnvironment({ attempt: 2 }).run(
      activities.createZoomMeeting,
      { eventId: EVENT_ID, hostEmail: 'ada@x.example', plan },
    );
    expect(result.meetingId).toBe('81111111111');
    expect(zoom.createMeeting).not.toHaveBeenCalled();
    expect(zoom.updateMeeting).toHaveBeenCalledWith('81111111111', expect.objectContaining({ topic: 'Demo' }));
  });

  test('an owner who is not a Zoom user is a permanent failure with a message for the user', async () => {
    const { zoom, activities } = fakes();
    zoom.createMeeting.mockRejectedValueOnce(
      new ZoomApiError({ httpStatus: 404, code: 1001, message: 'User does not exist: ada@x.example.' }),
    );
    const failure = await failureOf(
      new MockActivityEnvironment().run(activities.createZoomMeeting, {
        eventId: EVENT_ID,
        hostEmail: 'ada@x.example',
        plan,
      }),
    );
    expect(failure.type).toBe(FailureTypes.hostNotFound);
    expect(failure.nonRetryable).toBe(true);
    // The message is logged by the worker and kept in history: the owner's id, never the address.
    expect(failure.message).toContain('not a user of this Zoom account');
    expect(failure.message).toContain(plan.ownerId);
    expect(failure.message).not.toContain('ada@x.example');
  });

  test("Zoom's own text in a failure never carries an e-mail address, retryable or not", async () => {
    const { zoom, activities } = fakes();
    const input = { eventId: EVENT_ID, hostEmail: 'ada@x.example', plan };
    zoom.createMeeting.mockRejectedValueOnce(
      new ZoomApiError({ httpStatus: 400, code: 1120, message: 'Invalid host: Ada.Lovelace+zoom@x.example.' }),
    );
    const refused = await failureOf(new MockActivityEnvironment().run(activities.createZoomMeeting, input));
    expect(refused.type).toBe(FailureTypes.zoomValidation);
    expect(refused.message).toBe('Zoom refused to create the meeting: Invalid host: <e-mail address>.');

    zoom.createMeeting.mockRejectedValueOnce(
      new ZoomApiError({ httpStatus: 503, message: 'Service unavailable for ada@x.example', operation: 'POST /x' }),
    );
    const retryable = (await new MockActivityEnvironment()
      .run(activities.createZoomMeeting, input)
      .catch((e: unknown) => e)) as ZoomApiError;
    expect(retryable).toBeInstanceOf(ZoomApiError);
    expect(retryable).toMatchObject({ httpStatus: 503, isRetryable: true, operation: 'POST /x' });
    expect(retryable.message).toBe('Service unavailable for <e-mail address>');
  });

  test('an inactive owner is named by id, not by name', async () => {
    const { salesforce, activities } = fakes();
    salesforce.getUser.mockResolvedValueOnce({
      Id: '005000000000002AAA',
      Email: 'grace@x.example',
      Name: 'Grace Hopper',
      IsActive: false,
      TimeZoneSidKey: 'Europe/London',
    });
    const failure = await failureOf(new MockActivityEnvironment().run(activities.findHostEmail, '005000000000002AAA'));
    expect(failure.message).toContain('005000000000002AAA');
    expect(failure.message).not.toMatch(/Grace|grace@/);
  });

  /** Runs attempt 1 until it fails, then attempt `retryAttempt` with the heartbeat details attempt 1 left. */
  async function retryAfterFailure(
    activities: ReturnType<typeof fakes>['activities'],
    retryAttempt = 2,
  ): Promise<{ meetingId: string }> {
    const input = { eventId: EVENT_ID, hostEmail: 'ada@x.example', plan };
    const first = new MockActivityEnvironment({ attempt: 1 });
    let details: unknown;
    first.on('heartbeat', (d: unknown) => (details = d));
    await expect(first.run(activities.createZoomMeeting, input)).rejects.toBeDefined();
    return new MockActivityEnvironment({ attempt: retryAttempt, heartbeatDetails: details }).run(
      activities.createZoomMeeting,
      input,
    );
  }

  test("a retry after a 429 creates at once: Zoom's refusal proves nothing was made, so no host listing", async () => {
    const { zoom, activities } = fakes();
    zoom.createMeeting.mockRejectedValueOnce(
      new ZoomApiError({ httpStatus: 429, code: 429, message: 'slow down', retryAfterMs: 1000, rateLimitType: 'QPS' }),
    );
    const result: { meetingId: string } = await retryAfterFailure(activities);
    expect(result.meetingId).toBe('81234567890');
    expect(zoom.listUserMeetings).not.toHaveBeenCalled();
    expect(zoom.createMeeting).toHaveBeenCalledTimes(2);
  });

  test('a retry after a lost answer (timeout, 5xx) still looks for the meeting the attempt may have made', async () => {
    for (const lost of [
      new ZoomApiError({ httpStatus: 0, message: 'Zoom did not answer in time' }),
      new ZoomApiError({ httpStatus: 502, message: 'bad gateway' }),
    ]) {
      const { zoom, activities } = fakes();
      zoom.createMeeting.mockRejectedValueOnce(lost);
      await retryAfterFailure(activities);
      expect(zoom.listUserMeetings).toHaveBeenCalledTimes(1);
    }
  });

  test('a 429 two attempts back proves nothing about the attempt in between (it may have crashed after sending)', async () => {
    const { zoom, activities } = fakes();
    zoom.createMeeting.mockRejectedValueOnce(new ZoomApiError({ httpStatus: 429, code: 429, message: 'slow down' }));
    await retryAfterFailure(activities, 3);
    expect(zoom.listUserMeetings).toHaveBeenCalledTimes(1);
  });

  test("a host over Zoom's daily cap: a failure saying so and until when; later creates for that host wait without asking Zoom", async () => {
    // The clock moves on between any two readings, as it may on a busy worker: the failure and the host's wait must
    // still name the same instant, the one Zoom's answer gave (this failed now and then when they read it apart).
    let clock = Date.now();
    const ticking = jest.spyOn(Date, 'now').mockImplementation(() => (clock += 1));
    try {
      const { zoom, activities } = fakes();
      const retryAfterMs = 5 * 3_600_000;
      const before = Date.now();
      zoom.createMeeting.mockRejectedValueOnce(
        new ZoomApiError({
          httpStatus: 429,
          code: 429,
          message:
            'You have exceeded the daily rate limit (100) of Meeting Create/Update API requests permitted for this particular user. You may resume these requests at GMT 00:00:00.',
          retryAfterMs,
          rateLimitType: 'Daily-limit',
          rateLimitScope: 'user',
        }),
      );
      const input = { eventId: EVENT_ID, hostEmail: 'ada@x.example', plan };
      const capped = await failureOf(new MockActivityEnvironment().run(activities.createZoomMeeting, input));
      expect(capped).toMatchObject({ type: FailureTypes.zoomDailyLimit, nonRetryable: false });
      expect(capped.message).toMatch(/^Zoom's daily limit for this host; retrying after \d{2}:\d{2} UTC$/);
      const [{ retryAt }] = capped.details as [{ retryAt: string }];
      expect(Date.parse(retryAt)).toBeGreaterThanOrEqual(before + retryAfterMs);
      expect(capped.message).not.toContain('ada@x.example');

      const second = await failureOf(
        new MockActivityEnvironment().run(activities.createZoomMeeting, { ...input, eventId: '00U000000000002EAA' }),
      );
      expect(second).toMatchObject({ type: FailureTypes.zoomDailyLimit, details: capped.details });
      expect(zoom.createMeeting).toHaveBeenCalledTimes(1);
      // Another host is not held back.
      await new MockActivityEnvironment().run(activities.createZoomMeeting, { ...input, hostEmail: 'grace@x.example' });
      expect(zoom.createMeeting).toHaveBeenCalledTimes(2);
    } finally {
      ticking.mockRestore();
    }
  });

  test('a 429 retries after Retry-After, bounded; a 500 is rethrown for the retry policy; a 300 is permanent', async () => {
    const { zoom, activities } = fakes();
    const input = { eventId: EVENT_ID, hostEmail: 'ada@x.example', plan };
    zoom.createMeeting.mockRejectedValueOnce(
      new ZoomApiError({ httpStatus: 429, code: 429, message: 'slow down', retryAfterMs: 3000 }),
    );
    const limited = await failureOf(new MockActivityEnvironment().run(activities.createZoomMeeting, input));
    expect(limited).toMatchObject({ type: FailureTypes.rateLimited, nonRetryable: false, nextRetryDelay: 3000 });

    zoom.createMeeting.mockRejectedValueOnce(
      new ZoomApiError({ httpStatus: 429, code: 429, message: 'daily', retryAfterMs: 20 * 3_600_000 }),
    );
    const daily = await failureOf(new MockActivityEnvironment().run(activities.createZoomMeeting, input));
    expect(daily.nextRetryDelay).toBe(MAX_RETRY_DELAY_MS);

    const serverError = new ZoomApiError({ httpStatus: 502, message: 'bad gateway' });
    zoom.createMeeting.mockRejectedValueOnce(serverError);
    await expect(new MockActivityEnvironment().run(activities.createZoomMeeting, input)).rejects.toBe(serverError);

    zoom.createMeeting.mockRejectedValueOnce(
      new ZoomApiError({ httpStatus: 400, code: 300, message: 'Invalid field.' }),
    );
    const invalid = await failureOf(new MockActivityEnvironment().run(activities.createZoomMeeting, input));
    expect(invalid).toMatchObject({ type: FailureTypes.zoomValidation, nonRetryable: true });
  });
});

test('createZoomMeeting after a create the workflow cancelled looks for its meeting at the first attempt', async () => {
  const { zoom, activities } = fakes();
  zoom.listUserMeetings.mockResolvedValueOnce({
    meetings: [{ id: 81111111111, agenda: `Demo\n\n[Salesforce Event ${EVENT_ID}]`, join_url: 'j', host_id: 'h1' }],
    next_page_token: '',
  });
  const result: { meetingId: string } = await new MockActivityEnvironment().run(activities.createZoomMeeting, {
    eventId: EVENT_ID,
    hostEmail: 'ada@x.example',
    plan,
    findEarlierFirst: true,
  });
  expect(result.meetingId).toBe('81111111111');
  expect(zoom.createMeeting).not.toHaveBeenCalled();
});

test('deleteZoomMeetingCreatedEarlier deletes the meeting tagged with the Event, and nothing when there is none', async () => {
  const { zoom, activities } = fakes();
  const input = { eventId: EVENT_ID, hostEmail: 'ada@x.example' };
  await new MockActivityEnvironment().run(activities.deleteZoomMeetingCreatedEarlier, input);
  expect(zoom.deleteMeeting).not.toHaveBeenCalled();
  zoom.listUserMeetings.mockResolvedValueOnce({
    meetings: [
      { id: 1, agenda: 'other [Salesforce Event 00U000000000002EAA]', join_url: 'x', host_id: 'h1' },
      { id: 81111111111, agenda: `Demo\n\n[Salesforce Event ${EVENT_ID}]`, join_url: 'j', host_id: 'h1' },
    ],
    next_page_token: '',
  });
  await new MockActivityEnvironment().run(activities.deleteZoomMeetingCreatedEarlier, input);
  expect(zoom.deleteMeeting).toHaveBeenCalledTimes(1);
  expect(zoom.deleteMeeting).toHaveBeenCalledWith('81111111111');
});

test('deleteZoomMeeting never deletes a PMI and accepts a meeting already gone', async () => {
  const { zoom, activities } = fakes();
  await new MockActivityEnvironment().run(activities.deleteZoomMeeting, { meetingId: '3542471135', usesPmi: true });
  expect(zoom.deleteMeeting).not.toHaveBeenCalled();
  zoom.deleteMeeting.mockRejectedValueOnce(new ZoomApiError({ httpStatus: 404, code: 3001, message: 'gone' }));
  await expect(
    new MockActivityEnvironment().run(activities.deleteZoomMeeting, { meetingId: '1', usesPmi: false }),
  ).resolves.toBeUndefined();
});

test('findHostEmail remembers owners briefly (one Salesforce call for many meetings)', async () => {
  const { salesforce, activities } = fakes();
  for (let i = 0; i < 3; i += 1)
    expect(await new MockActivityEnvironment().run(activities.findHostEmail, '005000000000001AAA')).toBe(
      'ada@x.example',
    );
  expect(salesforce.getUser).toHaveBeenCalledTimes(1);
  salesforce.getUser.mockResolvedValueOnce(null as never);
  const failure = await failureOf(new MockActivityEnvironment().run(activities.findHostEmail, '005000000000009AAA'));
  expect(failure.type).toBe(FailureTypes.hostNotFound);
});

test('writeEventFields stamps the sync time; a deleted Event and a field error are permanent, a limit waits', async () => {
  const { salesforce, activities } = fakes();
  await new MockActivityEnvironment().run(activities.writeEventFields, {
    eventId: EVENT_ID,
    fields: { Zoom_Status__c: 'Scheduled' as const },
  });
  expect(salesforce.updateEvent).toHaveBeenCalledWith(EVENT_ID, {
    Zoom_Status__c: 'Scheduled',
    Zoom_Last_Synced__c: expect.any(String),
  });

  salesforce.updateEvent.mockRejectedValueOnce(
    new SalesforceApiError({ errorCode: 'ENTITY_IS_DELETED', message: 'deleted' } as never),
  );
  expect(
    (await failureOf(new MockActivityEnvironment().run(activities.writeEventFields, { eventId: EVENT_ID, fields: {} })))
      .type,
  ).toBe(FailureTypes.salesforceEventGone);
  salesforce.updateEvent.mockRejectedValueOnce(
    new SalesforceApiError({ errorCode: 'INVALID_FIELD', message: 'No such column' } as never),
  );
  expect(
    (await failureOf(new MockActivityEnvironment().run(activities.writeEventFields, { eventId: EVENT_ID, fields: {} })))
      .type,
  ).toBe(FailureTypes.salesforceValidation);
  salesforce.updateEvent.mockRejectedValueOnce(
    new SalesforceApiError({ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'limit' } as never),
  );
  expect(
    await failureOf(new MockActivityEnvironment().run(activities.writeEventFields, { eventId: EVENT_ID, fields: {} })),
  ).toMatchObject({
    type: FailureTypes.salesforceRequestLimit,
    nonRetryable: false,
    message: expect.stringMatching(
      /^Salesforce's API request limit for the org is used up; trying again after \d{2}:\d{2} UTC$/,
    ),
    details: [{ retryAt: expect.any(String) }],
  });
});

describe('sendLaunchEmail', () => {
  const input = {
    eventId: EVENT_ID,
    ownerId: '005000000000001AAA',
    instanceKey: 'abc',
    topic: 'Demo',
    startTime: '2026-12-01T10:00:00.000Z',
    durationMinutes: 30,
    joinUrl: 'https://z/j/1',
    passcode: 'pw',
  };

  test('mails the contact, invitees and additional addresses once each, never the host, and counts bad ones', async () => {
    const { mailer, activities } = fakes();
    const result = await new MockActivityEnvironment().run(activities.sendLaunchEmail, input);
    expect(result).toEqual({ sent: 3, invalidAddresses: 1 });
    expect(mailer.send.mock.calls.map((c) => (c as unknown as [{ to: string }])[0].to)).toEqual([
      'marie@acme.example',
      'NIELS@acme.example',
      'extra@y.example',
    ]);
    const ids = mailer.send.mock.calls.map((c) => (c as unknown as [{ messageId: string }])[0].messageId);
    expect(new Set(ids).size).toBe(3);
    expect(ids.join()).not.toContain('@acme.example');
  });

  test('a retry after a crash skips the recipients its heartbeats recorded', async () => {
    const first = fakes();
    first.mailer.send
      .mockImplementationOnce(async () => undefined)
      .mockRejectedValueOnce(new Error('connection reset'));
    const retry = fakes();
    await retryAfterCrash(
      first.activities.sendLaunchEmail,
      retry.activities.sendLaunchEmail,
      input,
      'connection reset',
    );
    const firstMessageId = (first.mailer.send.mock.calls[0] as unknown as [{ messageId: string }])[0].messageId;
    const retried = retry.mailer.send.mock.calls.map((c) => (c as unknown as [{ to: string; messageId: string }])[0]);
    expect(retried.map((m) => m.to)).toEqual(['NIELS@acme.example', 'extra@y.example']);
    expect(retried.map((m) => m.messageId)).not.toContain(firstMessageId);
  });

  test('does nothing when the host has the setting off', async () => {
    const { salesforce, mailer, activities } = fakes();
    salesforce.getZoomSettings.mockResolvedValueOnce({
      sendEmailOnLaunch: false,
      usePmiByDefault: false,
      joinBeforeHostByDefault: false,
      googleCalendarNotifications: false,
    });
    const result: { sent: number; skipped?: string } = await new MockActivityEnvironment().run(
      activities.sendLaunchEmail,
      input,
    );
    expect(result.sent).toBe(0);
    expect(result.skipped).toMatch(/does not send/);
    expect(mailer.send).not.toHaveBeenCalled();
    expect(salesforce.getMeetingPeople).not.toHaveBeenCalled();
  });
});

describe('sendMeetingEmail ("Send Email")', () => {
  const input = {
    eventId: EVENT_ID,
    requestKey: 'press1',
    additionalEmails: ['typed@partner.example', 'MARIE@acme.example'],
    meeting: {
      topic: 'Demo',
      startTime: '2026-03-08T14:00:00.000Z',
      durationMinutes: 30,
      timeZone: 'America/New_York',
      joinUrl: 'https://z/j/1',
      passcode: 'pw',
      cancelled: false,
      sequence: 3,
    },
  };
  type Sent = { to: string; messageId: string; attachments: { filename: string; content: string }[] };
  const sentOf = (mailer: ReturnType<typeof fakes>['mailer']) =>
    mailer.send.mock.calls.map((c) => (c as unknown as [Sent])[0]);

  test('one message per distinct valid address, each with the invitation, and an outcome per address', async () => {
    const { mailer, activities } = fakes();
    const result: MeetingEmailResult = await new MockActivityEnvironment().run(activities.sendMeetingEmail, input);
    const sent = sentOf(mailer);
    expect(sent.map((m) => m.to)).toEqual([
      'marie@acme.example',
      'NIELS@acme.example',
      'ada@x.example',
      'extra@y.example',
      'typed@partner.example',
    ]);
    expect(sent[0].attachments[0]).toMatchObject({ filename: 'invite.ics' });
    expect(sent[0].attachments[0].content).toContain('SEQUENCE:3');
    expect(sent[0].attachments[0].content).toContain('DTSTART;TZID=America/New_York:20260308T100000');
    expect(result.recipients).toContainEqual({
      email: 'bad-address',
      outcome: 'invalid',
      reason: 'not an e-mail address',
    });
    expect(result.recipients.filter((r: { outcome: string }) => r.outcome === 'sent')).toHaveLength(5);
  });

  test('a retry after a crash mails only those not yet mailed, and a refused address does not stop the rest', async () => {
    const first = fakes();
    first.mailer.send
      .mockImplementationOnce(async () => undefined)
      .mockRejectedValueOnce(
        Object.assign(new Error('550 mailbox unavailable'), {
          responseCode: 550,
          command: 'RCPT TO',
          response: '550 mailbox unavailable',
        }),
      )
      .mockRejectedValueOnce(new Error('connection reset'));
    const retry = fakes();
    const result: MeetingEmailResult = await retryAfterCrash(
      first.activities.sendMeetingEmail,
      retry.activities.sendMeetingEmail,
      input,
      'connection reset',
    );
    expect(sentOf(retry.mailer).map((m) => m.to)).toEqual([
      'ada@x.example',
      'extra@y.example',
      'typed@partner.example',
    ]);
    expect(result.recipients).toContainEqual({ email: 'marie@acme.example', outcome: 'sent' });
    expect(result.recipients).toContainEqual({
      email: 'NIELS@acme.example',
      outcome: 'refused',
      reason: '550 mailbox unavailable',
    });
  });
});
