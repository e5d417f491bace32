import { calloutHeaders } from '../domain/callout-signature';
import { isSalesforceId, sameId, SALESFORCE_KEY_PREFIX } from '../domain/salesforce-id';
import { escapeSoqlString, type SalesforceClient } from '../integrations/salesforce/client';

/**
 * The preview's stand-in for the package's Apex controllers: each method does what its Apex twin does (see
 * salesforce/force-app/.../classes), on behalf of the preview's user. It signs the API's requests as ZoomBackend.cls
 * does (v2 over the request line), reads the org through the REST API, and refuses with the same plain messages.
 */

/** A refusal the page shows as it is (Apex's AuraHandledException). */
export class UserError extends Error {}

export interface PreviewUser {
  id: string;
  /** Holds the custom permission Zoom_Manage_All_Users (the Zoom Admin permission set). */
  isAdmin: boolean;
}

export interface ApexStandInDeps {
  apiUrl: string;
  calloutSecret: string;
  salesforce: Pick<
    SalesforceClient,
    'query' | 'getZoomSettings' | 'createRecords' | 'updateRecords' | 'getMeetingPeople'
  >;
  /** The org's Id: the SetupOwnerId of the Zoom_Settings__c organization default. */
  orgId: string;
}

type Params = Record<string, unknown>;
export type ApexMethod = (params: Params, user: PreviewUser) => Promise<unknown>;

const SEARCH_LIMIT = 20;

/** The record pages the preview serves, by key prefix. */
const RECORD_TYPES = [
  [SALESFORCE_KEY_PREFIX.event, 'Event'],
  [SALESFORCE_KEY_PREFIX.contact, 'Contact'],
  [SALESFORCE_KEY_PREFIX.lead, 'Lead'],
] as const;

interface EmailRecipient {
  name: string;
  email: string;
  role: string;
}

/** Zoom_Settings__c's fields by the names ZoomSettingsController gives them. */
const USER_SETTING_FIELDS = {
  sendEmailOnLaunch: 'Send_Email_On_Launch__c',
  usePmiByDefault: 'Use_PMI_By_Default__c',
  joinBeforeHostByDefault: 'Join_Before_Host_By_Default__c',
  googleCalendarNotifications: 'Google_Calendar_Notifications__c',
} as const;
const ORG_SETTING_FIELDS = { ...USER_SETTING_FIELDS, syncExternalMeetings: 'Sync_External_Meetings__c' } as const;

export function createApexStandIn(deps: ApexStandInDeps): Record<string, ApexMethod> {
  /** ZoomBackend.callForUser: a signed request; the API's own message on a refusal. */
  async function callForUser(method: 'GET' | 'POST', path: string, body = ''): Promise<Record<string, unknown>> {
    let response: Response;
    try {
      response = await fetch(deps.apiUrl + path, {
        method,
        headers: calloutHeaders(deps.calloutSecret, body, Date.now(), { method, path }),
        ...(body ? { body } : {}),
      });
    } catch {
      throw new UserError('The Zoom integration could not be reached. Try again in a minute.');
    }
    const answer = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    if (response.status >= 300) {
      const error = answer?.error;
      throw new UserError(
        typeof error === 'string' && error.trim() ? error : `The Zoom integration answered HTTP ${response.status}.`,
      );
    }
    return answer ?? {};
  }

  /** The host the user may act for: themselves, or anyone for a Zoom Admin. */
  function hostFor(hostId: unknown, user: PreviewUser): string {
    if (hostId === undefined || hostId === null || hostId === '' || hostId === user.id) return user.id;
    if (!user.isAdmin) throw new UserError('Only a Zoom Admin can see other users’ meetings.');
    if (!isSalesforceId(hostId, SALESFORCE_KEY_PREFIX.user)) throw new UserError('Choose a host.');
    return hostId;
  }

  const text = (value: unknown) => (typeof value === 'string' ? value : '');

  function eventIdOf(params: Params): string {
    const id = text(params.eventId);
    if (!isSalesforceId(id, SALESFORCE_KEY_PREFIX.event)) throw new UserError('Open an Event first.');
    return id;
  }

  /** The Zoom_Settings__c record of one level of the hierarchy (a user, or the org), if it exists. */
  async function settingsRecord(ownerId: string): Promise<Record<string, unknown> | undefined> {
    const { records } = await deps.salesforce.query<Record<string, unknown> & { SetupOwnerId: string }>(
      `SELECT Id, SetupOwnerId, ${Object.values(ORG_SETTING_FIELDS).join(', ')} FROM Zoom_Settings__c`,
    );
    return records.find((r) => sameId(r.SetupOwnerId, ownerId));
  }

  /** ZoomSettingsController's upsert of one level: every given setting, off unless true. */
  async function saveSettings(ownerId: string, fields: Record<string, string>, params: Params): Promise<void> {
    const values = Object.fromEntries(Object.entries(fields).map(([name, field]) => [field, params[name] === true]));
    const existing = await settingsRecord(ownerId);
    const [result] = existing
      ? await deps.salesforce.updateRecords('Zoom_Settings__c', [{ Id: existing.Id as string, ...values }])
      : await deps.salesforce.createRecords('Zoom_Settings__c', [{ SetupOwnerId: ownerId, ...values }]);
    if (!result?.success) throw new Error('Zoom_Settings__c could not be saved');
  }

  /** ZoomSettingsController.getSettings: the user's settings as they apply; the org defaults for a Zoom Admin. */
  async function settingsPage(user: PreviewUser): Promise<Record<string, unknown>> {
    const mine = await deps.salesforce.getZoomSettings(user.id);
    if (!user.isAdmin) return { isAdmin: false, mine };
    const org = await settingsRecord(deps.orgId);
    const orgDefaults = Object.fromEntries(
      Object.entries(ORG_SETTING_FIELDS).map(([name, field]) => [name, org?.[field] === true]),
    );
    return { isAdmin: true, mine, orgDefaults };
  }

  return {
    async 'ZoomExternalMeetingsController.getPageContext'(_params, user) {
      const me = await deps.salesforce.query<{ Name: string }>(
        `SELECT Name FROM User WHERE Id = '${escapeSoqlString(user.id)}' LIMIT 1`,
      );
      const hosts = user.isAdmin
        ? (
            await deps.salesforce.query<{ Id: string; Name: string }>(
              'SELECT Id, Name FROM User WHERE IsActive = true ORDER BY Name LIMIT 1000',
            )
          ).records.map((u) => ({ id: u.Id, name: u.Name }))
        : [];
      return { userId: user.id, userName: me.records[0]?.Name ?? '', isAdmin: user.isAdmin, hosts };
    },

    async 'ZoomExternalMeetingsController.listMeetings'(params, user) {
      const query = new URLSearchParams({
        host: hostFor(params.hostId, user),
        from: text(params.fromDate),
        to: text(params.toDate),
      });
      if (text(params.cursor)) query.set('cursor', text(params.cursor));
      return callForUser('GET', `/v1/external-meetings?${query}`);
    },

    async 'ZoomExternalMeetingsController.getMeetingDetails'(params, user) {
      if (!text(params.uuid)) throw new UserError('Choose a meeting.');
      const host = hostFor(params.hostId, user);
      return callForUser('GET', `/v1/external-meetings/${encodeURIComponent(text(params.uuid))}?host=${host}`);
    },

    async 'ZoomExternalMeetingsController.searchPeople'(params, user) {
      const host = escapeSoqlString(hostFor(params.hostId, user));
      const term = text(params.term).trim();
      if (term.length < 2) return [];
      const pattern = escapeSoqlString(`%${term}%`);
      const [contacts, leads] = await Promise.all([
        deps.salesforce.query<{ Id: string; Name: string }>(
          `SELECT Id, Name FROM Contact WHERE OwnerId = '${host}' AND Name LIKE '${pattern}' ORDER BY Name LIMIT ${SEARCH_LIMIT}`,
        ),
        deps.salesforce.query<{ Id: string; Name: string }>(
          `SELECT Id, Name FROM Lead WHERE OwnerId = '${host}' AND IsConverted = false AND Name LIKE '${pattern}' ORDER BY Name LIMIT ${SEARCH_LIMIT}`,
        ),
      ]);
      return [
        ...contacts.records.map((r) => ({ id: r.Id, type: 'Contact', name: r.Name })),
        ...leads.records.map((r) => ({ id: r.Id, type: 'Lead', name: r.Name })),
      ];
    },

    async 'ZoomSettingsController.getSettings'(_params, user) {
      return settingsPage(user);
    },

    async 'ZoomSettingsController.saveMySettings'(params, user) {
      await saveSettings(user.id, USER_SETTING_FIELDS, params);
      return settingsPage(user);
    },

    async 'ZoomSettingsController.saveOrgDefaults'(params, user) {
      if (!user.isAdmin) throw new UserError('Only a Zoom Admin can change the organization defaults.');
      await saveSettings(deps.orgId, ORG_SETTING_FIELDS, params);
      return settingsPage(user);
    },

    async 'ZoomSettingsController.checkZoomAccount'(_params, user) {
      return callForUser('GET', `/v1/zoom-account?user=${user.id}`);
    },

    /**
     * What `@salesforce/i18n/timeZone` gives the user's components: their own Salesforce setting
     * (User.TimeZoneSidKey; Salesforce's default GMT when the org has none), never the browser's or machine's zone.
     */
    async 'UserInfo.i18n'(_params, user) {
      const { records } = await deps.salesforce.query<{ TimeZoneSidKey?: string | null }>(
        `SELECT TimeZoneSidKey FROM User WHERE Id = '${escapeSoqlString(user.id)}' LIMIT 1`,
      );
      return { timeZone: records[0]?.TimeZoneSidKey || 'GMT' };
    },

    /** lightning/uiRecordApi's getRecord (preview/modules/stubs/uiRecordApi.js): the fields, as Lightning gives them. */
    async 'uiRecordApi.getRecord'(params) {
      const recordId = text(params.recordId);
      const fields = Array.isArray(params.fields) ? params.fields.filter((f) => typeof f === 'string') : [];
      if (!isSalesforceId(recordId) || fields.some((f) => !/^\w+$/.test(f))) throw new UserError('No such record.');
      const type = RECORD_TYPES.find(([prefix]) => recordId.startsWith(prefix))?.[1];
      if (!type) throw new UserError('The preview shows Events, Contacts and Leads only.');
      const { records } = await deps.salesforce.query<Record<string, unknown>>(
        `SELECT Id, ${fields.join(', ')} FROM ${type} WHERE Id = '${escapeSoqlString(recordId)}' LIMIT 1`,
      );
      if (!records[0]) throw new UserError('This record does not exist, or you cannot see it.');
      return {
        id: records[0].Id,
        apiName: type,
        fields: Object.fromEntries(fields.map((f) => [f, { value: records[0][f] ?? null }])),
      };
    },

    async 'ZoomMeetingController.startInstantMeeting'(params, user) {
      const recordId = text(params.recordId);
      if (!isSalesforceId(recordId, [SALESFORCE_KEY_PREFIX.contact, SALESFORCE_KEY_PREFIX.lead])) {
        throw new UserError('Start a Zoom meeting from a Lead or a Contact.');
      }
      const subject = text(params.subject).trim();
      const body = JSON.stringify({ recordId, userId: user.id, ...(subject ? { subject } : {}) });
      const answer = await callForUser('POST', '/v1/salesforce/instant-meetings', body);
      const { sendEmailOnLaunch } = await deps.salesforce.getZoomSettings(user.id);
      return { eventId: answer.eventId, joinUrl: answer.joinUrl, startUrl: answer.startUrl, sendEmailOnLaunch };
    },

    /** The composer's recipients: the Event's contact or lead, its invitees, its stored addresses, each once. */
    async 'ZoomMeetingController.getEmailRecipients'(params) {
      const eventId = eventIdOf(params);
      const [{ records }, people] = await Promise.all([
        deps.salesforce.query<{ Subject?: string; WhoId?: string | null }>(
          `SELECT Subject, WhoId FROM Event WHERE Id = '${escapeSoqlString(eventId)}' LIMIT 1`,
        ),
        deps.salesforce.getMeetingPeople(eventId),
      ]);
      if (!records[0] || !people) {
        throw new UserError('You do not have access to this record, or it no longer exists.');
      }
      const whoType = RECORD_TYPES.find(([prefix]) => records[0].WhoId?.startsWith(prefix))?.[1] ?? 'Contact';
      const recipients: EmailRecipient[] = [];
      const seen = new Set<string>();
      const add = (name: string, email: string | undefined, role: string) => {
        const address = email?.trim();
        if (!address || seen.has(address.toLowerCase())) return;
        seen.add(address.toLowerCase());
        recipients.push({ name, email: address, role });
      };
      if (people.who) add(people.who.name, people.who.email, whoType);
      for (const invitee of people.invitees) add(invitee.name, invitee.email, 'Invitee');
      for (const address of (people.additionalEmails ?? '').split(/[\s,;]+/)) add('', address, 'Additional');
      return { subject: records[0].Subject ?? '', recipients };
    },

    async 'ZoomMeetingController.getStartUrl'(params) {
      return (await callForUser('GET', `/v1/events/${eventIdOf(params)}/start-url`)).startUrl;
    },

    async 'ZoomMeetingController.syncMeeting'(params) {
      return (await callForUser('POST', `/v1/events/${eventIdOf(params)}/sync`)).written ?? {};
    },

    async 'ZoomMeetingController.sendEmail'(params) {
      const extra = Array.isArray(params.additionalEmails)
        ? params.additionalEmails.filter((e) => typeof e === 'string')
        : [];
      const body = JSON.stringify({ additionalEmails: extra });
      return (await callForUser('POST', `/v1/events/${eventIdOf(params)}/email`, body)).recipients;
    },

    async 'ZoomExternalMeetingsController.createEvents'(params, user) {
      let meetings: unknown;
      try {
        meetings = JSON.parse(text(params.meetingsJson));
      } catch {
        throw new UserError('Choose the meetings again.');
      }
      if (!Array.isArray(meetings) || meetings.length === 0) throw new UserError('Select at least one meeting.');
      const body = JSON.stringify({ host: hostFor(params.hostId, user), meetings });
      return (await callForUser('POST', '/v1/external-meetings/events', body)).results;
    },
  };
}
