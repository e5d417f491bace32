import { CALLOUT_PATH } from '../../client/server';
import { REPLAYED_REQUEST_MESSAGE } from '../../client/request-helpers';
import { ZOOM_WEBHOOK_PATH } from '../../client/zoom-webhooks';
import { calloutHeaders } from '../../domain/callout-signature';
import { zoomWebhookHeaders } from '../../domain/zoom-webhooks';
import { DEMO_CONTACTS, DEMO_CREDENTIALS, DEMO_USERS } from '../../emulators/demo-org';
import { snapshotOf } from '../../emulators/salesforce/trigger';
import { eventually, ZOOM_WEBHOOK_SECRET, type TestStack } from '../../test/helpers/stack';
import { meetingStateQuery, meetingWorkflowId } from '../../workflows/messages';
import { zoomEventFields, type Scenario } from './scenario';

const DAY_MS = 86_400_000;
const OUTCOME_TIMEOUT_MS = 60_000;

interface SignedRequest {
  route: string;
  method: 'GET' | 'POST';
  /** Path and query, as signed (v2) and sent. */
  path: string;
  body?: string;
  /** v2 (method and path signed) for the routes whose target is in the path. */
  requestLine: boolean;
  /** What the first use changed, read again after the replay: it must not have changed twice. */
  effect?: () => number;
}

interface Answer {
  status: number;
  error?: string;
}

async function sendSigned(stack: TestStack, request: SignedRequest, headers: Record<string, string>): Promise<Answer> {
  const answer = await fetch(`${stack.apiUrl}${request.path}`, {
    method: request.method,
    headers,
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  const body = (await answer.json().catch(() => ({}))) as { error?: string };
  return { status: answer.status, error: body.error };
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Every route the org signs, each aimed at a live Event with a meeting (or at the demo org's records). */
function signedRoutes(stack: TestStack, eventId: string): SignedRequest[] {
  const host = DEMO_USERS[0].salesforceId;
  const event = stack.salesforce.store.find(eventId)!.record;
  const now = Date.now();
  const zoomMeetings = () => stack.zoom.store.meetings.size;
  const mails = () => stack.mail.messages().length;
  return [
    {
      route: 'callout',
      method: 'POST',
      path: CALLOUT_PATH,
      body: JSON.stringify({ events: [{ operation: 'upsert', event: snapshotOf(event) }] }),
      requestLine: false,
    },
    {
      route: 'instant meeting',
      method: 'POST',
      path: '/v1/salesforce/instant-meetings',
      body: JSON.stringify({ recordId: DEMO_CONTACTS[0].Id, userId: host, subject: 'Chaos replay' }),
      requestLine: false,
      effect: zoomMeetings,
    },
    { route: 'event state', method: 'GET', path: `/v1/events/${eventId}`, requestLine: true },
    { route: 'sync', method: 'POST', path: `/v1/events/${eventId}/sync`, body: '{}', requestLine: true },
    {
      route: 'e-mail',
      method: 'POST',
      path: `/v1/events/${eventId}/email`,
      body: JSON.stringify({ additionalEmails: ['chaos.replay@acme.example'] }),
      requestLine: true,
      effect: mails,
    },
    { route: 'start URL', method: 'GET', path: `/v1/events/${eventId}/start-url`, requestLine: true },
    { route: 'zoom account', method: 'GET', path: `/v1/zoom-account?user=${host}`, requestLine: true },
    {
      route: 'external meetings',
      method: 'GET',
      path: `/v1/external-meetings?host=${host}&from=${day(now - 7 * DAY_MS)}&to=${day(now)}`,
      requestLine: true,
    },
    {
      route: 'external meeting',
      method: 'GET',
      path: `/v1/external-meetings/${encodeURIComponent('chaosReplayUuid==')}?host=${host}`,
      requestLine: true,
    },
    {
      route: 'external meeting events',
      method: 'POST',
      path: '/v1/external-meetings/events',
      body: JSON.stringify({ host, meetings: [{ uuid: 'chaosReplayUuid==', links: [] }] }),
      requestLine: true,
    },
  ];
}

/** The org's signed requests: the same bytes twice; the second must be refused (401), whatever the first got. */
async function replayOrgRequests(stack: TestStack, eventId: string) {
  const failures: string[] = [];
  const answers: Record<string, string> = {};
  for (const request of signedRoutes(stack, eventId)) {
    const line = request.requestLine ? { method: request.method, path: request.path } : undefined;
    const headers = calloutHeaders(DEMO_CREDENTIALS.calloutSecret, request.body ?? '', Date.now(), line);
    const first = await sendSigned(stack, request, headers);
    const effect = request.effect?.();
    const replay = await sendSigned(stack, request, headers);
    answers[request.route] = `${first.status}, replay ${replay.status}`;
    if (first.status === 401 || first.status >= 500)
      failures.push(`${request.route}: first use answered ${first.status}`);
    if (replay.status !== 401 || replay.error !== REPLAYED_REQUEST_MESSAGE)
      failures.push(`${request.route}: replay honoured (${replay.status})`);
    if (effect !== undefined && request.effect!() !== effect)
      failures.push(`${request.route}: the replay repeated the effect`);
  }
  return { answers, failures };
}

const participantJoined = (meetingId: string, participant: string) =>
  JSON.stringify({
    event: 'meeting.participant_joined',
    event_ts: Date.now(),
    payload: {
      account_id: DEMO_CREDENTIALS.zoom.accountId,
      object: {
        id: meetingId,
        uuid: 'chaosReplayInstance==',
        host_id: DEMO_USERS[0].zoomId,
        participant: {
          user_id: participant,
          participant_uuid: `chaos-${participant}`,
          join_time: new Date().toISOString(),
        },
      },
    },
  });

/**
 * Zoom's webhooks: a replay inside Zoom's retry window is accepted, as a retry is (2xx), and must be harmless: the
 * meeting workflow ignores an event it has seen. One join, its replay, then another join: two people in, not three.
 */
async function replayZoomWebhook(stack: TestStack, eventId: string) {
  const meetingId = String(stack.salesforce.store.find(eventId)!.record.Zoom_Meeting_Id__c);
  const post = (body: string, headers: Record<string, string>) =>
    fetch(`${stack.apiUrl}${ZOOM_WEBHOOK_PATH}`, { method: 'POST', headers, body }).then((r) => r.status);
  const joined = participantJoined(meetingId, '16778240');
  const headers = zoomWebhookHeaders(ZOOM_WEBHOOK_SECRET, joined);
  const statuses = [await post(joined, headers), await post(joined, headers)];
  const another = participantJoined(meetingId, '16779264');
  statuses.push(await post(another, zoomWebhookHeaders(ZOOM_WEBHOOK_SECRET, another)));
  const handle = stack.env.client.workflow.getHandle(meetingWorkflowId(eventId));
  const live = await eventually(
    async () => {
      const { liveParticipants = 0 } = await handle.query(meetingStateQuery);
      return liveParticipants >= 2 ? liveParticipants : undefined;
    },
    OUTCOME_TIMEOUT_MS,
    'both joins in the meeting workflow',
  );
  const failures = statuses.some((s) => s >= 500) ? [`zoom webhook: answered ${statuses.join(', ')}`] : [];
  if (live !== 2) failures.push(`zoom webhook: the replayed join was counted (${live} people in, not 2)`);
  return { answers: `${statuses.join(', ')}; ${live} people in`, failures };
}

/**
 * Replayed signed requests on every route: the org's (the callout, the buttons, the External Zoom Meetings page)
 * are honoured once, a replay refused; Zoom's webhook replayed within the retry window changes nothing.
 */
export const replays: Scenario = {
  name: 'replayed requests',
  async run({ stack, sf }) {
    const created = (await sf.sobject('Event').create(zoomEventFields(DEMO_USERS[0].salesforceId, 'Chaos replay'))) as {
      id: string;
    };
    const eventId = created.id;
    await eventually(
      async () => (stack.salesforce.store.find(eventId)?.record.Zoom_Join_URL__c ? true : undefined),
      OUTCOME_TIMEOUT_MS,
      'the join URL of the replayed Event',
    );
    const org = await replayOrgRequests(stack, eventId);
    const zoom = await replayZoomWebhook(stack, eventId);
    return {
      figures: { routes: Object.keys(org.answers).length + 1, ...org.answers, 'zoom webhook': zoom.answers },
      failures: [...org.failures, ...zoom.failures],
    };
  },
};
