import { Context } from '@temporalio/activity';
import { Connection } from 'jsforce';
import {
  type EventScheduleFields,
  type EventSnapshot,
  type EventZoomFields,
  SNAPSHOT_FIELDS,
} from '../../domain/event-fields';
import { toSalesforceError } from './errors';
import { SALESFORCE_KEY_PREFIX, sameId } from '../../domain/salesforce-id';

/**
 * The integration's Salesforce client over jsforce: one shared connection, authorised with the OAuth 2.0
 * client-credentials flow (the connected app's "Run As" user). Client-credentials sessions have no refresh
 * token, so the refresh function runs the flow again; jsforce calls it on a 401 and replays the request.
 * Every failure is thrown as a SalesforceApiError.
 */

export interface SalesforceClientConfig {
  /** The org's My Domain URL (client credentials do not work against login.salesforce.com). */
  loginUrl: string;
  clientId: string;
  clientSecret: string;
  /** e.g. '62.0'; jsforce's own default (50.0) is too old for sObject Collections upsert. */
  apiVersion: string;
  /** How long one request (with jsforce's own retries) may take; `SALESFORCE_REQUEST_TIMEOUT_MS` by default. */
  requestTimeoutMs?: number;
}

/**
 * jsforce's own default is 30 minutes. Below the shortest startToCloseTimeout of an activity that calls Salesforce
 * (10 s: the instant path's local activities), so an attempt fails by its own timeout, not Temporal's; an attempt
 * making several requests is ended by its cancellation.
 */
export const SALESFORCE_REQUEST_TIMEOUT_MS = 8_000;

/** The calling activity's cancellation signal (an attempt timed out or cancelled); none outside an activity. */
function activityCancellation(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined;
  }
}

/** `promise`, or the signal's reason as soon as it aborts (jsforce takes no signal; its request then ends at its timeout). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The org's rolling 24-hour API allowance, from the last response's `Sforce-Limit-Info: api-usage=<used>/<limit>`. */
export interface SalesforceApiUsage {
  used: number;
  limit: number;
  remaining: number;
}

export interface SalesforceClientObservers {
  /** Called after each call whose response carried the org's API usage (refusals included). */
  onApiUsage?: (usage: SalesforceApiUsage) => void;
}

export interface SalesforceUser {
  Id: string;
  Email: string | null;
  Name: string | null;
  TimeZoneSidKey: string | null;
  IsActive: boolean;
}

export type SalesforceEvent = EventSnapshot & Record<string, unknown>;

/** One record's outcome in an sObject Collections call. */
export interface SaveResult {
  id?: string;
  success: boolean;
  created?: boolean;
  errors: { statusCode?: string; message?: string; fields?: string[] }[];
}

/** sObject Collections take at most 200 records per call. */
const COLLECTION_LIMIT = 200;
/** The external id of instant-meeting Events: one value per "Start Zoom Meeting" click. */
const INSTANT_CLICK_ID_FIELD = 'Zoom_Instant_Click_Id__c';

function toSaveResult(result: SaveResult): SaveResult {
  return {
    ...(result.id ? { id: result.id } : {}),
    success: result.success,
    ...(result.created !== undefined ? { created: result.created } : {}),
    errors: result.errors ?? [],
  };
}

const USER_FIELDS = ['Id', 'Email', 'Name', 'TimeZoneSidKey', 'IsActive'];
const EVENT_FIELDS = [
  ...SNAPSHOT_FIELDS,
  'Zoom_Join_URL__c',
  'Zoom_Status__c',
  'Zoom_Last_Synced__c',
  'Zoom_Sync_Error__c',
  'IsDeleted',
];

/** A string as a SOQL literal's content: only `\` and `'` are reserved. */
export function escapeSoqlString(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}

/** Strings as the list of a SOQL `IN (…)`: each quoted and escaped. */
export function soqlStringList(values: string[]): string {
  return values.map((v) => `'${escapeSoqlString(v)}'`).join(', ');
}

/** A time as a SOQL date-time literal (whole seconds, UTC). */
export function soqlDateTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const ZOOM_SETTING_FIELDS = [
  'Send_Email_On_Launch__c',
  'Use_PMI_By_Default__c',
  'Join_Before_Host_By_Default__c',
  'Google_Calendar_Notifications__c',
] as const;

export interface ZoomSettings {
  sendEmailOnLaunch: boolean;
  usePmiByDefault: boolean;
  joinBeforeHostByDefault: boolean;
  googleCalendarNotifications: boolean;
}

export interface MeetingPerson {
  name: string;
  email: string;
}

export interface MeetingPeople {
  who?: MeetingPerson;
  /** The Event's owner as it is now (`id`: its OwnerId). */
  owner: MeetingPerson & { id?: string; timeZone?: string };
  invitees: MeetingPerson[];
  additionalEmails?: string;
  customerTimeZone?: string;
}

/** Event fields the integration may write besides its own (Zoom-side edits flowing back). */
export type EventUpdateFields = EventScheduleFields & {
  Customer_Time_Zone__c?: string | null;
  Zoom_Last_Synced__c?: string;
};

export class SalesforceClient {
  private readonly connection: Connection;
  private authorising: Promise<void> | undefined;

  constructor(
    private readonly config: SalesforceClientConfig,
    private readonly observers: SalesforceClientObservers = {},
  ) {
    this.connection = new Connection({
      oauth2: { loginUrl: config.loginUrl, clientId: config.clientId, clientSecret: config.clientSecret },
      instanceUrl: config.loginUrl,
      version: config.apiVersion,
      refreshFn: (connection, callback) => {
        connection.oauth2.requestToken({ grant_type: 'client_credentials' }).then(
          (token) => callback(null, token.access_token, token),
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      },
    });
    const timeout = config.requestTimeoutMs ?? SALESFORCE_REQUEST_TIMEOUT_MS;
    for (const transport of [this.connection._transport, this.connection.oauth2._transport]) {
      const httpRequest = transport.httpRequest.bind(transport);
      transport.httpRequest = (request, options) => httpRequest(request, { ...options, timeout });
    }
  }

  /** Runs `call` on an authorised connection, translating failures; an activity's cancellation ends it at once. */
  private async call<T>(call: (connection: Connection) => Promise<T>): Promise<T> {
    const cancellation = activityCancellation();
    try {
      return await untilAborted(
        this.ensureAuthorised().then(() => call(this.connection)),
        cancellation,
      );
    } catch (error) {
      if (cancellation?.aborted) throw error;
      throw toSalesforceError(error);
    } finally {
      this.reportApiUsage();
    }
  }

  /** jsforce keeps the last `Sforce-Limit-Info` reading (every REST response has one: REST API, "Limit Info Header"). */
  private reportApiUsage(): void {
    const usage = this.connection.limitInfo.apiUsage;
    if (!usage || !this.observers.onApiUsage) return;
    this.observers.onApiUsage({ ...usage, remaining: Math.max(0, usage.limit - usage.used) });
  }

  /** Authorises once; concurrent first calls share the same token request. */
  private ensureAuthorised(): Promise<void> {
    if (this.connection.accessToken) return Promise.resolve();
    this.authorising ??= this.connection
      .authorize({ grant_type: 'client_credentials' })
      .then(() => undefined)
      .finally(() => {
        this.authorising = undefined;
      });
    return this.authorising;
  }

  /** The user, or null when no user has this id. */
  async getUser(userId: string): Promise<SalesforceUser | null> {
    const { records } = await this.query<SalesforceUser>(
      `SELECT ${USER_FIELDS.join(', ')} FROM User WHERE Id = '${escapeSoqlString(userId)}' LIMIT 1`,
    );
    return records[0] ?? null;
  }

  /** The Event with its snapshot and Zoom fields, or null when it does not exist (or was deleted). */
  async getEvent(eventId: string): Promise<SalesforceEvent | null> {
    const { records } = await this.query<SalesforceEvent>(
      `SELECT ${EVENT_FIELDS.filter((f) => f !== 'IsDeleted').join(', ')} FROM Event ` +
        `WHERE Id = '${escapeSoqlString(eventId)}' LIMIT 1`,
    );
    return records[0] ?? null;
  }

  /**
   * Whether the Event is in the recycle bin: `queryAll` shows deleted records with `IsDeleted = true`. False when
   * it shows the Event live, or not at all (an Event the integration user cannot see is missing from `queryAll`
   * too, as is one purged from the recycle bin).
   */
  async isEventDeleted(eventId: string): Promise<boolean> {
    const { records } = await this.call(async (connection) =>
      connection.query<{ IsDeleted: boolean }>(
        `SELECT Id, IsDeleted FROM Event WHERE Id = '${escapeSoqlString(eventId)}' LIMIT 1`,
        { scanAll: true },
      ),
    );
    return records[0]?.IsDeleted === true;
  }

  /**
   * Writes fields of the Event: normally only the integration's Zoom_* output fields (the org's trigger stays
   * quiet); a Zoom-side edit also writes Subject, times or the checkbox.
   */
  async updateEvent(eventId: string, fields: EventZoomFields | EventUpdateFields): Promise<void> {
    await this.call(async (connection) => {
      const result = await connection.sobject('Event').update({ Id: eventId, ...fields });
      if (!result.success) {
        const [first] =
          (result as { errors?: { statusCode?: string; errorCode?: string; message?: string }[] }).errors ?? [];
        throw Object.assign(new Error(first?.message ?? 'Event update failed'), {
          errorCode: first?.statusCode ?? first?.errorCode ?? 'UNKNOWN',
        });
      }
    });
  }

  /**
   * The user's Zoom settings as the hierarchy custom setting `Zoom_Settings__c` resolves them: the user's own
   * record, then their profile's, then the organization default, field by field (Apex `getInstance`: "The fields
   * returned in the custom setting record are merged based on the lowest level fields that are defined in the
   * hierarchy", Apex Reference, Hierarchy Custom Setting Methods); off when no level sets a field. A checkbox is
   * never empty, so the lowest record that exists decides it.
   */
  async getZoomSettings(userId: string): Promise<ZoomSettings> {
    const [settings, users] = await Promise.all([
      this.query<Record<string, unknown> & { SetupOwnerId: string }>(
        `SELECT SetupOwnerId, ${ZOOM_SETTING_FIELDS.join(', ')} FROM Zoom_Settings__c`,
      ),
      this.query<{ ProfileId: string }>(`SELECT ProfileId FROM User WHERE Id = '${escapeSoqlString(userId)}' LIMIT 1`),
    ]);
    const profileId = users.records[0]?.ProfileId;
    const levels = [
      settings.records.find((r) => sameId(r.SetupOwnerId, userId)),
      profileId ? settings.records.find((r) => sameId(r.SetupOwnerId, profileId)) : undefined,
      settings.records.find((r) => r.SetupOwnerId?.startsWith(SALESFORCE_KEY_PREFIX.organization)),
    ];
    const pick = (field: (typeof ZOOM_SETTING_FIELDS)[number]) =>
      Boolean(levels.map((level) => level?.[field]).find((value) => value !== null && value !== undefined) ?? false);
    return {
      sendEmailOnLaunch: pick('Send_Email_On_Launch__c'),
      usePmiByDefault: pick('Use_PMI_By_Default__c'),
      joinBeforeHostByDefault: pick('Join_Before_Host_By_Default__c'),
      googleCalendarNotifications: pick('Google_Calendar_Notifications__c'),
    };
  }

  /** Who should hear about the meeting: the Event's contact or lead, its invitees, and its owner. */
  async getMeetingPeople(eventId: string): Promise<MeetingPeople | null> {
    const id = escapeSoqlString(eventId);
    // Who, Owner (a User or a public Calendar) and Relation are polymorphic: through them SOQL reaches only the
    // Name object's fields (Name, Email, ...), so the owner's time zone is read from the User itself.
    const { records } = await this.query<{
      Who?: { Name?: string; Email?: string } | null;
      OwnerId: string;
      Zoom_Additional_Emails__c?: string | null;
      Customer_Time_Zone__c?: string | null;
    }>(
      `SELECT Who.Name, Who.Email, OwnerId, Zoom_Additional_Emails__c, Customer_Time_Zone__c ` +
        `FROM Event WHERE Id = '${id}' LIMIT 1`,
    );
    const [event] = records;
    if (!event) return null;
    const [owner, invitees] = await Promise.all([
      event.OwnerId.startsWith(SALESFORCE_KEY_PREFIX.user) ? this.getUser(event.OwnerId) : null,
      this.query<{ Relation?: { Name?: string; Email?: string } | null }>(
        `SELECT Relation.Name, Relation.Email FROM EventRelation WHERE EventId = '${id}'`,
      ),
    ]);
    return {
      who: event.Who?.Email ? { name: event.Who.Name ?? '', email: event.Who.Email } : undefined,
      owner: {
        id: event.OwnerId,
        name: owner?.Name ?? '',
        email: owner?.Email ?? '',
        timeZone: owner?.TimeZoneSidKey ?? undefined,
      },
      invitees: invitees.records
        .map((r) => r.Relation)
        .filter((r): r is { Name?: string; Email: string } => Boolean(r?.Email))
        .map((r) => ({ name: r.Name ?? '', email: r.Email })),
      additionalEmails: event.Zoom_Additional_Emails__c ?? undefined,
      customerTimeZone: event.Customer_Time_Zone__c ?? undefined,
    };
  }

  /** The Lead or Contact a meeting is about (by the id's key prefix), or null when there is none. */
  async getPerson(recordId: string): Promise<(MeetingPerson & { id: string; type: 'Contact' | 'Lead' }) | null> {
    const type = recordId.startsWith('003') ? 'Contact' : recordId.startsWith('00Q') ? 'Lead' : undefined;
    if (!type) return null;
    const { records } = await this.query<{ Id: string; Name?: string; Email?: string }>(
      `SELECT Id, Name, Email FROM ${type} WHERE Id = '${escapeSoqlString(recordId)}' LIMIT 1`,
    );
    const [record] = records;
    return record ? { id: record.Id, type, name: record.Name ?? '', email: record.Email ?? '' } : null;
  }

  /**
   * Creates the Event of an instant meeting (or finds it again when the click is retried): an upsert by
   * `Zoom_Instant_Click_Id__c`, one value per click, so a repeated call never makes a second Event. Not by the
   * meeting id: every instant meeting on the host's PMI has the same one. Answers the Event Id.
   */
  async upsertInstantEvent(clickId: string, fields: Record<string, unknown>): Promise<string> {
    const result = await this.call((connection) =>
      connection.sobject('Event').upsert({ ...fields, [INSTANT_CLICK_ID_FIELD]: clickId }, INSTANT_CLICK_ID_FIELD),
    );
    const saved = result as { id?: string; success: boolean; errors?: { statusCode?: string; message?: string }[] };
    if (!saved.success) {
      const [first] = saved.errors ?? [];
      throw toSalesforceError(
        Object.assign(new Error(first?.message ?? 'Event upsert failed'), {
          errorCode: first?.statusCode ?? 'UNKNOWN',
        }),
      );
    }
    if (saved.id) return saved.id;
    const { records } = await this.query<{ Id: string }>(
      `SELECT Id FROM Event WHERE ${INSTANT_CLICK_ID_FIELD} = '${escapeSoqlString(clickId)}' LIMIT 1`,
    );
    return records[0].Id;
  }

  /**
   * Upserts up to 200 records by an external id in one sObject Collections call
   * (`PATCH /composite/sobjects/{type}/{field}`, allOrNone false): one result per record, in order.
   */
  async upsertRecords(
    type: string,
    externalIdField: string,
    records: Record<string, unknown>[],
  ): Promise<SaveResult[]> {
    if (records.length > COLLECTION_LIMIT) throw new Error(`At most ${COLLECTION_LIMIT} records per call`);
    if (records.length === 0) return [];
    const results = await this.call((connection) =>
      connection.sobject(type).upsert(records as never[], externalIdField, { allOrNone: false }),
    );
    return (results as unknown as SaveResult[]).map(toSaveResult);
  }

  /** Creates up to 200 records in one sObject Collections call (allOrNone false): one result per record. */
  async createRecords(type: string, records: Record<string, unknown>[]): Promise<SaveResult[]> {
    if (records.length > COLLECTION_LIMIT) throw new Error(`At most ${COLLECTION_LIMIT} records per call`);
    if (records.length === 0) return [];
    const results = await this.call((connection) =>
      connection.sobject(type).create(records as never[], { allOrNone: false }),
    );
    return (results as unknown as SaveResult[]).map(toSaveResult);
  }

  /** Updates up to 200 records (each with its Id) in one sObject Collections call (allOrNone false). */
  async updateRecords(type: string, records: (Record<string, unknown> & { Id: string })[]): Promise<SaveResult[]> {
    if (records.length > COLLECTION_LIMIT) throw new Error(`At most ${COLLECTION_LIMIT} records per call`);
    if (records.length === 0) return [];
    const results = await this.call((connection) =>
      connection.sobject(type).update(records as never[], { allOrNone: false }),
    );
    return (results as unknown as SaveResult[]).map(toSaveResult);
  }

  /** The org-wide `Sync_External_Meetings__c` (the admin's toggle for external meetings); off when unset. */
  async getSyncExternalMeetings(): Promise<boolean> {
    const { records } = await this.query<{ SetupOwnerId: string; Sync_External_Meetings__c?: boolean | null }>(
      'SELECT SetupOwnerId, Sync_External_Meetings__c FROM Zoom_Settings__c',
    );
    return (
      records.find((r) => r.SetupOwnerId?.startsWith(SALESFORCE_KEY_PREFIX.organization))?.Sync_External_Meetings__c ===
      true
    );
  }

  /** Every record of a SOQL query (all batches). */
  async query<T>(soql: string): Promise<{ totalSize: number; records: T[] }> {
    return this.call(async (connection) => {
      const result = await connection.query<Record<string, unknown>>(soql, { autoFetch: true, maxFetch: 1_000_000 });
      return {
        totalSize: result.totalSize,
        records: result.records.map(({ attributes: _attributes, ...record }) => record as T),
      };
    });
  }
}
