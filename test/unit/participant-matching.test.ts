import {
  CandidateIndex,
  linkedRecords,
  matchNotes,
  matchParticipants,
  type MatchCandidate,
  type MatchOutcome,
  type MeetingHost,
  type MeetingParticipant,
  type ParticipantMatch,
} from '../../domain/participant-matching';

const host: MeetingHost = { zoomUserId: 'zoom-host', email: 'jill@seller.example', name: 'Jill Chill' };

const contact = (id: string, firstName: string | null, lastName: string, email?: string): MatchCandidate => ({
  id,
  type: 'Contact',
  firstName,
  lastName,
  email,
});
const lead = (id: string, firstName: string | null, lastName: string, email?: string, isConverted = false) => ({
  id,
  type: 'Lead' as const,
  firstName,
  lastName,
  email,
  isConverted,
});

/** The outcome for each participant, matched against `candidates`. */
function outcomes(participants: MeetingParticipant[], candidates: MatchCandidate[]): MatchOutcome[] {
  return matchParticipants(participants, host, CandidateIndex.of(candidates)).map((m) => m.outcome);
}
function outcomeOf(participant: MeetingParticipant, candidates: MatchCandidate[]): MatchOutcome {
  return outcomes([participant], candidates)[0];
}
const linked = (recordId: string, by: 'email' | 'name', recordType: 'Contact' | 'Lead' = 'Contact') => ({
  kind: 'linked',
  recordId,
  recordType,
  by,
});

describe('by e-mail', () => {
  test('one record with the e-mail is linked, whatever the case and surrounding spaces', () => {
    const ada = contact('003A', 'Ada', 'Lovelace', 'Ada.Lovelace@Acme.example');
    expect(outcomeOf({ name: 'A. L.', email: '  ada.lovelace@ACME.example ' }, [ada])).toEqual(linked('003A', 'email'));
  });

  test('the e-mail beats the name: a different record with the same name is not chosen', () => {
    const candidates = [contact('003NAME', 'Ada', 'Lovelace'), lead('00QMAIL', 'Augusta', 'King', 'ada@acme.example')];
    expect(outcomeOf({ name: 'Ada Lovelace', email: 'ada@acme.example' }, candidates)).toEqual(
      linked('00QMAIL', 'email', 'Lead'),
    );
  });

  test('a Contact and a Lead with the e-mail: the Contact', () => {
    const candidates = [
      lead('00Q1', 'Ada', 'Lovelace', 'ada@acme.example'),
      contact('0031', 'Ada', 'L', 'ada@acme.example'),
    ];
    expect(outcomeOf({ name: 'Ada', email: 'ada@acme.example' }, candidates)).toEqual(linked('0031', 'email'));
  });

  test('two Contacts with the e-mail (a shared inbox) and nothing else to tell them apart: ambiguous', () => {
    const candidates = [
      contact('0031', 'Ada', 'Lovelace', 'team@acme.example'),
      contact('0032', 'Charles', 'Babbage', 'team@acme.example'),
      lead('00Q1', 'Team', 'Acme', 'team@acme.example'),
    ];
    // The Lead is outranked by the Contacts, so only they are listed for review.
    expect(outcomeOf({ name: 'Acme team', email: 'team@acme.example' }, candidates)).toEqual({
      kind: 'ambiguous',
      candidateIds: ['0031', '0032'],
      by: 'email',
    });
    // ... but the exact name singles one out among the records behind the address.
    expect(outcomeOf({ name: 'Charles Babbage', email: 'team@acme.example' }, candidates)).toEqual(
      linked('0032', 'email'),
    );
  });

  test('two Leads with the e-mail: ambiguous', () => {
    const candidates = [
      lead('00Q1', 'Ada', 'Lovelace', 'ada@acme.example'),
      lead('00Q2', 'Ada', 'King', 'ADA@acme.example'),
    ];
    expect(outcomeOf({ name: 'Ada', email: 'ada@acme.example' }, candidates)).toEqual({
      kind: 'ambiguous',
      candidateIds: ['00Q1', '00Q2'],
      by: 'email',
    });
  });

  test('an e-mail that matches no record falls back to the name', () => {
    const candidates = [contact('003A', 'Ada', 'Lovelace', 'ada@old-employer.example')];
    expect(outcomeOf({ name: 'Ada Lovelace', email: 'ada@new-employer.example' }, candidates)).toEqual(
      linked('003A', 'name'),
    );
  });
});

describe('by name (Zoom hides most guests’ e-mails)', () => {
  const jose = contact('003J', 'José', 'Núñez');

  test.each([
    ['José Núñez'],
    ['jose nunez'],
    ['JOSE NUNEZ'],
    ['Núñez, José'],
    ['nunez,jose'],
    ['  José    Núñez  '],
    ['José Núñez (iPhone)'],
  ])('"%s" is José Núñez', (name) => {
    expect(outcomeOf({ name }, [jose])).toEqual(linked('003J', 'name'));
  });

  test.each([['José'], ['Núñez'], ['José Nuñes'], ['Núñez José Antonio'], ['José Antonio Núñez']])(
    '"%s" is not José Núñez',
    (name) => {
      expect(outcomeOf({ name }, [jose])).toEqual({ kind: 'no-match' });
    },
  );

  test('the name must follow first-then-last order unless a comma says otherwise', () => {
    // "Thomas James" and "James Thomas" are different people.
    expect(outcomeOf({ name: 'James Thomas' }, [contact('003T', 'Thomas', 'James')])).toEqual({ kind: 'no-match' });
  });

  test('a middle initial on one side only still matches; different initials do not', () => {
    const ada = contact('003A', 'Ada', 'Lovelace');
    expect(outcomeOf({ name: 'Ada K. Lovelace' }, [ada])).toEqual(linked('003A', 'name'));
    expect(outcomeOf({ name: 'Ada K Lovelace' }, [ada])).toEqual(linked('003A', 'name'));
    const john = contact('003F', 'John F.', 'Kennedy');
    expect(outcomeOf({ name: 'John Kennedy' }, [john])).toEqual(linked('003F', 'name'));
    expect(outcomeOf({ name: 'John F Kennedy' }, [john])).toEqual(linked('003F', 'name'));
    expect(outcomeOf({ name: 'John A. Kennedy' }, [john])).toEqual({ kind: 'no-match' });
  });

  test('an exact name beats a match that needs a middle initial dropped', () => {
    const candidates = [contact('003AK', 'Ada K.', 'Lovelace'), contact('003A', 'Ada', 'Lovelace')];
    expect(outcomeOf({ name: 'Ada Lovelace' }, candidates)).toEqual(linked('003A', 'name'));
  });

  test('a Contact is preferred over a Lead for the same person', () => {
    const candidates = [lead('00QA', 'Ada', 'Lovelace'), contact('003A', 'ada', 'LOVELACE')];
    expect(outcomeOf({ name: 'Ada Lovelace' }, candidates)).toEqual(linked('003A', 'name'));
  });

  test('a Lead is linked when it is the only record', () => {
    expect(outcomeOf({ name: 'Ada Lovelace' }, [lead('00QA', 'Ada', 'Lovelace')])).toEqual(
      linked('00QA', 'name', 'Lead'),
    );
  });

  test('converted Leads never match, by name or by e-mail', () => {
    const converted = lead('00QC', 'Ada', 'Lovelace', 'ada@acme.example', true);
    expect(outcomeOf({ name: 'Ada Lovelace' }, [converted])).toEqual({ kind: 'no-match' });
    expect(outcomeOf({ name: 'Ada Lovelace', email: 'ada@acme.example' }, [converted])).toEqual({ kind: 'no-match' });
    expect(CandidateIndex.of([converted, contact('003A', 'Ada', 'Lovelace')]).size).toBe(1);
    // A converted Lead does not make its Contact ambiguous either.
    expect(outcomeOf({ name: 'Ada Lovelace' }, [converted, lead('00QN', 'Ada', 'Lovelace')])).toEqual(
      linked('00QN', 'name', 'Lead'),
    );
  });

  test('two records matching equally well link nobody: ambiguous, for review', () => {
    const twoContacts = [contact('0031', 'Ada', 'Lovelace'), contact('0032', 'Ada', 'Lovelace')];
    expect(outcomeOf({ name: 'Ada Lovelace' }, twoContacts)).toEqual({
      kind: 'ambiguous',
      candidateIds: ['0031', '0032'],
      by: 'name',
    });
    const twoLeads = [lead('00Q1', 'Ada', 'Lovelace'), lead('00Q2', 'Ada', 'Lovelace')];
    expect(outcomeOf({ name: 'Ada Lovelace' }, twoLeads)).toEqual({
      kind: 'ambiguous',
      candidateIds: ['00Q1', '00Q2'],
      by: 'name',
    });
    const twoWithInitials = [contact('003X', 'John A.', 'Smith'), contact('003Y', 'John B.', 'Smith')];
    expect(outcomeOf({ name: 'John Smith' }, twoWithInitials)).toEqual({
      kind: 'ambiguous',
      candidateIds: ['003X', '003Y'],
      by: 'name',
    });
  });

  test('the same record given twice is one record, not an ambiguity', () => {
    const ada = contact('003A', 'Ada', 'Lovelace');
    expect(outcomeOf({ name: 'Ada Lovelace' }, [ada, { ...ada }])).toEqual(linked('003A', 'name'));
  });

  test('a record without a first name matches its last name alone', () => {
    expect(outcomeOf({ name: 'Madonna' }, [lead('00QM', null, 'Madonna')])).toEqual(linked('00QM', 'name', 'Lead'));
  });

  test('an empty display name matches nothing', () => {
    expect(outcomeOf({ name: '  ' }, [lead('00QX', null, ' ')])).toEqual({ kind: 'no-match' });
  });
});

describe('not linked', () => {
  const candidates = [contact('003J', 'Jill', 'Chill', 'jill@seller.example'), contact('0031', 'One', 'Person')];

  test('the host, by Zoom user id, by e-mail, or by name only when Zoom gives neither', () => {
    expect(outcomeOf({ name: 'Jill (laptop)', zoomUserId: 'zoom-host' }, candidates)).toEqual({ kind: 'host' });
    expect(outcomeOf({ name: 'J', email: 'JILL@seller.example' }, candidates)).toEqual({ kind: 'host' });
    expect(outcomeOf({ name: 'chill, jill' }, candidates)).toEqual({ kind: 'host' });
    // Someone else called Jill Chill, identified by Zoom: not the host.
    expect(outcomeOf({ name: 'Jill Chill', zoomUserId: 'zoom-other' }, [contact('003O', 'Jill', 'Chill')])).toEqual(
      linked('003O', 'name'),
    );
  });

  test.each([
    ['+1 408 555 0100'],
    ['14085550100'],
    ['(408) 555-0100'],
    ['408.555.0100'],
    ['+1 408****100'],
    ['Call-in User_2'],
  ])('a dial-in "%s" is listed, not linked', (name) => {
    expect(outcomeOf({ name }, candidates)).toEqual({ kind: 'phone' });
  });

  test.each([['Room 101'], ['2024'], ['Agent 007']])('"%s" is not a phone number', (name) => {
    expect(outcomeOf({ name }, candidates)).toEqual({ kind: 'no-match' });
  });

  test.each([['sip:boardroom@acme.example'], ['H323:10.1.2.3'], ['192.168.1.20']])(
    'a device "%s" is recognised',
    (name) => {
      expect(outcomeOf({ name }, candidates)).toEqual({ kind: 'device' });
    },
  );

  test('a room system with a plain name is simply not matched', () => {
    expect(outcomeOf({ name: 'Boardroom 4th floor' }, candidates)).toEqual({ kind: 'no-match' });
  });
});

describe('a whole meeting', () => {
  const candidates = [
    contact('003ADA', 'Ada', 'Lovelace', 'ada@acme.example'),
    contact('003BOB1', null, 'Bob'),
    lead('00QBOB2', null, 'Bob'),
    lead('00QBOB3', null, 'Bob'),
    contact('003BOB4', null, 'Bob'),
    lead('00QGRACE', 'Grace', 'Hopper'),
  ];
  const participants: MeetingParticipant[] = [
    { name: 'Jill Chill', zoomUserId: 'zoom-host', minutes: 60 },
    { name: 'Grace Hopper', minutes: 55 },
    { name: 'Ada Lovelace', email: 'ada@acme.example', minutes: 50 },
    { name: 'Bob', minutes: 40 },
    { name: '+1 408 555 0100', minutes: 30 },
    { name: 'Lovelace, Ada', minutes: 20 },
    { name: 'Carol', minutes: 10 },
  ];
  const matches = matchParticipants(participants, host, CandidateIndex.of(candidates));

  test('outcomes come in the participants’ order', () => {
    expect(matches.map((m) => m.participant)).toEqual(participants);
    expect(matches.map((m) => m.outcome.kind)).toEqual([
      'host',
      'linked',
      'linked',
      'ambiguous',
      'phone',
      'linked',
      'no-match',
    ]);
  });

  test('linkedRecords: WhoId first, each record once although two participants are Ada', () => {
    expect(linkedRecords(matches)).toEqual([
      { recordId: '00QGRACE', recordType: 'Lead' },
      { recordId: '003ADA', recordType: 'Contact' },
    ]);
    expect(linkedRecords([])).toEqual([]);
  });

  test('matchNotes gives the reason for each participant', () => {
    expect(matchNotes(matches)).toBe(
      [
        "Host (Jill Chill): not linked, the meeting's host",
        'Grace Hopper: linked to Lead 00QGRACE by name',
        'Ada Lovelace: linked to Contact 003ADA by e-mail',
        'Bob: not linked, 2 records match the name equally (003BOB1, 003BOB4)',
        '+1 408 555 0100: not linked, phone dial-in',
        'Lovelace, Ada: linked to Contact 003ADA by name',
        'Carol: not linked, no Contact or Lead of the host matches',
      ].join('\n'),
    );
  });

  test('matchNotes keeps one line per participant and names devices and e-mail ambiguity', () => {
    const notes = matchNotes([
      { participant: { name: 'Line\nbreak', email: 'x@y' }, outcome: { kind: 'device' } },
      {
        participant: { name: ' ', email: 'team@acme.example' },
        outcome: { kind: 'ambiguous', candidateIds: ['0031', '0032'], by: 'email' },
      },
    ]);
    expect(notes).toBe(
      'Line break: not linked, room system or device\n' +
        'team@acme.example: not linked, 2 records match the e-mail equally (0031, 0032)',
    );
  });

  test('matchNotes stays within the field length, counting what it leaves out', () => {
    const many: ParticipantMatch[] = Array.from({ length: 2_000 }, (_, i) => ({
      participant: { name: `Guest number ${i}` },
      outcome: { kind: 'no-match' },
    }));
    const full = matchNotes(many);
    expect(full.length).toBeLessThanOrEqual(32_768);
    expect(full).toMatch(/\n… and \d+ more$/);
    const shown = full.split('\n').length - 1;
    expect(full).toContain(`… and ${many.length - shown} more`);

    const cut = matchNotes(many.slice(0, 5), 130);
    expect(cut.length).toBeLessThanOrEqual(130);
    expect(cut).toBe('Guest number 0: not linked, no Contact or Lead of the host matches\n… and 4 more');
    expect(matchNotes(many.slice(0, 3), 20)).toBe('… and 3 more');
    expect(matchNotes([])).toBe('');
  });
});

test('one index of 50,000 records serves 25,000 participants', () => {
  const candidates: MatchCandidate[] = [];
  for (let i = 0; i < 50_000; i += 1) {
    const id = `003${String(i).padStart(12, '0')}`;
    candidates.push(
      i % 2 === 0
        ? contact(id, `First${i}`, `Last${i}`, `person${i}@acme.example`)
        : lead(id.replace('003', '00Q'), `First${i}`, `Last${i}`, undefined, i % 10 === 1),
    );
  }
  const index = CandidateIndex.of(candidates);
  expect(index.size).toBe(50_000 - 5_000);

  // 5,000 meetings × 5 people: by e-mail, by name ("Last, First"), a converted Lead, a phone, an unknown guest.
  const participants: MeetingParticipant[] = [];
  for (let m = 0; m < 5_000; m += 1) {
    const even = (m * 10) % 50_000;
    participants.push(
      { name: `Person ${even}`, email: `PERSON${even}@acme.example` },
      { name: `Last${even + 3}, First${even + 3}` },
      { name: `First${even + 1} Last${even + 1}` },
      { name: `+1 408 555 ${String(m % 10_000).padStart(4, '0')}` },
      { name: `Stranger ${m}` },
    );
  }
  const matches = matchParticipants(participants, host, index);
  expect(matches).toHaveLength(25_000);
  for (const m of [0, 1, 2_500, 4_999]) {
    const even = (m * 10) % 50_000;
    expect(matches.slice(m * 5, m * 5 + 5).map((match) => match.outcome)).toEqual([
      linked(`003${String(even).padStart(12, '0')}`, 'email'),
      linked(`00Q${String(even + 3).padStart(12, '0')}`, 'name', 'Lead'),
      { kind: 'no-match' },
      { kind: 'phone' },
      { kind: 'no-match' },
    ]);
  }
});
