/**
 * Smoke test of the test helpers: both real Temporal servers start from the bootstrapped executables, answer
 * over gRPC and know the project's search attributes.
 */
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { defineSearchAttributeKey, SearchAttributeType, TypedSearchAttributes } from '@temporalio/common';
import {
  createDevServerEnv,
  createTimeSkippingEnv,
  searchAttributeIndexTypes,
  uniqueTaskQueue,
} from '../helpers/temporal';
import {
  MeetingStatusAttribute,
  SalesforceEventIdAttribute,
  ScheduledStartAttribute,
  SEARCH_ATTRIBUTES,
  ZoomMeetingIdAttribute,
} from '../../workflows/messages';

describe.each([
  ['dev server', createDevServerEnv],
  ['time-skipping server', createTimeSkippingEnv],
])('%s', (_name, create) => {
  let env: TestWorkflowEnvironment | undefined;

  beforeAll(async () => {
    env = await create();
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it('answers over gRPC', async () => {
    const health = await env!.connection.healthService.check({});
    expect(health.status).toBe(1); // SERVING
    const info = await env!.client.connection.workflowService.getSystemInfo({});
    expect(info.serverVersion).toBeDefined();
  });

  it('accepts and returns the project search attributes', async () => {
    const scheduledStart = new Date('2030-01-02T03:04:05.000Z');
    const handle = await env!.client.workflow.start('searchAttributeSmoke', {
      taskQueue: uniqueTaskQueue('smoke'), // no worker: the workflow only has to exist
      workflowId: uniqueTaskQueue('smoke-wf'),
      typedSearchAttributes: new TypedSearchAttributes([
        { key: SalesforceEventIdAttribute, value: '00U000000000001AAA' },
        { key: ZoomMeetingIdAttribute, value: '81234567890' },
        { key: MeetingStatusAttribute, value: 'Scheduled' },
        { key: ScheduledStartAttribute, value: scheduledStart },
      ]),
    });
    try {
      const description = await handle.describe();
      expect(description.typedSearchAttributes.get(SalesforceEventIdAttribute)).toBe('00U000000000001AAA');
      expect(description.typedSearchAttributes.get(MeetingStatusAttribute)).toBe('Scheduled');
      expect(description.typedSearchAttributes.get(ScheduledStartAttribute)?.toISOString()).toBe(
        scheduledStart.toISOString(),
      );
    } finally {
      await handle.terminate('smoke test done');
    }
  });

  it('rejects an unregistered search attribute (so the check above means something)', async () => {
    await expect(
      env!.client.workflow.start('searchAttributeSmoke', {
        taskQueue: uniqueTaskQueue('smoke'),
        workflowId: uniqueTaskQueue('smoke-wf'),
        typedSearchAttributes: new TypedSearchAttributes([
          { key: defineSearchAttributeKey('NotRegisteredAnywhere', SearchAttributeType.KEYWORD), value: 'x' },
        ]),
      }),
    ).rejects.toThrow();
  });
});

describe('dev server search attribute registry', () => {
  it('lists the project search attributes with their index types', async () => {
    const env = await createDevServerEnv();
    try {
      const response = await env.connection.operatorService.listSearchAttributes({ namespace: 'default' });
      const expected = searchAttributeIndexTypes();
      for (const key of SEARCH_ATTRIBUTES) expect(response.customAttributes?.[key.name]).toBe(expected[key.name]);
    } finally {
      await env.teardown();
    }
  });
});

describe('uniqueTaskQueue', () => {
  it('prefixes and never repeats', () => {
    const a = uniqueTaskQueue('smoke');
    const b = uniqueTaskQueue('smoke');
    expect(a).toMatch(/^smoke-/);
    expect(a).not.toBe(b);
  });
});
