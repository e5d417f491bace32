/**
 * The demo org both emulators are seeded with: Salesforce users who are also Zoom users (same e-mail),
 * plus one Salesforce user without a Zoom account, and the accounts, contacts, leads and opportunity a sales
 * team would have. Ids are fixed so the README, tests and demo can name them.
 */

export interface DemoUser {
  salesforceId: string;
  zoomId: string | null;
  firstName: string;
  lastName: string;
  email: string;
  /** IANA zone; Salesforce `TimeZoneSidKey` and the Zoom user's `timezone`. */
  timeZone: string;
  /** Personal Meeting ID of the Zoom user (10 digits). */
  pmi: number | null;
  /** Whether the user has a Google Workspace account (a primary calendar) in the emulated Google domain. */
  googleAccount: boolean;
}

export const DEMO_ORG_ID = '00D000000000001AAA';

/** The org's profiles: every demo user is a Standard User; the integration user has the API-only profile. */
export const DEMO_PROFILES = {
  standardUser: { Id: '00e000000000001AAA', Name: 'Standard User' },
  apiOnlyIntegration: { Id: '00e000000000002AAA', Name: 'Minimum Access - API Only Integrations' },
};

export const DEMO_USERS: DemoUser[] = [
  {
    salesforceId: '005000000000001AAA',
    zoomId: 'KDcuGIm1QgePTO8WbOqwIQ',
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada.lovelace@demo-sales.example',
    timeZone: 'Europe/London',
    pmi: 3542471135,
    googleAccount: true,
  },
  {
    salesforceId: '005000000000002AAA',
    zoomId: 'z8yCxjabQ7ai6vNqfDy7aQ',
    firstName: 'Grace',
    lastName: 'Hopper',
    email: 'grace.hopper@demo-sales.example',
    timeZone: 'America/New_York',
    pmi: 7781239904,
    googleAccount: true,
  },
  {
    salesforceId: '005000000000003AAA',
    zoomId: '30R7kT7bTIKSNUFEuH_Qlg',
    firstName: 'Alan',
    lastName: 'Turing',
    email: 'alan.turing@demo-sales.example',
    timeZone: 'America/Los_Angeles',
    pmi: 9023345517,
    // A Zoom host without a Google account: "Google Calendar Notifications" on gives a warning, not an event.
    googleAccount: false,
  },
  {
    // A Salesforce user with no Zoom account: scheduling for them must fail with a clear message.
    salesforceId: '005000000000004AAA',
    zoomId: null,
    firstName: 'Charles',
    lastName: 'Babbage',
    email: 'charles.babbage@demo-sales.example',
    timeZone: 'Europe/Berlin',
    pmi: null,
    googleAccount: false,
  },
];

export const DEMO_ACCOUNTS = [
  { Id: '001000000000001AAA', Name: 'Acme Corporation', OwnerId: '005000000000001AAA' },
  { Id: '001000000000002AAA', Name: 'Globex Industries', OwnerId: '005000000000002AAA' },
];

export const DEMO_CONTACTS = [
  {
    Id: '003000000000001AAA',
    FirstName: 'Marie',
    LastName: 'Curie',
    Email: 'marie.curie@acme.example',
    AccountId: '001000000000001AAA',
    OwnerId: '005000000000001AAA',
  },
  {
    Id: '003000000000002AAA',
    FirstName: 'Niels',
    LastName: 'Bohr',
    Email: 'niels.bohr@acme.example',
    AccountId: '001000000000001AAA',
    OwnerId: '005000000000001AAA',
  },
  {
    Id: '003000000000003AAA',
    FirstName: 'Lise',
    LastName: 'Meitner',
    Email: 'lise.meitner@globex.example',
    AccountId: '001000000000002AAA',
    OwnerId: '005000000000002AAA',
  },
];

export const DEMO_LEADS = [
  {
    Id: '00Q000000000001EAA',
    FirstName: 'Rosalind',
    LastName: 'Franklin',
    Email: 'rosalind.franklin@initech.example',
    Company: 'Initech',
    Status: 'Open - Not Contacted',
    OwnerId: '005000000000003AAA',
  },
  {
    Id: '00Q000000000002EAA',
    FirstName: 'Emmy',
    LastName: 'Noether',
    Email: 'emmy.noether@umbrella.example',
    Company: 'Umbrella',
    Status: 'Working - Contacted',
    OwnerId: '005000000000001AAA',
  },
];

export const DEMO_OPPORTUNITIES = [
  {
    Id: '006000000000001AAA',
    Name: 'Acme - 500 seats',
    AccountId: '001000000000001AAA',
    StageName: 'Prospecting',
    CloseDate: '2027-01-31',
    OwnerId: '005000000000001AAA',
  },
];

/** Credentials of the emulated connected apps (only ever valid against the emulators). */
export const DEMO_CREDENTIALS = {
  zoom: { accountId: 'demo-account', clientId: 'demo-zoom-client', clientSecret: 'demo-zoom-secret' },
  salesforce: {
    clientId: 'demo-sf-client',
    clientSecret: 'demo-sf-secret',
    username: 'integration@demo-sales.example',
    password: 'demo-password',
  },
  calloutSecret: 'demo-callout-secret-change-me',
  /** The sending account at the mail sink: its SMTP login and its Sent mailbox over IMAP. */
  mail: { user: 'zoom-sync@demo-sales.example', password: 'demo-mail-password' },
  zoomWebhookSecretToken: 'demo-zoom-webhook-secret-token',
  /** The embedded Temporal's payload key (`PAYLOAD_KEYS`): its database is thrown away on every start. */
  payloadKeys: 'demo-1:1yxx9P4gQ2zwO63sqBYblC4AVKaFSpqIjsmwat40V0E=',
};
