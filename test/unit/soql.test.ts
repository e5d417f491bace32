/**
 * The emulator's SOQL engine on its own, over a store seeded with the demo org plus a few Events.
 */
import { demoOrgSeed } from '../../emulators/salesforce/server';
import { DEFAULT_METADATA_DIR, loadMetadata } from '../../emulators/salesforce/metadata';
import { Schema, standardObjects } from '../../emulators/salesforce/schema';
import { executeSoql, unquoteSoqlString, type SoqlOptions } from '../../emulators/salesforce/soql';
import { SalesforceStore } from '../../emulators/salesforce/store';

const NOW = Date.parse('2026-11-26T12:00:00.000Z');
const ADA = '005000000000001AAA';
const GRACE = '005000000000002AAA';

function event(n: number, fields: Record<string, string | number | boolean | null>) {
  return { Id: `00U0000000000${n}0`, ...fields };
}

function buildStore(): SalesforceStore {
  const schema = new Schema();
  for (const object of standardObjects()) schema.add(object);
  loadMetadata(schema, DEFAULT_METADATA_DIR);
  const events = [
    event(1, {
      Subject: 'Demo with Marie',
      StartDateTime: '2026-11-26T09:00:00.000+0000',
      EndDateTime: '2026-11-26T09:30:00.000+0000',
      DurationInMinutes: 30,
      OwnerId: ADA,
      WhoId: '003000000000001AAA',
      Make_Zoom_Meeting__c: true,
      Zoom_Status__c: 'Scheduled',
    }),
    event(2, {
      Subject: "O'Neil check-in",
      StartDateTime: '2026-11-20T15:00:00.000+0000',
      EndDateTime: '2026-11-20T16:00:00.000+0000',
      DurationInMinutes: 60,
      OwnerId: GRACE,
      WhoId: '00Q000000000001EAA',
    }),
    event(3, {
      Subject: 'Pipeline review',
      StartDateTime: '2026-10-01T15:00:00.000+0000',
      EndDateTime: '2026-10-01T15:45:00.000+0000',
      DurationInMinutes: 45,
      OwnerId: ADA,
      WhatId: '006000000000001AAA',
      Make_Zoom_Meeting__c: true,
      Zoom_Status__c: 'Error',
    }),
    event(4, {
      Subject: '100% sure_deal',
      StartDateTime: '2026-12-01T10:00:00.000+0000',
      EndDateTime: '2026-12-01T10:15:00.000+0000',
      DurationInMinutes: 15,
      OwnerId: GRACE,
      IsDeleted: true,
    }),
  ];
  const seed = demoOrgSeed();
  return new SalesforceStore(schema, { ...seed, Event: events }, () => NOW, ADA);
}

const store = buildStore();
const source = {
  schema: store.schema,
  records: (o: Parameters<typeof store.all>[0]) => store.all(o),
  find: (id: string) => store.find(id),
};
const run = (soql: string, options: Partial<SoqlOptions> = {}) => executeSoql(soql, source, { now: NOW, ...options });
const subjects = (soql: string) => run(soql).records.map((r) => r.Subject);

test('selects fields with attributes and canonical names', () => {
  const { records, totalSize } = run("SELECT id, subject FROM event WHERE Subject = 'demo with marie'");
  expect(totalSize).toBe(1);
  expect(records[0]).toEqual({
    attributes: { type: 'Event', url: `/services/data/v62.0/sobjects/Event/${records[0].Id}` },
    Id: records[0].Id,
    Subject: 'Demo with Marie',
  });
});

test('resolves parent relationships, polymorphic Who/What and Owner, nested and null', () => {
  const { records } = run(
    'SELECT Subject, Owner.Email, Owner.Name, Who.Name, Who.Type, What.Name, Account.Name FROM Event ORDER BY StartDateTime',
  );
  const [pipeline, oneil, demo] = records;
  // A polymorphic parent is a `Name` (its url still names the real object).
  expect(pipeline.Owner).toMatchObject({
    attributes: { type: 'Name', url: `/services/data/v62.0/sobjects/User/${ADA}` },
    Email: 'ada.lovelace@demo-sales.example',
    Name: 'Ada Lovelace',
  });
  expect(pipeline.What).toMatchObject({ attributes: { type: 'Name' }, Name: 'Acme - 500 seats' });
  expect(pipeline.Who).toBeNull();
  expect(oneil.Who).toMatchObject({ attributes: { type: 'Name' }, Name: 'Rosalind Franklin', Type: 'Lead' });
  expect(demo.Who).toMatchObject({ attributes: { type: 'Name' }, Name: 'Marie Curie', Type: 'Contact' });
  expect(run('SELECT Account.Name FROM Contact WHERE Account.Name != null').records[0].Account).toMatchObject({
    attributes: { type: 'Account' },
  });
  expect(run("SELECT Id FROM Contact WHERE Account.Name = 'acme corporation'").totalSize).toBe(2);
  expect(subjects("SELECT Subject FROM Event WHERE Owner.Email LIKE 'grace%'")).toEqual(["O'Neil check-in"]);
});

test("polymorphic relationships (Who, What, Event's Owner, EventRelation's Relation) reach only the Name object", () => {
  const noSuchColumn = (column: string) =>
    expect.objectContaining({
      errorCode: 'INVALID_FIELD',
      message: expect.stringContaining(`No such column '${column}' on entity 'Name'`),
    });
  expect(() => run('SELECT Who.Company FROM Event')).toThrow(noSuchColumn('Company'));
  expect(() => run('SELECT What.StageName FROM Event')).toThrow(noSuchColumn('StageName'));
  // Event.OwnerId is "the user or public calendar who owns the event": polymorphic.
  expect(() => run('SELECT Owner.TimeZoneSidKey FROM Event')).toThrow(noSuchColumn('TimeZoneSidKey'));
  expect(() => run('SELECT Id FROM Event WHERE Owner.TimeZoneSidKey = null')).toThrow(noSuchColumn('TimeZoneSidKey'));
  expect(() => run('SELECT Relation.AccountId FROM EventRelation')).toThrow(noSuchColumn('AccountId'));
  expect(() => run('SELECT Who.Account.Name FROM Event')).toThrow(
    expect.objectContaining({ errorCode: 'INVALID_FIELD' }),
  );
  // The Name object's own fields are fine, and a plain lookup still reaches every field of its object.
  expect(
    run('SELECT Who.Name, Who.Email, Who.FirstName, Who.Type, Owner.Email, Owner.IsActive FROM Event').totalSize,
  ).toBe(3);
  expect(run('SELECT Relation.Name, Relation.Email FROM EventRelation').totalSize).toBeGreaterThanOrEqual(0);
  expect(run('SELECT Owner.TimeZoneSidKey FROM Contact LIMIT 1').records[0].Owner).toHaveProperty('TimeZoneSidKey');
});

test('comparison, IN, LIKE, NULL, booleans and logic with precedence and parentheses', () => {
  expect(subjects("SELECT Subject FROM Event WHERE Subject = 'O\\'Neil check-in'")).toEqual(["O'Neil check-in"]);
  expect(subjects("SELECT Subject FROM Event WHERE Subject != 'Demo with Marie' ORDER BY Subject")).toEqual([
    "O'Neil check-in",
    'Pipeline review',
  ]);
  expect(run('SELECT Id FROM Event WHERE DurationInMinutes >= 45').totalSize).toBe(2);
  expect(run('SELECT Id FROM Event WHERE DurationInMinutes < 45').totalSize).toBe(1);
  expect(run("SELECT Id FROM Event WHERE Zoom_Status__c IN ('Scheduled', 'error')").totalSize).toBe(2);
  expect(run("SELECT Id FROM Event WHERE Zoom_Status__c NOT IN ('Scheduled')").totalSize).toBe(2);
  expect(run('SELECT Id FROM Event WHERE WhoId = null').totalSize).toBe(1);
  expect(run('SELECT Id FROM Event WHERE WhoId != null').totalSize).toBe(2);
  expect(run('SELECT Id FROM Event WHERE Make_Zoom_Meeting__c = true').totalSize).toBe(2);
  expect(run("SELECT Id FROM Event WHERE Subject LIKE '%REVIEW'").totalSize).toBe(1);
  expect(run("SELECT Id FROM Event WHERE Subject LIKE 'demo_with%'").totalSize).toBe(1);
  expect(run("SELECT Id FROM Event WHERE WhoId = '003000000000001'").totalSize).toBe(1);
  expect(
    run("SELECT Id FROM Event WHERE Make_Zoom_Meeting__c = true AND (Subject LIKE 'Demo%' OR Subject LIKE 'Pipe%')")
      .totalSize,
  ).toBe(2);
  expect(
    run("SELECT Id FROM Event WHERE Subject LIKE 'Demo%' OR Subject LIKE 'Pipe%' AND Make_Zoom_Meeting__c = false")
      .totalSize,
  ).toBe(1);
  expect(run("SELECT Id FROM Event WHERE NOT Subject LIKE 'Demo%'").totalSize).toBe(2);
  expect(run("SELECT Id FROM Event WHERE NOT (Subject LIKE 'Demo%' OR Subject LIKE 'Pipe%')").totalSize).toBe(1);
  expect(run('SELECT Id FROM Contact WHERE Id IN (SELECT WhoId FROM Event)').totalSize).toBe(1);
});

test('date-time literals, date literals, TODAY and LAST_N_DAYS', () => {
  expect(run('SELECT Id FROM Event WHERE StartDateTime >= 2026-11-20T15:00:00Z').totalSize).toBe(2);
  expect(run('SELECT Id FROM Event WHERE StartDateTime > 2026-11-20T16:00:00+01:00').totalSize).toBe(1);
  expect(subjects('SELECT Subject FROM Event WHERE StartDateTime = TODAY')).toEqual(['Demo with Marie']);
  expect(run('SELECT Id FROM Event WHERE StartDateTime = LAST_N_DAYS:7').totalSize).toBe(2);
  expect(run('SELECT Id FROM Event WHERE StartDateTime < LAST_N_DAYS:30').totalSize).toBe(1);
  expect(run('SELECT Id FROM Event WHERE ActivityDate = 2026-11-26').totalSize).toBe(0); // ActivityDate not seeded
  expect(run('SELECT Id FROM Opportunity WHERE CloseDate > 2027-01-01').totalSize).toBe(1);
  expect(() => run('SELECT Id FROM Event WHERE StartDateTime > 2026-11-01')).toThrow(
    expect.objectContaining({ errorCode: 'INVALID_QUERY_FILTER_OPERATOR' }),
  );
});

test('ORDER BY with NULLS FIRST/LAST, LIMIT, OFFSET and queryAll', () => {
  expect(subjects('SELECT Subject FROM Event ORDER BY StartDateTime DESC LIMIT 2')).toEqual([
    'Demo with Marie',
    "O'Neil check-in",
  ]);
  expect(subjects('SELECT Subject FROM Event ORDER BY StartDateTime LIMIT 1 OFFSET 1')).toEqual(["O'Neil check-in"]);
  expect(subjects('SELECT Subject FROM Event ORDER BY WhoId NULLS FIRST, Subject')[0]).toBe('Pipeline review');
  expect(subjects('SELECT Subject FROM Event ORDER BY WhoId DESC NULLS LAST').at(-1)).toBe('Pipeline review');
  expect(run('SELECT Id FROM Event', { includeDeleted: true }).totalSize).toBe(4);
  expect(run('SELECT Id FROM Event WHERE IsDeleted = true', { includeDeleted: true }).totalSize).toBe(1);
  expect(run("SELECT Id FROM Event WHERE Subject LIKE '100\\% sure\\_%'", { includeDeleted: true }).totalSize).toBe(1);
});

test('COUNT(), COUNT(Id), GROUP BY with aliases, expr names, HAVING and ORDER BY an aggregate', () => {
  expect(run('SELECT COUNT() FROM Event')).toEqual({ totalSize: 3, records: [], isAggregate: false });
  expect(run('SELECT COUNT(Id) FROM Event').records).toEqual([{ attributes: { type: 'AggregateResult' }, expr0: 3 }]);
  const grouped = run(
    'SELECT OwnerId, COUNT(Id) n, MAX(DurationInMinutes) FROM Event GROUP BY OwnerId ORDER BY COUNT(Id) DESC',
  );
  expect(grouped.records).toEqual([
    { attributes: { type: 'AggregateResult' }, OwnerId: ADA, n: 2, expr0: 45 },
    { attributes: { type: 'AggregateResult' }, OwnerId: GRACE, n: 1, expr0: 60 },
  ]);
  const having = run(
    'SELECT OwnerId, SUM(DurationInMinutes) total FROM Event GROUP BY OwnerId HAVING SUM(DurationInMinutes) > 70',
  );
  expect(having.records).toEqual([{ attributes: { type: 'AggregateResult' }, OwnerId: ADA, total: 75 }]);
  expect(() => run('SELECT Subject, COUNT(Id) FROM Event GROUP BY OwnerId')).toThrow(
    expect.objectContaining({ errorCode: 'MALFORMED_QUERY' }),
  );
});

test('malformed queries, unknown objects and fields', () => {
  expect(() => run('SELECT FROM Event')).toThrow(
    expect.objectContaining({ errorCode: 'MALFORMED_QUERY', httpStatus: 400 }),
  );
  expect(() => run('SELECT Id FROM Event WHERE')).toThrow(expect.objectContaining({ errorCode: 'MALFORMED_QUERY' }));
  expect(() => run('SELECT Id FROM Nope__c')).toThrow(expect.objectContaining({ errorCode: 'INVALID_TYPE' }));
  expect(() => run('SELECT Nope__c FROM Event')).toThrow(expect.objectContaining({ errorCode: 'INVALID_FIELD' }));
  expect(() => run("SELECT Id FROM Event WHERE Bogus = 'x'")).toThrow(
    expect.objectContaining({ errorCode: 'INVALID_FIELD' }),
  );
  expect(() => run('SELECT Nobody.Name FROM Event')).toThrow(expect.objectContaining({ errorCode: 'INVALID_FIELD' }));
  expect(() => run('SELECT Owner.Nope FROM Event')).toThrow(expect.objectContaining({ errorCode: 'INVALID_FIELD' }));
});

test('string literal escapes', () => {
  expect(unquoteSoqlString("'a\\'b\\\\c\\n\\u00e9'")).toBe("a'b\\c\né");
  expect(unquoteSoqlString("'50\\%'")).toBe('50\\%');
});
