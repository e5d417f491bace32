import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { isSalesforceId, SALESFORCE_KEY_PREFIX, toSalesforceId18 } from '../domain/salesforce-id';
import type { ZoomClient } from '../integrations/zoom/client';
import type { InstantMeetingRequest } from '../activities/instant-meeting';
import { instantMeetingWorkflowId, startInstantMeetingUpdate, type InstantMeetingAnswer } from '../workflows/messages';
import { describeFailure, failureType, getMeetingForStart } from './request-helpers';

/**
 * "Start Zoom Meeting" on a Lead or Contact: `POST /v1/salesforce/instant-meetings`, signed like the callouts.
 * The answer comes from the durable workflow (update-with-start), plus a start URL fetched fresh from Zoom
 * (start URLs expire, so none is kept in workflow history, Salesforce or logs).
 */
export const INSTANT_MEETINGS_PATH = '/v1/salesforce/instant-meetings';
export const INSTANT_MEETING_WORKFLOW_TYPE = 'instantMeetingWorkflow';

export interface InstantMeetingDeps {
  temporal: { workflow: Pick<Client['workflow'], 'executeUpdateWithStart'> };
  taskQueue: string;
  requireSignature: preHandlerAsyncHookHandler;
  zoom?: Pick<ZoomClient, 'getMeeting'>;
}

const MESSAGES = {
  badBody: 'The body must be {"recordId": "<Lead or Contact Id>", "userId": "<User Id>", "subject"?: "..."}',
  wrongRecord: 'Zoom meetings can be started from a Lead or a Contact only',
  badUser: 'userId must be a Salesforce User Id',
  recordNotFound: 'This Lead or Contact no longer exists',
  noZoomAccount:
    "Your Salesforce e-mail address is not a user of your company's Zoom account. Ask your Zoom admin to add you, or use the same e-mail in Salesforce and Zoom.",
  failed: 'The Zoom meeting could not be started; try again in a moment',
  notConfigured: 'Starting Zoom meetings from Salesforce is not configured on this server',
  timeout: 'Zoom is taking too long to start the meeting; try again in a moment',
} as const;

type Answer = { status: number; body: object };

/** The request body, checked: a Lead or Contact and a User, ids normalised to 18 characters. */
export function parseInstantMeetingRequest(raw: Buffer): InstantMeetingRequest | Answer {
  let body: { recordId?: unknown; userId?: unknown; subject?: unknown };
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return { status: 400, body: { error: MESSAGES.badBody } };
  }
  if (typeof body !== 'object' || body === null || (body.subject !== undefined && typeof body.subject !== 'string')) {
    return { status: 400, body: { error: MESSAGES.badBody } };
  }
  if (!isSalesforceId(body.recordId)) return { status: 400, body: { error: MESSAGES.badBody } };
  if (!isSalesforceId(body.recordId, [SALESFORCE_KEY_PREFIX.contact, SALESFORCE_KEY_PREFIX.lead])) {
    return { status: 400, body: { error: MESSAGES.wrongRecord } };
  }
  if (!isSalesforceId(body.userId, SALESFORCE_KEY_PREFIX.user))
    return { status: 400, body: { error: MESSAGES.badUser } };
  return {
    recordId: toSalesforceId18(body.recordId),
    userId: toSalesforceId18(body.userId),
    ...(typeof body.subject === 'string' && body.subject.trim() ? { subject: body.subject.trim().slice(0, 255) } : {}),
  };
}

/** Well under the Apex callout limit (120 s): the user gets an answer while the workflow carries on. */
export const INSTANT_MEETING_LIMIT_MS = 25_000;

class TimeLimitExceeded extends Error {}

function withinLimit<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new TimeLimitExceeded()), INSTANT_MEETING_LIMIT_MS);
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

function answerForFailure(error: unknown): Answer {
  if (error instanceof TimeLimitExceeded) return { status: 504, body: { error: MESSAGES.timeout } };
  switch (failureType(error)) {
    case 'RecordNotFound':
      return { status: 404, body: { error: MESSAGES.recordNotFound } };
    case 'HostNotFound':
      return { status: 422, body: { error: MESSAGES.noZoomAccount } };
    default:
      return { status: 502, body: { error: MESSAGES.failed } };
  }
}

export function registerInstantMeetings(app: FastifyInstance, deps: InstantMeetingDeps): void {
  app.post(
    INSTANT_MEETINGS_PATH,
    {
      // Every answer, refusals included, concerns a start URL: never cached.
      onRequest: async (_request: FastifyRequest, reply: FastifyReply) => {
        reply.header('cache-control', 'no-store');
      },
      preHandler: deps.requireSignature,
    },
    async (request: FastifyRequest, reply: FastifyReply) => {
      if (!deps.zoom) return reply.code(503).send({ error: MESSAGES.notConfigured });
      const parsed = parseInstantMeetingRequest(Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0));
      if ('status' in parsed) return reply.code(parsed.status).send(parsed.body);
      let answer: InstantMeetingAnswer;
      try {
        answer = await withinLimit(
          deps.temporal.workflow.executeUpdateWithStart(startInstantMeetingUpdate, {
            startWorkflowOperation: new WithStartWorkflowOperation(INSTANT_MEETING_WORKFLOW_TYPE, {
              workflowId: instantMeetingWorkflowId(parsed.userId, parsed.recordId),
              taskQueue: deps.taskQueue,
              args: [parsed],
              workflowIdConflictPolicy: 'USE_EXISTING',
            }),
          }),
        );
      } catch (error) {
        const failure = answerForFailure(error);
        request.log[failure.status >= 500 ? 'error' : 'info'](
          {
            action: 'instant-meeting',
            status: failure.status,
            failureType: failureType(error),
            ...describeFailure(error),
          },
          'instant meeting refused',
        );
        return reply.code(failure.status).send(failure.body);
      }
      try {
        const meeting = await getMeetingForStart(deps.zoom, answer.zoomMeetingId);
        if (!meeting.start_url) throw new Error('Zoom answered without a start URL');
        request.log.info({ eventId: answer.eventId, zoomMeetingId: answer.zoomMeetingId }, 'instant meeting ready');
        return reply.code(200).send({ ...answer, startUrl: meeting.start_url });
      } catch (error) {
        request.log.error({ action: 'instant-meeting', ...describeFailure(error) }, 'no start URL from Zoom');
        return reply.code(502).send({ error: MESSAGES.failed, eventId: answer.eventId });
      }
    },
  );
}
