import { calloutHeaders } from '../domain/callout-signature';
import { isSalesforceId, SALESFORCE_KEY_PREFIX } from '../domain/salesforce-id';
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
  salesforce: Pick<SalesforceClient, 'query'>;
}

type Params = Record<string, unknown>;
export type ApexMethod = (params: Params, user: PreviewUser) => Promise<unknown>;

const SEARCH_LIMIT = 20;

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
