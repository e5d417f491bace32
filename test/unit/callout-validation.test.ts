import { MAX_CALLOUT_ITEMS, parseCalloutBody, type FieldError, type ItemResult } from '../../domain/callout-validation';
import { normaliseSalesforceDateTime } from '../../domain/salesforce-datetime';
import { isSalesforceId, toSalesforceId18 } from '../../domain/salesforce-id';

const EVENT_15 = '00U5g00000XyZab';
const EVENT_18 = '00U5g00000XyZabEAF';
const USER_18 = '0055g00000AbCdEAAV';
const CONTACT_18 = '0035g00000QrStUAAV';
const ACCOUNT_18 = '0015g00000LmNoPAAV';

function meetingEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Id: EVENT_18,
    Subject: 'Quarterly review',
    StartDateTime: '2026-11-26T18:00:00.000+0000',
    EndDateTime: '2026-11-26T19:00:00.000+0000',
    OwnerId: USER_18,
    WhoId: CONTACT_18,
    WhatId: ACCOUNT_18,
    Description: 'Agenda',
    SystemModstamp: '2026-11-20T09:15:02.000+0000',
    Make_Zoom_Meeting__c: true,
    Zoom_Use_PMI__c: false,
    Zoom_Join_Before_Host__c: null,
    Customer_Time_Zone__c: 'America/New_York',
    Zoom_Additional_Emails__c: null,
    Zoom_Meeting_Id__c: null,
    ...overrides,
  };
}

function parseOne(event: unknown, operation: unknown = 'upsert'): ItemResult {
  const result = parseCalloutBody({ events: [{ operation, event }] });
  if (!result.ok) throw new Error(`body rejected: ${JSON.stringify(result.errors)}`);
  return result.results[0];
}

function errorsOf(event: unknown, operation: unknown = 'upsert'): FieldError[] {
  return parseOne(event, operation).errors;
}

function fieldsOf(errors: FieldError[]): string[] {
  return errors.map((e) => e.field);
}

describe('Salesforce ids', () => {
  it('turns a 15-character id into its 18-character form', () => {
    expect(toSalesforceId18('001D000000IRFma')).toBe('001D000000IRFmaIAH');
    expect(toSalesforceId18(EVENT_15)).toBe(EVENT_18);
    expect(toSalesforceId18('00U000000000000')).toBe('00U000000000000EAA');
    expect(toSalesforceId18('00UZZZZZZZZZZZZ')).toBe('00UZZZZZZZZZZZZ255');
  });

  it('returns a valid 18-character id unchanged and throws on anything else', () => {
    expect(toSalesforceId18(EVENT_18)).toBe(EVENT_18);
    expect(() => toSalesforceId18('00U5g00000XyZ')).toThrow();
    expect(() => toSalesforceId18('00U5g00000XyZabAAA')).toThrow();
  });

  it('accepts 15 characters and 18 with a matching suffix', () => {
    expect(isSalesforceId(EVENT_15)).toBe(true);
    expect(isSalesforceId(EVENT_18)).toBe(true);
  });

  it('rejects an 18-character id whose suffix does not match the case of the first 15', () => {
    expect(isSalesforceId('00U5g00000XyZabEAG')).toBe(false);
    expect(isSalesforceId('00U5g00000xyZabEAF')).toBe(false);
    expect(isSalesforceId('00u5g00000xyzabeaf')).toBe(false);
  });

  it('rejects wrong lengths, symbols and non-strings', () => {
    for (const id of ['', '00U5g00000XyZa', '00U5g00000XyZabE', '00U5g00000XyZabEA', '00U5g00000XyZ-b', 42, null]) {
      expect(isSalesforceId(id)).toBe(false);
    }
  });

  it('checks the key prefix, one or several', () => {
    expect(isSalesforceId(EVENT_18, '00U')).toBe(true);
    expect(isSalesforceId(USER_18, '00U')).toBe(false);
    expect(isSalesforceId(CONTACT_18, ['003', '00Q'])).toBe(true);
    expect(isSalesforceId(ACCOUNT_18, ['003', '00Q'])).toBe(false);
  });
});

describe('Salesforce date-times', () => {
  it.each([
    ['2026-11-26T18:00:00.000+0000', '2026-11-26T18:00:00.000Z'],
    ['2026-11-26T18:00:00.000Z', '2026-11-26T18:00:00.000Z'],
    ['2026-11-26T18:00:00+00:00', '2026-11-26T18:00:00.000Z'],
    ['2026-11-26T18:00:00Z', '2026-11-26T18:00:00.000Z'],
    ['2026-11-26T18:00:00.5Z', '2026-11-26T18:00:00.500Z'],
    ['2026-11-26T13:00:00.000-0500', '2026-11-26T18:00:00.000Z'],
    ['2026-11-27T01:30:00.000+07:30', '2026-11-26T18:00:00.000Z'],
  ])('normalises %s', (input, expected) => {
    expect(normaliseSalesforceDateTime(input)).toBe(expected);
  });

  it.each([
    '2026-11-26',
    '2026-11-26T18:00:00',
    '2026-11-26 18:00:00Z',
    '2026-02-30T18:00:00Z',
    '2026-11-26T24:00:00Z',
    '2026-11-26T18:60:00Z',
    '2026-11-26T18:00:00.0000Z',
    '2026-11-26T18:00:00+2500',
    'tomorrow',
  ])('rejects %s', (input) => {
    expect(normaliseSalesforceDateTime(input)).toBeUndefined();
  });
});

describe('parseCalloutBody: the body as a whole', () => {
  it.each([
    ['null', null],
    ['a list', []],
    ['a string', 'events'],
  ])('rejects %s', (_name, body) => {
    expect(parseCalloutBody(body)).toEqual({ ok: false, errors: [expect.objectContaining({ field: '' })] });
  });

  it('requires an events list', () => {
    expect(parseCalloutBody({})).toEqual({ ok: false, errors: [{ field: 'events', message: expect.any(String) }] });
    expect(parseCalloutBody({ events: {} })).toMatchObject({ ok: false, errors: [{ field: 'events' }] });
  });

  it('requires at least one item', () => {
    expect(parseCalloutBody({ events: [] })).toMatchObject({ ok: false, errors: [{ field: 'events' }] });
  });

  it('accepts 200 items and refuses 201', () => {
    const item = { operation: 'delete', event: { Id: EVENT_18, SystemModstamp: '2026-11-20T09:15:02.000Z' } };
    const twoHundred = parseCalloutBody({ events: Array.from({ length: MAX_CALLOUT_ITEMS }, () => item) });
    expect(twoHundred.ok).toBe(true);
    const tooMany = parseCalloutBody({ events: Array.from({ length: MAX_CALLOUT_ITEMS + 1 }, () => item) });
    expect(tooMany).toEqual({
      ok: false,
      errors: [{ field: 'events', message: 'events has 201 items; send at most 200 per request' }],
    });
  });

  it('names every item that is not an object', () => {
    const result = parseCalloutBody({ events: [{ operation: 'delete', event: {} }, 'x', null, [1]] });
    expect(result).toEqual({
      ok: false,
      errors: [
        { field: 'events[1]', message: 'Each item must be an object, not a string' },
        { field: 'events[2]', message: 'Each item must be an object, not null' },
        { field: 'events[3]', message: 'Each item must be an object, not a list' },
      ],
    });
  });

  it('gives one result per item, in order, with the index', () => {
    const result = parseCalloutBody({
      events: [
        { operation: 'upsert', event: meetingEvent() },
        { operation: 'upsert', event: meetingEvent({ EndDateTime: null }) },
      ],
    });
    if (!result.ok) throw new Error('unexpected');
    expect(result.results.map((r) => [r.index, r.errors.length > 0])).toEqual([
      [0, false],
      [1, true],
    ]);
    expect(result.results[1].errors).toEqual([
      { field: 'events[1].event.EndDateTime', message: 'EndDateTime is required when Make_Zoom_Meeting__c is checked' },
    ]);
    expect(result.results[1].item).toBeUndefined();
    expect(result.results[1].eventId).toBe(EVENT_18);
  });
});

describe('parseCalloutBody: normalisation', () => {
  it('normalises ids to 18 characters and date-times to UTC with milliseconds and Z', () => {
    const result = parseOne(
      meetingEvent({
        Id: EVENT_15,
        OwnerId: '0055g00000AbCdE',
        WhoId: '0035g00000QrStU',
        WhatId: '0015g00000LmNoP',
        StartDateTime: '2026-11-26T13:00:00-05:00',
        EndDateTime: '2026-11-26T19:00:00Z',
        SystemModstamp: '2026-11-20T09:15:02+0000',
      }),
    );
    expect(result.errors).toEqual([]);
    expect(result.eventId).toBe(EVENT_18);
    expect(result.item?.event).toMatchObject({
      Id: EVENT_18,
      OwnerId: USER_18,
      WhoId: CONTACT_18,
      WhatId: ACCOUNT_18,
      StartDateTime: '2026-11-26T18:00:00.000Z',
      EndDateTime: '2026-11-26T19:00:00.000Z',
      SystemModstamp: '2026-11-20T09:15:02.000Z',
    });
  });

  it('keeps only the snapshot fields, in a stable order, dropping unknown ones', () => {
    const event = meetingEvent({ attributes: { type: 'Event' }, IsPrivate: true, Location: 'Room 1' });
    const snapshot = parseOne(event).item?.event;
    expect(Object.keys(snapshot ?? {})).toEqual([
      'Id',
      'Subject',
      'StartDateTime',
      'EndDateTime',
      'OwnerId',
      'WhoId',
      'WhatId',
      'Description',
      'Make_Zoom_Meeting__c',
      'Zoom_Use_PMI__c',
      'Zoom_Join_Before_Host__c',
      'Customer_Time_Zone__c',
      'Zoom_Additional_Emails__c',
      'SystemModstamp',
      'Zoom_Meeting_Id__c',
    ]);
    expect(snapshot).toEqual({
      Id: EVENT_18,
      Subject: 'Quarterly review',
      StartDateTime: '2026-11-26T18:00:00.000Z',
      EndDateTime: '2026-11-26T19:00:00.000Z',
      OwnerId: USER_18,
      WhoId: CONTACT_18,
      WhatId: ACCOUNT_18,
      Description: 'Agenda',
      Make_Zoom_Meeting__c: true,
      Zoom_Use_PMI__c: false,
      Zoom_Join_Before_Host__c: null,
      Customer_Time_Zone__c: 'America/New_York',
      Zoom_Additional_Emails__c: null,
      SystemModstamp: '2026-11-20T09:15:02.000Z',
      Zoom_Meeting_Id__c: null,
    });
  });

  it('leaves absent fields absent', () => {
    const snapshot = parseOne({ Id: EVENT_18, SystemModstamp: '2026-11-20T09:15:02Z' }).item?.event;
    expect(snapshot).toEqual({ Id: EVENT_18, SystemModstamp: '2026-11-20T09:15:02.000Z' });
  });

  it('reduces a delete to Id and SystemModstamp without checking other fields', () => {
    const result = parseOne(meetingEvent({ EndDateTime: 'garbage', Make_Zoom_Meeting__c: 'yes' }), 'delete');
    expect(result.errors).toEqual([]);
    expect(result.item).toEqual({
      operation: 'delete',
      event: { Id: EVENT_18, SystemModstamp: '2026-11-20T09:15:02.000Z' },
    });
  });

  it('treats blank ids, date-times and time zones as null', () => {
    const snapshot = parseOne(
      meetingEvent({ Make_Zoom_Meeting__c: false, WhoId: '', StartDateTime: '', Customer_Time_Zone__c: '  ' }),
    ).item?.event;
    expect(snapshot).toMatchObject({ WhoId: null, StartDateTime: null, Customer_Time_Zone__c: null });
  });
});

describe('parseCalloutBody: every item', () => {
  it('requires operation to be upsert or delete', () => {
    for (const operation of [undefined, 'insert', 'UPSERT', 1]) {
      const result = parseCalloutBody({ events: [{ operation, event: meetingEvent() }] });
      expect(result.ok && result.results[0].errors).toEqual([
        { field: 'events[0].operation', message: 'operation must be "upsert" or "delete"' },
      ]);
    }
  });

  it('requires event to be an object', () => {
    for (const event of [undefined, null, 'x', [meetingEvent()]]) {
      expect(fieldsOf(errorsOf(event))).toEqual(['events[0].event']);
    }
  });

  it('requires an Event Id', () => {
    expect(errorsOf(meetingEvent({ Id: undefined }))).toEqual([
      { field: 'events[0].event.Id', message: 'Id is required' },
    ]);
    expect(parseOne(meetingEvent({ Id: undefined })).eventId).toBeUndefined();
  });

  it('rejects a malformed Id or a bad checksum', () => {
    for (const Id of ['00U5g00000XyZa', '00U5g00000XyZabEAG', '00U5g00000XyZab!!!', 12345]) {
      const [error] = errorsOf(meetingEvent({ Id }));
      expect(error.field).toBe('events[0].event.Id');
      expect(error.message).toMatch(/15- or 18-character Salesforce record id/);
    }
  });

  it('rejects the id of another object', () => {
    expect(errorsOf(meetingEvent({ Id: USER_18 }))).toEqual([
      { field: 'events[0].event.Id', message: 'Id must be the id of an Event (starting with 00U)' },
    ]);
  });

  it('requires a valid SystemModstamp, for deletes too', () => {
    for (const operation of ['upsert', 'delete']) {
      expect(fieldsOf(errorsOf(meetingEvent({ SystemModstamp: undefined }), operation))).toEqual([
        'events[0].event.SystemModstamp',
      ]);
      expect(errorsOf(meetingEvent({ SystemModstamp: '20/11/2026' }), operation)).toEqual([
        {
          field: 'events[0].event.SystemModstamp',
          message: 'SystemModstamp must be a Salesforce date-time such as 2026-11-26T18:00:00.000+0000',
        },
      ]);
    }
  });

  it('reports every error of an item at once', () => {
    const errors = errorsOf(meetingEvent({ Id: 'x', SystemModstamp: null, OwnerId: null, EndDateTime: null }), 'x');
    expect(fieldsOf(errors)).toEqual(['events[0].operation', 'events[0].event.Id', 'events[0].event.SystemModstamp']);
  });
});

describe('parseCalloutBody: upsert types and formats', () => {
  it.each(['Make_Zoom_Meeting__c', 'Zoom_Use_PMI__c', 'Zoom_Join_Before_Host__c'])(
    '%s must be boolean or null',
    (f) => {
      expect(errorsOf(meetingEvent({ [f]: 'true' }))).toEqual([
        { field: `events[0].event.${f}`, message: `${f} must be true, false or null, not a string` },
      ]);
      expect(errorsOf(meetingEvent({ [f]: null }))).toEqual([]);
    },
  );

  it.each([
    'Subject',
    'StartDateTime',
    'EndDateTime',
    'OwnerId',
    'WhoId',
    'WhatId',
    'Description',
    'Customer_Time_Zone__c',
    'Zoom_Additional_Emails__c',
    'Zoom_Meeting_Id__c',
  ])('%s must be text or null', (field) => {
    const errors = errorsOf(meetingEvent({ Make_Zoom_Meeting__c: false, [field]: 42 }));
    expect(errors).toEqual([
      { field: `events[0].event.${field}`, message: `${field} must be text or null, not a number` },
    ]);
  });

  it('checks date-time and id formats even when no meeting is wanted', () => {
    const errors = errorsOf(meetingEvent({ Make_Zoom_Meeting__c: false, StartDateTime: 'soon', WhatId: 'abc' }));
    expect(fieldsOf(errors)).toEqual(['events[0].event.StartDateTime', 'events[0].event.WhatId']);
  });

  it('enforces Salesforce length limits on Subject (255) and Description (32000)', () => {
    expect(errorsOf(meetingEvent({ Subject: 's'.repeat(255), Description: 'd'.repeat(32_000) }))).toEqual([]);
    expect(errorsOf(meetingEvent({ Subject: 's'.repeat(256), Description: 'd'.repeat(32_001) }))).toEqual([
      { field: 'events[0].event.Subject', message: 'Subject is 256 characters long; Salesforce allows at most 255' },
      {
        field: 'events[0].event.Description',
        message: 'Description is 32001 characters long; Salesforce allows at most 32000',
      },
    ]);
  });
});

describe('parseCalloutBody: what a Zoom meeting needs', () => {
  it('accepts a complete Event', () => {
    expect(errorsOf(meetingEvent())).toEqual([]);
  });

  it('requires start, end and owner when the box is ticked', () => {
    const errors = errorsOf(meetingEvent({ StartDateTime: null, EndDateTime: undefined, OwnerId: '' }));
    expect(errors).toEqual([
      {
        field: 'events[0].event.StartDateTime',
        message: 'StartDateTime is required when Make_Zoom_Meeting__c is checked',
      },
      { field: 'events[0].event.EndDateTime', message: 'EndDateTime is required when Make_Zoom_Meeting__c is checked' },
      {
        field: 'events[0].event.OwnerId',
        message: 'OwnerId is required when Make_Zoom_Meeting__c is checked (the owner hosts the meeting)',
      },
    ]);
  });

  it('lets an all-day Event through whatever its times (midnight UTC of its days): its workflow tells the rep', () => {
    const allDay = {
      IsAllDayEvent: true,
      StartDateTime: '2026-11-26T00:00:00.000+0000',
      EndDateTime: '2026-11-26T00:00:00.000+0000',
    };
    const result = parseOne(meetingEvent(allDay));
    expect(result.errors).toEqual([]);
    expect(result.item?.event).toMatchObject({ IsAllDayEvent: true });
    expect(errorsOf(meetingEvent({ ...allDay, IsAllDayEvent: 'yes' }))).toContainEqual({
      field: 'events[0].event.IsAllDayEvent',
      message: 'IsAllDayEvent must be true, false or null, not a string',
    });
  });

  it('requires the end after the start', () => {
    for (const EndDateTime of ['2026-11-26T18:00:00.000+0000', '2026-11-26T17:59:59.000+0000']) {
      expect(errorsOf(meetingEvent({ EndDateTime }))).toEqual([
        { field: 'events[0].event.EndDateTime', message: 'EndDateTime must be after StartDateTime' },
      ]);
    }
  });

  it('compares start and end after converting offsets', () => {
    const event = meetingEvent({ StartDateTime: '2026-11-26T18:00:00Z', EndDateTime: '2026-11-26T14:00:00-0500' });
    expect(errorsOf(event)).toEqual([]);
  });

  it('allows at most 14 days', () => {
    expect(errorsOf(meetingEvent({ EndDateTime: '2026-12-10T18:00:00.000+0000' }))).toEqual([]);
    expect(errorsOf(meetingEvent({ EndDateTime: '2026-12-10T18:00:01.000+0000' }))).toEqual([
      {
        field: 'events[0].event.EndDateTime',
        message: 'The Event lasts more than 14 days, the most Salesforce allows',
      },
    ]);
  });

  it('requires the owner to be a User', () => {
    expect(errorsOf(meetingEvent({ OwnerId: '0235g00000AbCdE' }))).toEqual([
      {
        field: 'events[0].event.OwnerId',
        message: 'OwnerId must be a User (starting with 005) to host a Zoom meeting',
      },
    ]);
  });

  it('requires WhoId, when present, to be a Contact or a Lead', () => {
    expect(errorsOf(meetingEvent({ WhoId: '00Q5g00000QrStU' }))).toEqual([]);
    expect(errorsOf(meetingEvent({ WhoId: null }))).toEqual([]);
    expect(errorsOf(meetingEvent({ WhoId: ACCOUNT_18 }))).toEqual([
      { field: 'events[0].event.WhoId', message: 'WhoId must be a Contact (003) or a Lead (00Q)' },
    ]);
  });

  it('accepts any valid WhatId', () => {
    expect(errorsOf(meetingEvent({ WhatId: '0065g00000ZzZzZ' }))).toEqual([]);
  });

  it('requires a valid IANA time zone and names the bad value', () => {
    expect(errorsOf(meetingEvent({ Customer_Time_Zone__c: 'Europe/Paris' }))).toEqual([]);
    expect(errorsOf(meetingEvent({ Customer_Time_Zone__c: null }))).toEqual([]);
    expect(errorsOf(meetingEvent({ Customer_Time_Zone__c: 'Eastern Time' }))).toEqual([
      {
        field: 'events[0].event.Customer_Time_Zone__c',
        message:
          'Customer_Time_Zone__c "Eastern Time" is not a time zone name; use an IANA name such as "America/New_York"',
      },
    ]);
  });

  it('skips the meeting rules when the box is not ticked, so unticking always gets through', () => {
    for (const Make_Zoom_Meeting__c of [false, null, undefined]) {
      const event = meetingEvent({
        Make_Zoom_Meeting__c,
        StartDateTime: null,
        EndDateTime: null,
        OwnerId: '0235g00000AbCdE',
        WhoId: ACCOUNT_18,
        Customer_Time_Zone__c: 'Eastern Time',
      });
      expect(errorsOf(event)).toEqual([]);
    }
  });
});

describe('dates Salesforce can store', () => {
  const NOW_MS = Date.parse('2026-11-26T12:00:00.000Z');
  const parseAt = (event: unknown, operation = 'upsert') => {
    const result = parseCalloutBody({ events: [{ operation, event }] }, { nowMs: NOW_MS });
    if (!result.ok) throw new Error(`body rejected: ${JSON.stringify(result.errors)}`);
    return result.results[0];
  };
  const RANGE = 'Salesforce stores date-times from 1700-01-01 to 4000-12-31 (UTC)';

  it.each(['1000-01-01T10:00:00.000Z', '1699-12-31T23:59:59.999Z', '4001-01-01T00:00:00.000Z', '9999-12-01T10:00:00Z'])(
    'rejects the item whose StartDateTime is %s, even with the box unticked',
    (start) => {
      for (const ticked of [true, false]) {
        const end = start.replace(/T.*/, 'T23:59:59.999Z');
        const { errors, item } = parseAt(
          meetingEvent({ StartDateTime: start, EndDateTime: end, Make_Zoom_Meeting__c: ticked }),
        );
        expect(item).toBeUndefined();
        expect(errors).toContainEqual({
          field: 'events[0].event.StartDateTime',
          message: `StartDateTime ${start.slice(0, 4)}-… is out of range: ${RANGE}`,
        });
      }
    },
  );

  it('accepts the first and the last moment Salesforce can store', () => {
    const first = parseAt(
      meetingEvent({ StartDateTime: '1700-01-01T00:00:00.000Z', EndDateTime: '1700-01-01T01:00:00.000Z' }),
    );
    expect(first.errors).toEqual([]);
    const last = parseAt(
      meetingEvent({ StartDateTime: '4000-12-31T22:59:59.000Z', EndDateTime: '4000-12-31T23:59:59.999Z' }),
    );
    expect(last.errors).toEqual([]);
  });

  it('rejects an EndDateTime out of range', () => {
    const { errors } = parseAt(meetingEvent({ EndDateTime: '9999-01-01T00:00:00.000Z' }));
    expect(errors.map((e) => e.field)).toContain('events[0].event.EndDateTime');
  });

  it.each([
    ['a year Salesforce cannot store', '1000-01-01T00:00:00.000Z', `SystemModstamp 1000-… is out of range: ${RANGE}`],
    [
      'the year 9999 (it would make every later edit look older)',
      '9999-12-31T00:00:00.000Z',
      `SystemModstamp 9999-… is out of range: ${RANGE}`,
    ],
    [
      'six minutes from now',
      '2026-11-26T12:06:00.000Z',
      'SystemModstamp is more than 5 minutes in the future; Salesforce stamps a change when it is saved',
    ],
  ])('rejects a SystemModstamp in %s, for an upsert and a delete alike', (_label, stamp, message) => {
    for (const operation of ['upsert', 'delete']) {
      const { errors, item, eventId } = parseAt(meetingEvent({ SystemModstamp: stamp }), operation);
      expect(item).toBeUndefined();
      expect(eventId).toBe(EVENT_18);
      expect(errors).toEqual([{ field: 'events[0].event.SystemModstamp', message }]);
    }
  });

  it('accepts a SystemModstamp a little ahead of our clock (clock skew)', () => {
    expect(parseAt(meetingEvent({ SystemModstamp: '2026-11-26T12:04:59.000Z' })).errors).toEqual([]);
  });
});
