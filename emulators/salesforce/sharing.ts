import { SalesforceError, SalesforceErrors } from './errors';
import { type SObjectDef } from './schema';
import { normaliseId, type SRecord } from './values';

/**
 * Who may see and edit an Event, for an org whose organization-wide default for activities is Private, the
 * stricter reading (Salesforce Help, "Organization-Wide Sharing Defaults": with Private only the owner and users
 * above them in the role hierarchy reach a record; View All Data and Modify All Data override sharing). Kept to
 * what the integration meets: no role hierarchy and no access through a related record, so a user sees an Event
 * they own, or any with View All Data, and edits one they own, or any with Modify All Data. EventRelation rows
 * follow their Event.
 *
 * What the API answers (real-service findings, item 4; the exact codes are the usual ones, not confirmed in an
 * org): an invisible record is 404 NOT_FOUND "The requested resource does not exist" to GET, PATCH and DELETE,
 * the same as an id that never existed; a visible record the user cannot edit is 400
 * INSUFFICIENT_ACCESS_OR_READONLY "insufficient access rights on object id"; SOQL, `query` and `queryAll` alike,
 * returns no row for an invisible record; an upsert matches only records the user sees.
 */

export interface UserPermissions {
  viewAllData: boolean;
  modifyAllData: boolean;
}

/** What the README asks for the integration user: it reads and writes every rep's Event. */
export const INTEGRATION_USER_DEFAULT_PERMISSIONS: UserPermissions = { viewAllData: true, modifyAllData: true };
const NO_PERMISSIONS: UserPermissions = { viewAllData: false, modifyAllData: false };

export const insufficientAccess = () =>
  new SalesforceError(400, 'INSUFFICIENT_ACCESS_OR_READONLY', 'insufficient access rights on object id');

export class Sharing {
  private integrationUser: UserPermissions;

  constructor(
    private readonly integrationUserId: string,
    private readonly initial: UserPermissions,
    /** The Event an EventRelation belongs to. */
    private readonly find: (id: string) => SRecord | undefined,
  ) {
    this.integrationUser = { ...initial };
  }

  /** The integration user's system permissions (other users, the reps, have neither). */
  get permissions(): UserPermissions {
    return { ...this.integrationUser };
  }

  setPermissions(permissions: Partial<UserPermissions>): UserPermissions {
    this.integrationUser = { ...this.integrationUser, ...permissions };
    return this.permissions;
  }

  reset(): void {
    this.integrationUser = { ...this.initial };
  }

  private permissionsOf(userId: string): UserPermissions {
    return userId === this.integrationUserId ? this.integrationUser : NO_PERMISSIONS;
  }

  /** The Event whose sharing applies to `record`, or undefined when no rule applies to its object. */
  private eventOf(object: SObjectDef, record: SRecord): SRecord | undefined {
    if (object.name === 'Event') return record;
    if (object.name === 'EventRelation') return this.find(String(record.EventId));
    return undefined;
  }

  canRead(userId: string, object: SObjectDef, record: SRecord): boolean {
    const event = this.eventOf(object, record);
    if (!event) return true;
    const { viewAllData, modifyAllData } = this.permissionsOf(userId);
    return viewAllData || modifyAllData || normaliseId(event.OwnerId) === userId;
  }

  canEdit(userId: string, object: SObjectDef, record: SRecord): boolean {
    const event = this.eventOf(object, record);
    if (!event) return true;
    return this.permissionsOf(userId).modifyAllData || normaliseId(event.OwnerId) === userId;
  }

  /** The records of `object` the user can see (what SOQL scans). */
  visible(userId: string, object: SObjectDef, records: SRecord[]): SRecord[] {
    if (object.name !== 'Event' && object.name !== 'EventRelation') return records;
    return records.filter((record) => this.canRead(userId, object, record));
  }

  /** Throws what the REST API answers to an edit (update, delete) of a record the user cannot see or edit. */
  assertEditable(userId: string, object: SObjectDef, record: SRecord): void {
    if (!this.canRead(userId, object, record)) throw SalesforceErrors.notFound();
    if (!this.canEdit(userId, object, record)) throw insufficientAccess();
  }
}
