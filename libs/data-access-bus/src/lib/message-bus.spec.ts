import { DEAD_LETTER_V1, DeadLetterV1, TOPICS, type DocChangeV1 } from '@deja/contracts';
import { ConsumerRunner, MessageHandlingException, TopicPublisher, type InboundMessage } from '@deja/data-access-kafka';
import type { Producer } from 'kafkajs';
import { MemoryBusStore } from './bus-store';
import { busKafka } from './bus-kafka';
import { MessageBus } from './message-bus';
import { partitionFor } from './partitioner';

/**
 * The bus under the real consumer runner and publisher of @deja/data-access-kafka, as the
 * embedded app runs it; storage in memory (the PGlite store is exercised by the embedded
 * integration tests).
 */
const at = '2026-01-01T00:00:00Z';
const change = (doc: string, n: number): DocChangeV1 => ({
  event_id: `${doc}-${n}`,
  tenant: 't1',
  doc_id: doc,
  change: 'updated',
  version: n,
  at,
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const silent = () => undefined;

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

function setup(store = new MemoryBusStore()) {
  const bus = new MessageBus(store, {
    pollIntervalMs: 50,
    storeRetry: { initialMs: 5, maxMs: 20 },
    drainTimeoutMs: 200,
  });
  const kafka = busKafka(bus);
  const publisher = new TopicPublisher(kafka.producer() as Producer);
  const runners: ConsumerRunner[] = [];
  const consume = async (handler: (m: InboundMessage) => Promise<void>, concurrency = 3) => {
    const runner = new ConsumerRunner(kafka, {
      groupId: 'g1',
      routes: [{ topic: TOPICS.docChanges, handler }],
      partitionsConsumedConcurrently: concurrency,
      retry: { initialMs: 5, maxMs: 20 },
      log: silent,
    });
    await runner.start();
    runners.push(runner);
    return runner;
  };
  return { store, bus, publisher, consume, stop: () => Promise.all(runners.map((r) => r.stop())) };
}

describe('in-process bus', () => {
  it('handles the messages of one key in publish order while partitions run in parallel', async () => {
    const { publisher, consume, stop } = setup();
    const docs = ['a', 'b', 'c', 'd', 'e', 'f'];
    expect(new Set(docs.map((d) => partitionFor(`t1:${d}`, TOPICS.docChanges.partitions))).size).toBeGreaterThan(1);
    const seen = new Map<string, number[]>();
    let running = 0;
    let maxRunning = 0;
    await consume(async (m) => {
      const v = m.value as DocChangeV1;
      running++;
      maxRunning = Math.max(maxRunning, running);
      await sleep(Math.random() * 4);
      seen.set(v.doc_id, [...(seen.get(v.doc_id) ?? []), v.version ?? -1]);
      running--;
    });
    for (let n = 1; n <= 10; n++)
      await publisher.publish(
        TOPICS.docChanges,
        docs.map((d) => ({ key: `t1:${d}`, value: change(d, n) })),
      );
    await until(() => docs.every((d) => seen.get(d)?.length === 10));
    for (const d of docs) expect(seen.get(d)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(maxRunning).toBeGreaterThan(1);
    await stop();
  });

  it('redelivers a message whose handler never finished when the process is restarted', async () => {
    const store = new MemoryBusStore();
    const first = setup(store);
    const handled: number[] = [];
    let revive: () => void = () => undefined;
    const dead = new Promise<void>((r) => (revive = r));
    await first.consume(async (m) => {
      const v = (m.value as DocChangeV1).version ?? -1;
      if (v === 3) await dead; // the process "dies" while handling 3
      handled.push(v);
    });
    for (let n = 1; n <= 5; n++)
      await first.publisher.publish(TOPICS.docChanges, [{ key: 't1:a', value: change('a', n) }]);
    await until(() => handled.length === 2);
    await sleep(30);
    expect(handled).toEqual([1, 2]);
    void first.bus.close(); // gives up on the stuck handler: nothing after 2 was committed

    const second = setup(store);
    const redelivered: number[] = [];
    await second.consume(async (m) => void redelivered.push((m.value as DocChangeV1).version ?? -1));
    await until(() => redelivered.length === 3);
    expect(redelivered).toEqual([3, 4, 5]);
    await second.stop();
    revive(); // lets the abandoned handler end, so nothing outlives the test
  });

  it('retries a retriable failure until it succeeds, without dead-lettering it', async () => {
    const { store, publisher, consume, stop } = setup();
    let attempts = 0;
    await consume(async () => {
      if (++attempts < 3) throw MessageHandlingException.transient('database away');
    });
    await publisher.publish(TOPICS.docChanges, [{ key: 't1:a', value: change('a', 1) }]);
    await until(() => attempts === 3);
    await sleep(30);
    expect(attempts).toBe(3);
    expect(store.all(DEAD_LETTER_V1)).toHaveLength(0);
    await stop();
  });

  it('dead-letters a message that fails its contract on consume, and one the handler rejects, with the reason', async () => {
    const { store, bus, publisher, consume, stop } = setup();
    const handled: string[] = [];
    await consume(async (m) => {
      const v = m.value as DocChangeV1;
      if (v.doc_id === 'poison') throw MessageHandlingException.rejected('unknown document');
      handled.push(v.doc_id);
    });
    await bus.publish(TOPICS.docChanges.name, [{ key: 't1:x', value: Buffer.from('{"event_id":"e"}'), headers: {} }]);
    await publisher.publish(TOPICS.docChanges, [{ key: 't1:poison', value: change('poison', 1) }]);
    await publisher.publish(TOPICS.docChanges, [{ key: 't1:ok', value: change('ok', 1) }]);
    await until(() => store.all(DEAD_LETTER_V1).length === 2 && handled.length === 1);
    const letters = store.all(DEAD_LETTER_V1).map((m) => DeadLetterV1.parse(JSON.parse(m.value!.toString('utf8'))));
    expect(letters.map((l) => l.reason.code).sort()).toEqual(['rejected', 'schema_violation']);
    const schema = letters.find((l) => l.reason.code === 'schema_violation')!;
    expect(schema).toMatchObject({
      source_topic: TOPICS.docChanges.name,
      key: 't1:x',
      value: '{"event_id":"e"}',
      consumer_group: 'g1',
    });
    expect(schema.reason.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['tenant', 'doc_id']));
    expect(handled).toEqual(['ok']);
    await stop();
  });

  it('refuses to publish a value that breaks the contract, and stores nothing', async () => {
    const { store, publisher } = setup();
    await expect(
      publisher.publish(TOPICS.docChanges, [
        { key: 't1:a', value: { ...change('a', 1), change: 'renamed' as 'updated' } },
      ]),
    ).rejects.toThrow();
    expect(store.all(TOPICS.docChanges.name)).toHaveLength(0);
  });

  it('does not hand a committed message to the same group again after a restart', async () => {
    const store = new MemoryBusStore();
    const first = setup(store);
    const handled: number[] = [];
    await first.consume(async (m) => void handled.push((m.value as DocChangeV1).version ?? -1));
    await first.publisher.publish(
      TOPICS.docChanges,
      [1, 2].map((n) => ({ key: 't1:a', value: change('a', n) })),
    );
    await until(() => handled.length === 2);
    await first.stop();
    const second = setup(store);
    const again: number[] = [];
    await second.consume(async (m) => void again.push((m.value as DocChangeV1).version ?? -1));
    await second.publisher.publish(TOPICS.docChanges, [{ key: 't1:a', value: change('a', 3) }]);
    await until(() => again.length === 1);
    await sleep(30);
    expect(again).toEqual([3]);
    await second.stop();
  });

  it('reports consumer lag through the admin facade, in messages not yet handled', async () => {
    const { bus, publisher, consume, stop } = setup();
    const admin = busKafka(bus).admin();
    const lag = async () => {
      const [committed, latest] = await Promise.all([
        admin.fetchOffsets({ groupId: 'g1', topics: [TOPICS.docChanges.name] }),
        admin.fetchTopicOffsets(TOPICS.docChanges.name),
      ]);
      const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
      return latest.reduce((sum, p) => sum + Number(p.high) - (done.get(p.partition) ?? 0), 0);
    };
    await publisher.publish(
      TOPICS.docChanges,
      [1, 2, 3].map((n) => ({ key: `t1:${n}`, value: change(String(n), n) })),
    );
    expect(await lag()).toBe(3);
    let handled = 0;
    await consume(async () => void handled++);
    await until(() => handled === 3);
    await sleep(20);
    expect(await lag()).toBe(0);
    await stop();
  });
});
