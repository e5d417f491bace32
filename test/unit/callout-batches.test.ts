/**
 * A data load's batch workflow signals its Events (`activities/callout-batches.ts`): each Event on the bulk queue,
 * an Event's changes in the callout's order, other Events in parallel up to a cap.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { CALLOUT_BATCH_SIGNAL_CONCURRENCY, createCalloutBatchActivities } from '../../activities/callout-batches';
import type { EventCalloutItem } from '../../domain/event-fields';
import type { CalloutBatchInput } from '../../workflows/messages';

const TASK_QUEUE = 'zoom-meetings';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((res) => (resolve = res));
  return { promise, resolve };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}

function change(eventId: string, second: number, operation: 'upsert' | 'delete' = 'upsert') {
  const item = { operation, event: { Id: eventId, SystemModstamp: `2026-11-20T09:00:0${second}.000Z` } };
  return { eventId, item: item as unknown as EventCalloutItem };
}

function fakeTemporal() {
  const signalled: { workflowId: string; taskQueue: string; priority?: unknown; stamp: string }[] = [];
  const gates: ReturnType<typeof deferred>[] = [];
  let gated = false;
  const signalWithStart = jest.fn(
    async (
      _type: string,
      options: { workflowId: string; taskQueue: string; priority?: unknown; signalArgs: [EventCalloutItem] },
    ) => {
      signalled.push({
        workflowId: options.workflowId,
        taskQueue: options.taskQueue,
        priority: options.priority,
        stamp: options.signalArgs[0].event.SystemModstamp,
      });
      if (!gated) return;
      const gate = deferred();
      gates.push(gate);
      await gate.promise;
    },
  );
  return { temporal: { workflow: { signalWithStart } }, signalled, gates, gate: () => (gated = true) };
}

test('signals every Event on the bulk queue, last in line, and an Event’s changes in the callout’s order', async () => {
  const fake = fakeTemporal();
  const { signalCalloutBatch } = createCalloutBatchActivities({
    temporal: fake.temporal as never,
    taskQueue: TASK_QUEUE,
  });
  const input: CalloutBatchInput = {
    items: [
      change('00U5g00000XyZabEAF', 1),
      change('00U5g00000XyZacEAF', 2),
      change('00U5g00000XyZabEAF', 3, 'delete'),
    ],
  };
  const result = await new MockActivityEnvironment().run(signalCalloutBatch, input);

  expect(result).toEqual({ signalled: 3 });
  expect(new Set(fake.signalled.map((s) => `${s.taskQueue} ${JSON.stringify(s.priority)}`))).toEqual(
    new Set([`${TASK_QUEUE}-bulk {"priorityKey":5}`]),
  );
  const stampsOf = (id: string) => fake.signalled.filter((s) => s.workflowId === `meeting-${id}`).map((s) => s.stamp);
  expect(stampsOf('00U5g00000XyZabEAF')).toEqual(['2026-11-20T09:00:01.000Z', '2026-11-20T09:00:03.000Z']);
});

test(`signals at most ${CALLOUT_BATCH_SIGNAL_CONCURRENCY} Events at a time`, async () => {
  const fake = fakeTemporal();
  fake.gate();
  const { signalCalloutBatch } = createCalloutBatchActivities({
    temporal: fake.temporal as never,
    taskQueue: TASK_QUEUE,
  });
  const items = Array.from({ length: 40 }, (_, i) => change(`00U5g00000X${String(i).padStart(4, '0')}`, 0));
  const running = new MockActivityEnvironment().run(signalCalloutBatch, { items });
  await settle();
  expect(fake.gates).toHaveLength(CALLOUT_BATCH_SIGNAL_CONCURRENCY);
  for (let released = 0; released < 40; released++) {
    fake.gates[released].resolve();
    await settle();
  }
  expect(await running).toEqual({ signalled: 40 });
});
