import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { context, createContextKey } from '@opentelemetry/api';
import type { EachMessagePayload, Kafka } from 'kafkajs';
import { TOPICS, type DocChangeV1 } from '@deja/contracts';
import { ConsumerRunner, FairSlots, PartitionOffsets } from './consumer-runner';

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

describe('PartitionOffsets', () => {
  it('commits up to the first offset not done, in order, never backwards', async () => {
    const offsets = new PartitionOffsets();
    for (const o of ['5', '6', '7', '8']) offsets.accept(o);
    const sent: string[] = [];
    const send = async (o: string) => void sent.push(o);
    // Another tenant's later messages finish first: nothing can be committed past 5.
    offsets.done('7');
    offsets.done('6');
    await offsets.commit(send);
    expect(offsets.next()).toBe(5n);
    offsets.done('5');
    await offsets.commit(send);
    offsets.done('8');
    await Promise.all([offsets.commit(send), offsets.commit(send)]);
    expect(sent).toEqual(['5', '8', '9']);
  });

  it('keeps a failed commit from throwing and still commits later offsets', async () => {
    const offsets = new PartitionOffsets();
    offsets.accept('0');
    offsets.accept('1');
    offsets.done('0');
    await expect(offsets.commit(async () => Promise.reject(new Error('rebalanced')))).resolves.toBeUndefined();
    offsets.done('1');
    const sent: string[] = [];
    await offsets.commit(async (o) => void sent.push(o));
    expect(sent).toEqual(['2']);
  });
});

describe('FairSlots', () => {
  const settle = () => new Promise((r) => setImmediate(r));

  it('hands a freed slot to the tenant that waited longest, one turn per tenant per round', async () => {
    const slots = new FairSlots(2);
    const order: string[] = [];
    await slots.acquire('flood');
    await slots.acquire('flood'); // both regular slots held by one tenant
    const waits = [
      ['flood', 'f1'],
      ['flood', 'f2'],
      ['other', 'o1'],
      ['third', 't1'],
    ].map(([tenant, name]) => slots.acquire(tenant!).then(() => order.push(name!)));
    await settle();
    // The slot kept for a tenant running none: the other tenant does not wait for the flood.
    expect(order).toEqual(['o1']);
    slots.release('other');
    await settle();
    expect(order).toEqual(['o1', 't1']);
    slots.release('flood');
    slots.release('flood');
    slots.release('third');
    await settle();
    await Promise.all(waits);
    expect(order).toEqual(['o1', 't1', 'f1', 'f2']);
  });

  it('runs exactly `limit` handlers for a single tenant', async () => {
    const slots = new FairSlots(3);
    let running = 0;
    const taken = Array.from({ length: 5 }, () => slots.acquire('only').then(() => running++));
    await settle();
    expect(running).toBe(3);
    slots.release('only');
    await settle();
    expect(running).toBe(4);
    slots.release('only');
    await Promise.all(taken);
  });
});
