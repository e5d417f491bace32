import axios, { type AxiosInstance, type AxiosResponse, type Method } from 'axios';
import {
  classifyRateLimit,
  msUntilNextUtcMidnight,
  parseRetryAfter,
  TOKEN_OPERATION,
  ZoomApiError,
  type ZoomFieldError,
} from './errors';
import { RatePacer } from '../../common/rate-pacer';
import { ownRate, type ZoomPlan, type ZoomRateLabel } from '../../common/zoom-plan';
import { encodeMeetingIdOrUuid, encodeUserId } from './path-encoding';
import { MISSING_SCOPE_CODE, scopesNamedIn } from './scopes';
import type {
  AccessTokenResponse,
  CallOptions,
  CreateMeetingRequest,
  GetMeetingRecordingsOptions,
  ListReportUserMeetingsOptions,
  ListUserMeetingsOptions,
  ListUsersOptions,
  MeetingListPage,
  MeetingParticipantSegment,
  MeetingRecordings,
  ParticipantPage,
  PastMeeting,
  PastMeetingInstance,
  PastMeetingParticipant,
  ReportMeetingParticipant,
  ReportUserMeetingsPage,
  UpdateMeetingRequest,
  UserListPage,
  ZoomMeeting,
  ZoomUser,
} from './types';

export { encodeMeetingIdOrUuid } from './path-encoding';

/**
 * The Zoom API v2 client of the worker's activities. Authenticates as a Server-to-Server OAuth app: one cached
 * token per client, fetched by a single request however many calls need it at once, renewed 60 s before it
 * expires, and fetched anew (once per call) when Zoom answers 401/124 to a token we thought was valid. A
 * credential still refused then (a rotated secret, a deactivated app) fails the call with an error whose
 * `isCredentialRefusal` is true, and `credentialWatch` hears of the change once. Failures become `ZoomApiError`s.
 */

/** The `ZoomConfig` section of `common/config.ts`. */
export interface ZoomClientConfig {
  accountId: string;
  clientId: string;
  clientSecret: string;
  /** e.g. `https://api.zoom.us/v2` */
  apiBaseUrl: string;
  /** e.g. `https://zoom.us/oauth/token` */
  oauthUrl: string;
}

export interface ZoomClientOptions {
  /** Per HTTP request, token requests included (default 30 s). */
  timeoutMs?: number;
  /**
   * Zoom's plan: every call then waits its turn under its label's rate (less the share left to others), so this
   * process never bursts past Zoom's account-wide limits; without it calls go out at once.
   */
  plan?: ZoomPlan;
  /** Clock in epoch ms, for tests. */
  now?: () => number;
  /** Told when Zoom begins refusing the app's credentials and when it accepts them again (not on every call). */
  credentialWatch?: { refused(reason: string): void; accepted(): void };
}

export const TOKEN_RENEWAL_MARGIN_MS = 60_000;
const DEFAULT_TIMEOUT_MS = 30_000;
const NO_RECORDING_CODE = 3301;
/** The largest page Zoom serves, so long lists take as few calls as possible. */
const MAX_PAGE_SIZE = 300;
/** A safety stop for a token that never runs out (300 × 1000 rows is far beyond any meeting). */
const MAX_PAGES = 1000;

interface CachedToken {
  value: string;
  renewAt: number;
  /** The app's scopes the token carries (the token response's `scope`). */
  scopes: string[];
}

interface Call {
  method: Method;
  path: string;
  /** Zoom's rate-limit label of the endpoint (shared/reference/zoom-api.md §2). */
  label: ZoomRateLabel;
  params?: Record<string, string | number | undefined>;
  data?: unknown;
  /** Aborts the request (an activity's cancellation). */
  signal?: AbortSignal;
}

export class ZoomClient {
  private readonly http: AxiosInstance;
  private readonly now: () => number;
  private token: CachedToken | undefined;
  private pendingToken: Promise<string> | undefined;
  private readonly pacers: Record<ZoomRateLabel, RatePacer> | undefined;
  private readonly credentialWatch: ZoomClientOptions['credentialWatch'];
  private credentialsRefused = false;

  constructor(
    private readonly config: ZoomClientConfig,
    options: ZoomClientOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.credentialWatch = options.credentialWatch;
    const { plan } = options;
    if (plan) {
      const pacer = (label: ZoomRateLabel) => new RatePacer(ownRate(plan, label));
      this.pacers = { light: pacer('light'), medium: pacer('medium'), heavy: pacer('heavy') };
    }
    this.http = axios.create({
      baseURL: config.apiBaseUrl.replace(/\/+$/, ''),
      timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      // Every status comes back as a response; errors are built from it in one place.
      validateStatus: () => true,
      headers: { Accept: 'application/json' },
    });
  }

  /** The OAuth scopes the app's token carries (a fresh token, so a scope added to the app shows at once). */
  async grantedScopes(): Promise<string[]> {
    this.token = undefined;
    await this.accessToken();
    return this.cachedScopes();
  }

  private cachedScopes(): string[] {
    return this.token?.scopes ?? [];
  }

  /** A user by Zoom user id, e-mail or `me`. */
  async getUser(userIdOrEmail: string): Promise<ZoomUser> {
    return this.call<ZoomUser>({ method: 'GET', path: `/users/${encodeUserId(userIdOrEmail)}`, label: 'light' });
  }

  /** One page of the account's users (Medium); follow `next_page_token` for more. */
  async listUsers(options: ListUsersOptions = {}): Promise<UserListPage> {
    return this.call<UserListPage>({
      method: 'GET',
      path: '/users',
      label: 'medium',
      params: {
        status: options.status,
        page_size: options.pageSize,
        next_page_token: options.nextPageToken || undefined,
      },
    });
  }

  /** Creates a meeting hosted by the user (id or e-mail). The answer's `start_url` is a host credential. */
  async createMeeting(
    userIdOrEmail: string,
    request: CreateMeetingRequest,
    options: CallOptions = {},
  ): Promise<ZoomMeeting> {
    return this.call<ZoomMeeting>({
      method: 'POST',
      path: `/users/${encodeUserId(userIdOrEmail)}/meetings`,
      label: 'medium',
      data: request,
      signal: options.signal,
    });
  }

  async getMeeting(meetingIdOrUuid: string | number, options: CallOptions = {}): Promise<ZoomMeeting> {
    return this.call<ZoomMeeting>({
      method: 'GET',
      path: `/meetings/${encodeMeetingIdOrUuid(meetingIdOrUuid)}`,
      label: 'light',
      signal: options.signal,
    });
  }

  async updateMeeting(meetingId: string | number, patch: UpdateMeetingRequest): Promise<void> {
    await this.call<unknown>({
      method: 'PATCH',
      path: `/meetings/${encodeMeetingIdOrUuid(meetingId)}`,
      label: 'light',
      data: patch,
    });
  }

  async deleteMeeting(meetingId: string | number, options: { occurrenceId?: string } = {}): Promise<void> {
    await this.call<unknown>({
      method: 'DELETE',
      path: `/meetings/${encodeMeetingIdOrUuid(meetingId)}`,
      label: 'light',
      params: { occurrence_id: options.occurrenceId },
    });
  }

  /** One page of the host's scheduled meetings (never instant ones); follow `next_page_token` for more. */
  async listUserMeetings(userIdOrEmail: string, options: ListUserMeetingsOptions = {}): Promise<MeetingListPage> {
    return this.call<MeetingListPage>({
      method: 'GET',
      path: `/users/${encodeUserId(userIdOrEmail)}/meetings`,
      label: 'medium',
      params: { type: options.type, page_size: options.pageSize, next_page_token: options.nextPageToken || undefined },
    });
  }

  /** An ended instance: by UUID that one, by meeting number the latest. Durations are in minutes. */
  async getPastMeeting(meetingIdOrUuid: string | number, options: CallOptions = {}): Promise<PastMeeting> {
    return this.call<PastMeeting>({
      method: 'GET',
      path: `/past_meetings/${encodeMeetingIdOrUuid(meetingIdOrUuid)}`,
      label: 'light',
      signal: options.signal,
    });
  }

  /** The meeting's ended instances (at most 15 months back). */
  async listPastMeetingInstances(
    meetingId: string | number,
    options: CallOptions = {},
  ): Promise<PastMeetingInstance[]> {
    const body = await this.call<{ meetings?: PastMeetingInstance[] }>({
      method: 'GET',
      path: `/past_meetings/${encodeMeetingIdOrUuid(meetingId)}/instances`,
      label: 'medium',
      signal: options.signal,
    });
    return body.meetings ?? [];
  }

  /**
   * One page of the user's past meetings with two or more participants (Heavy). `from`/`to` are UTC dates, at
   * most a month apart and within the past six months; follow `next_page_token` for more.
   */
  async listReportUserMeetings(
    userIdOrEmail: string,
    options: ListReportUserMeetingsOptions,
  ): Promise<ReportUserMeetingsPage> {
    return this.call<ReportUserMeetingsPage>({
      method: 'GET',
      path: `/report/users/${encodeUserId(userIdOrEmail)}/meetings`,
      label: 'heavy',
      params: {
        from: options.from,
        to: options.to,
        type: options.type,
        page_size: options.pageSize,
        next_page_token: options.nextPageToken || undefined,
      },
    });
  }

  /**
   * Every participant row of an ended instance, all pages (one row per join/leave segment, `duration` in
   * seconds). Zoom answers no rows for a meeting with only one participant, and 3001 until it has published the
   * ended meeting.
   */
  async listPastMeetingParticipants(
    meetingUuid: string | number,
    options: CallOptions = {},
  ): Promise<PastMeetingParticipant[]> {
    return this.allParticipants<PastMeetingParticipant>(
      `/past_meetings/${encodeMeetingIdOrUuid(meetingUuid)}/participants`,
      'medium',
      options,
    );
  }

  /** The report's participant rows of an ended instance, all pages (Heavy). Meetings of two or more people only. */
  async listReportParticipants(meetingIdOrUuid: string | number): Promise<ReportMeetingParticipant[]> {
    return this.allParticipants<ReportMeetingParticipant>(
      `/report/meetings/${encodeMeetingIdOrUuid(meetingIdOrUuid)}/participants`,
      'heavy',
    );
  }

  /** The cloud recording of an instance (by number: the latest), or undefined when there is none (3301). */
  async getMeetingRecordings(
    meetingIdOrUuid: string | number,
    options: GetMeetingRecordingsOptions = {},
  ): Promise<MeetingRecordings | undefined> {
    try {
      return await this.call<MeetingRecordings>({
        method: 'GET',
        path: `/meetings/${encodeMeetingIdOrUuid(meetingIdOrUuid)}/recordings`,
        label: 'light',
        params: { include_fields: options.includeDownloadAccessToken ? 'download_access_token' : undefined },
        signal: options.signal,
      });
    } catch (error) {
      if (error instanceof ZoomApiError && error.httpStatus === 404 && error.code === NO_RECORDING_CODE) {
        return undefined;
      }
      throw error;
    }
  }

  /** Follows `next_page_token` to the end (the same query each time, as Zoom requires). */
  private async allParticipants<T extends MeetingParticipantSegment>(
    path: string,
    label: ZoomRateLabel,
    options: CallOptions = {},
  ): Promise<T[]> {
    const rows: T[] = [];
    let nextPageToken: string | undefined;
    for (let pages = 0; pages < MAX_PAGES; pages += 1) {
      const page = await this.call<ParticipantPage<T>>({
        method: 'GET',
        path,
        label,
        params: { page_size: MAX_PAGE_SIZE, next_page_token: nextPageToken },
        signal: options.signal,
      });
      rows.push(...(page.participants ?? []));
      if (!page.next_page_token) return rows;
      nextPageToken = page.next_page_token;
    }
    throw new ZoomApiError({
      httpStatus: 502,
      message: 'Zoom kept returning next_page_token',
      operation: `GET ${path}`,
    });
  }

  private async call<T>(call: Call): Promise<T> {
    try {
      const result = await this.callWithFreshTokenOnRefusal<T>(call);
      if (this.credentialsRefused) {
        this.credentialsRefused = false;
        this.credentialWatch?.accepted();
      }
      return result;
    } catch (error) {
      if (error instanceof ZoomApiError && error.isCredentialRefusal && !this.credentialsRefused) {
        this.credentialsRefused = true;
        this.credentialWatch?.refused(error.message);
      }
      throw error;
    }
  }

  private async callWithFreshTokenOnRefusal<T>(call: Call): Promise<T> {
    const token = await this.accessToken();
    try {
      return await this.send<T>(call, token);
    } catch (error) {
      const stale =
        error instanceof ZoomApiError &&
        ((error.isCredentialRefusal && error.operation !== TOKEN_OPERATION) || error.code === MISSING_SCOPE_CODE);
      if (!stale) throw error;
      // Zoom no longer accepts this token (expired early, revoked, or replaced), or it predates a scope added to
      // the app since: get another and replay once.
      this.forgetToken(token);
      return this.send<T>(call, await this.accessToken());
    }
  }

  private async send<T>(call: Call, token: string): Promise<T> {
    const operation = `${call.method} ${call.path}`;
    // Writes first: a meeting create (Medium) is granted its slot ahead of the import's queued reads, which take
    // every slot the writes leave (README, "Zoom's account-wide rate limit").
    await this.pacers?.[call.label].acquire(call.method === 'GET' ? 'normal' : 'first', call.signal);
    let response: AxiosResponse;
    try {
      response = await this.http.request({
        method: call.method,
        url: call.path,
        params: withoutUndefined(call.params),
        data: call.data,
        headers: { Authorization: `Bearer ${token}` },
        signal: call.signal,
      });
    } catch (error) {
      throw networkError(error, operation);
    }
    if (response.status >= 400) throw this.errorFrom(response, operation);
    return response.data as T;
  }

  /** The cached token, or a new one; concurrent callers share a single token request. */
  private async accessToken(): Promise<string> {
    if (this.token && this.now() < this.token.renewAt) return this.token.value;
    this.pendingToken ??= this.requestToken().finally(() => {
      this.pendingToken = undefined;
    });
    return this.pendingToken;
  }

  private forgetToken(token: string): void {
    if (this.token?.value === token) this.token = undefined;
  }

  private async requestToken(): Promise<string> {
    const operation = TOKEN_OPERATION;
    const basic = Buffer.from(`${this.config.clientId}:${this.config.clientSecret}`).toString('base64');
    const requestedAt = this.now();
    let response: AxiosResponse;
    try {
      response = await this.http.post(
        this.config.oauthUrl,
        new URLSearchParams({ grant_type: 'account_credentials', account_id: this.config.accountId }).toString(),
        {
          baseURL: undefined,
          headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        },
      );
    } catch (error) {
      throw networkError(error, operation);
    }
    if (response.status >= 400) throw this.errorFrom(response, operation);
    const body = response.data as Partial<AccessTokenResponse> | undefined;
    if (typeof body?.access_token !== 'string' || typeof body.expires_in !== 'number') {
      throw new ZoomApiError({
        httpStatus: 502,
        message: 'Zoom token response lacks access_token or expires_in',
        operation,
      });
    }
    this.token = {
      value: body.access_token,
      renewAt: requestedAt + body.expires_in * 1000 - TOKEN_RENEWAL_MARGIN_MS,
      scopes: typeof body.scope === 'string' ? body.scope.split(/\s+/).filter((s) => s !== '') : [],
    };
    return body.access_token;
  }

  private errorFrom(response: AxiosResponse, operation: string): ZoomApiError {
    const body = (response.data ?? {}) as {
      code?: unknown;
      message?: unknown;
      reason?: unknown;
      error?: unknown;
      errors?: unknown;
    };
    const code = typeof body.code === 'number' ? body.code : undefined;
    // API errors carry `message`; the token endpoint's OAuth errors carry `reason` and `error`.
    const text = [body.message, body.reason, body.error].find((v): v is string => typeof v === 'string' && v !== '');
    const fieldErrors = readFieldErrors(body.errors);
    const message = withFieldErrors(text ?? `Zoom answered HTTP ${response.status}`, fieldErrors);
    const header = (name: string): string | undefined => {
      const value: unknown = response.headers[name];
      return typeof value === 'string' ? value : undefined;
    };
    const now = this.now();
    let retryAfterMs = parseRetryAfter(header('retry-after'), now);
    let rateLimit = {};
    if (response.status === 429) {
      const kind = classifyRateLimit(header('x-ratelimit-type'), message);
      rateLimit = kind;
      if (retryAfterMs === undefined && kind.rateLimitType === 'Daily-limit')
        retryAfterMs = msUntilNextUtcMidnight(now);
    }
    return new ZoomApiError({
      httpStatus: response.status,
      code,
      message,
      retryAfterMs,
      ...(retryAfterMs === undefined ? {} : { retryAt: now + retryAfterMs }),
      ...rateLimit,
      operation,
      trackingId: header('x-zm-trackingid'),
      ...(fieldErrors.length > 0 ? { fieldErrors } : {}),
      ...(code === MISSING_SCOPE_CODE ? { missingScopes: scopesNamedIn(message) } : {}),
    });
  }
}

/** The `errors` list of Zoom's validation answer (`{"code":300,"message":"Validation Failed.","errors":[…]}`). */
function readFieldErrors(errors: unknown): ZoomFieldError[] {
  if (!Array.isArray(errors)) return [];
  return errors.flatMap((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { field, message } = entry as { field?: unknown; message?: unknown };
    const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
    return text(field) || text(message) ? [{ field: text(field), message: text(message) }] : [];
  });
}

/** "Validation Failed." alone names nothing: the fields and Zoom's word on each follow it. */
function withFieldErrors(message: string, fieldErrors: ZoomFieldError[]): string {
  if (fieldErrors.length === 0) return message;
  const list = fieldErrors.map((e) => (e.field && e.message ? `${e.field}: ${e.message}` : e.field || e.message));
  return `${message} ${list.join('; ')}`;
}

function withoutUndefined(params: Call['params']): Record<string, string | number> | undefined {
  if (!params) return undefined;
  return Object.fromEntries(
    Object.entries(params).filter((entry): entry is [string, string | number] => entry[1] !== undefined),
  );
}

/** No answer at all. Only the axios error code is kept: the request config holds the bearer token. */
function networkError(error: unknown, operation: string): ZoomApiError {
  const code = axios.isAxiosError(error) ? error.code : undefined;
  const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT';
  return new ZoomApiError({
    httpStatus: 0,
    message: timedOut ? 'Zoom did not answer in time' : `Could not reach Zoom${code ? ` (${code})` : ''}`,
    operation,
    ...(code ? { networkCode: code } : {}),
  });
}
