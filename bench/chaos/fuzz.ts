import { CALLOUT_PATH } from '../../client/server';
import { SIGNED_REQUEST_WORKFLOW_TYPE } from '../../client/replay-guard';
import { ZOOM_WEBHOOK_PATH } from '../../client/zoom-webhooks';
import {
  CALLOUT_MAX_SKEW_SECONDS,
  CALLOUT_NONCE_HEADER,
  CALLOUT_SIGNATURE_HEADER,
  calloutHeaders,
  newNonce,
} from '../../domain/callout-signature';
import {
  ZOOM_MAX_SKEW_SECONDS,
  ZOOM_RETRY_HORIZON_SECONDS,
  ZOOM_SIGNATURE_HEADER,
  zoomWebhookHeaders,
} from '../../domain/zoom-webhooks';
import { DEMO_CREDENTIALS } from '../../emulators/demo-org';
import { eventually, ZOOM_WEBHOOK_SECRET, type TestStack } from '../../test/helpers/stack';
import { signedRequestWorkflowId } from '../../workflows/messages';
import { calloutBodies, validCalloutBody, webhookBodies, type FuzzBody } from './fuzz-inputs';
import { type Scenario } from './scenario';

const FORGED_SECRET = 'not-the-shared-secret-at-all!!!!';
/** Well outside the accepted clock skew, however long the fuzz takes to reach the probe. */
const OUT_OF_SKEW_MS = (Math.max(CALLOUT_MAX_SKEW_SECONDS, ZOOM_MAX_SKEW_SECONDS) + 120) * 1000;
const REQUEST_TIMEOUT_MS = 10_000;
const JSON_ONLY = { 'content-type': 'application/json' };

interface Probe {
  label: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  /** Sent without a valid signature: must be refused (4xx), whatever the body. */
  forged: boolean;
}

/** The org's callouts: each hostile body signed, unsigned and forged; a valid body under each broken signature. */
function calloutProbes(apiUrl: string, nowMs: number): Probe[] {
  const url = `${apiUrl}${CALLOUT_PATH}`;
  const secret = DEMO_CREDENTIALS.calloutSecret;
  const probes = calloutBodies(nowMs).flatMap(({ label, body }) => [
    { label: `signed ${label}`, url, headers: calloutHeaders(secret, body, nowMs), body, forged: false },
    { label: `unsigned ${label}`, url, headers: JSON_ONLY, body, forged: true },
    { label: `forged ${label}`, url, headers: calloutHeaders(FORGED_SECRET, body, nowMs), body, forged: true },
  ]);
  const body = validCalloutBody(nowMs);
  const broken = (label: string, headers: Record<string, string>) => ({ label, url, headers, body, forged: true });
  const { [CALLOUT_NONCE_HEADER]: _nonce, ...withoutNonce } = calloutHeaders(secret, body, nowMs);
  return [
    ...probes,
    broken('valid body, stale timestamp', calloutHeaders(secret, body, nowMs - OUT_OF_SKEW_MS)),
    broken('valid body, future timestamp', calloutHeaders(secret, body, nowMs + OUT_OF_SKEW_MS)),
    broken('valid body, short nonce', calloutHeaders(secret, body, nowMs, undefined, 'short')),
    broken('valid body, nonce with a dot', calloutHeaders(secret, body, nowMs, undefined, 'a.b-c_d.e-f_g.h-i')),
    broken('valid body, no nonce', withoutNonce),
    broken('valid body, signature of another body', {
      ...calloutHeaders(secret, Buffer.from('{"events":[]}'), nowMs),
    }),
    broken('valid body, v2 signature of another path', {
      ...calloutHeaders(secret, body, nowMs, { method: 'POST', path: '/v1/salesforce/instant-meetings' }),
    }),
    broken('valid body, zero signature', {
      ...calloutHeaders(secret, body, nowMs),
      [CALLOUT_SIGNATURE_HEADER]: `v1=${'0'.repeat(64)}`,
    }),
    broken('valid body, empty signature', { ...calloutHeaders(secret, body, nowMs), [CALLOUT_SIGNATURE_HEADER]: '' }),
    {
      label: 'valid body signed, sent as text',
      url,
      headers: { ...calloutHeaders(secret, body, nowMs), 'content-type': 'text/plain' },
      body,
      forged: false,
    },
  ];
}

/** Zoom's webhooks: each hostile body signed (Zoom signs whatever it sends), unsigned and forged. */
function webhookProbes(apiUrl: string, nowMs: number): Probe[] {
  const url = `${apiUrl}${ZOOM_WEBHOOK_PATH}`;
  const probes = webhookBodies(nowMs).flatMap(({ label, body }: FuzzBody) => [
    {
      label: `signed ${label}`,
      url,
      headers: zoomWebhookHeaders(ZOOM_WEBHOOK_SECRET, body, nowMs),
      body,
      forged: false,
    },
    { label: `unsigned ${label}`, url, headers: JSON_ONLY, body, forged: true },
    {
      label: `forged ${label}`,
      url,
      headers: zoomWebhookHeaders(FORGED_SECRET, body, nowMs),
      body,
      forged: true,
    },
  ]);
  // A well-formed meeting event, which would start its router workflow if any of these headers were accepted.
  const body = Buffer.from(
    JSON.stringify({
      event: 'meeting.started',
      event_ts: nowMs,
      payload: { account_id: 'fuzz', object: { id: '85000000002', uuid: 'fuzzSignature==', host_id: 'h' } },
    }),
  );
  const signed = zoomWebhookHeaders(ZOOM_WEBHOOK_SECRET, body, nowMs);
  const broken = (label: string, headers: Record<string, string>) => ({ label, url, headers, body, forged: true });
  return [
    ...probes,
    broken('meeting event, past the retry horizon', {
      ...zoomWebhookHeaders(ZOOM_WEBHOOK_SECRET, body, nowMs - (ZOOM_RETRY_HORIZON_SECONDS + 1) * 1000),
    }),
    broken('meeting event, timestamp from the future', {
      ...zoomWebhookHeaders(ZOOM_WEBHOOK_SECRET, body, nowMs + OUT_OF_SKEW_MS),
    }),
    broken('meeting event, signature of another body', {
      ...zoomWebhookHeaders(ZOOM_WEBHOOK_SECRET, '{}', nowMs),
    }),
    broken('meeting event, zero signature', { ...signed, [ZOOM_SIGNATURE_HEADER]: `v0=${'0'.repeat(64)}` }),
    broken('meeting event, v1 signature', {
      ...signed,
      [ZOOM_SIGNATURE_HEADER]: signed[ZOOM_SIGNATURE_HEADER].replace('v0=', 'v1='),
    }),
  ];
}

async function send(probe: Probe): Promise<number> {
  try {
    const answer = await fetch(probe.url, {
      method: 'POST',
      headers: probe.headers,
      body: probe.body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    await answer.arrayBuffer();
    return answer.status;
  } catch {
    return 0; // no answer (a reset or the timeout)
  }
}

/** Workflows started since `since`, by type, the replay guard's left out. */
async function workflowsStartedSince(stack: TestStack, since: Date): Promise<string[]> {
  const started: string[] = [];
  for await (const execution of stack.env.client.workflow.list({ query: `StartTime >= "${since.toISOString()}"` })) {
    if (execution.type !== SIGNED_REQUEST_WORKFLOW_TYPE) started.push(`${execution.type} ${execution.workflowId}`);
  }
  return started;
}

/**
 * A fuzz of the two endpoints anyone can reach: the org's callout and Zoom's webhook. A few hundred hostile
 * requests, signed and not. No answer may be a 5xx, no unsigned or forged one accepted, and no workflow may start
 * but the replay guard's record of each validly signed request. Runs first, while nothing else starts workflows.
 */
export const fuzz: Scenario = {
  name: 'fuzz',
  async run({ stack }) {
    const since = new Date();
    const nowMs = since.getTime();
    const probes = [...calloutProbes(stack.apiUrl, nowMs), ...webhookProbes(stack.apiUrl, nowMs)];
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    for (const probe of probes) {
      const status = await send(probe);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status === 0 || status >= 500) failures.push(`${probe.label}: ${status || 'no answer'}`);
      else if (probe.forged && status < 400) failures.push(`${probe.label}: accepted (${status})`);
    }
    // The last signed request's guard record shows that Temporal's visibility has caught up with the window.
    const nonce = newNonce();
    const last = Buffer.from('{"events":[]}');
    const lastStatus = await send({
      label: 'last',
      url: `${stack.apiUrl}${CALLOUT_PATH}`,
      headers: calloutHeaders(DEMO_CREDENTIALS.calloutSecret, last, Date.now(), undefined, nonce),
      body: last,
      forged: false,
    });
    if (lastStatus === 0 || lastStatus >= 500) failures.push(`an empty signed batch: ${lastStatus || 'no answer'}`);
    await eventually(
      async () => {
        const query = `WorkflowId = "${signedRequestWorkflowId(nonce)}"`;
        for await (const _execution of stack.env.client.workflow.list({ query })) return true;
        return undefined;
      },
      10_000,
      'the last signed request in the visibility store',
    );
    const started = await workflowsStartedSince(stack, since);
    failures.push(...started.map((w) => `workflow started from invalid input: ${w}`));
    return {
      figures: {
        requests: probes.length + 1,
        signed: probes.filter((p) => !p.forged).length + 1,
        answers: Object.fromEntries([...statuses].sort(([a], [b]) => a - b)),
        serverErrors: [...statuses].filter(([s]) => s === 0 || s >= 500).reduce((n, [, count]) => n + count, 0),
        workflowsStarted: started.length,
      },
      failures,
    };
  },
};
