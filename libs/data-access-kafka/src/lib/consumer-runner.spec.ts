import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { context, createContextKey } from '@opentelemetry/api';
import type { EachMessagePayload, Kafka } from 'kafkajs';
import { TOPICS, type DocChangeV1 } from '@deja/contracts';
import { ConsumerRunner } from './consumer-runner';

const REQUEST = createContextKey('request');

/** The slice of kafkajs the runner uses, with `eachMessage` handed to the test. */
function fakeKafka() {
  let eachMessage: (p: EachMessagePayload) => Promise<void> = async () => undefined;
  const committed: string[] = [];
  const consumer = {
    events: { GROUP_JOIN: 'group_join', CRASH: 'crash' },
    connect: async () => undefined,
    subscribe: async () => undefined,
    run: async (o: { eachMessage: typeof eachMessage }) => void (eachMessage = o.eachMessage),
    on: () => undefined,
    commitOffsets: async (o: Array<{ offset: string }>) => void committed.push(...o.map((c) => c.offset)),
    disconnect: async () => undefined,
  };
  const producer = { connect: async () => undefined, send: async () => undefined, disconnect: async () => undefined };
  const kafka = { consumer: () => consumer, producer: () => producer } as unknown as Kafka;
  return { kafka, committed, deliver: (p: EachMessagePayload) => eachMessage(p) };
}

function payload(offset: number): EachMessagePayload {
  const value: DocChangeV1 = {
    event_id: `e${offset}`,
    tenant: 't',
    doc_id: `d${offset}`,
    change: 'updated',
    at: new Date(0).toISOString(),
  };
  return {
    topic: 'deja.doc-changes.v1',
    partition: 0,
    message: {
      key: Buffer.from(`d${offset}`),
      value: Buffer.from(JSON.stringify(value)),
      headers: {},
      offset: String(offset),
      timestamp: '0',
      attributes: 0,
    },
    heartbeat: async () => undefined,
    pause: () => () => undefined,
  } as unknown as EachMessagePayload;
}

describe('ConsumerRunner', () => {
  const manager = new AsyncLocalStorageContextManager();
  beforeAll(() => context.setGlobalContextManager(manager.enable()));
  afterAll(() => context.disable());

  it('runs each queued message in its own trace context, not in that of the message that started the lane', async () => {
    const { kafka, committed, deliver } = fakeKafka();
    const seen: Array<[string, unknown]> = [];
    let releaseFirst: () => void = () => undefined;
    const firstBlocks = new Promise<void>((r) => (releaseFirst = r));
    const runner = new ConsumerRunner(kafka, {
      groupId: 'g',
      log: () => undefined,
      routes: [
        {
          topic: TOPICS.docChanges,
          handler: async (m) => {
            seen.push([m.offset, context.active().getValue(REQUEST)]);
            if (m.offset === '1') await firstBlocks;
          },
        },
      ],
    });
    await runner.start();
    // As the kafkajs instrumentation does: each eachMessage call runs in its message's `process` span.
    await context.with(context.active().setValue(REQUEST, 'request-1'), () => deliver(payload(1)));
    await context.with(context.active().setValue(REQUEST, 'request-2'), () => deliver(payload(2)));
    releaseFirst();
    for (let i = 0; i < 50 && committed.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([
      ['1', 'request-1'],
      ['2', 'request-2'],
    ]);
    expect(committed).toEqual(['2', '3']);
  });
});
