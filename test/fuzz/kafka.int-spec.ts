import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { testNames } from '../integration/env';
import { KafkaProbe } from '../integration/support/kafka-probe';
import { ServiceProcess, workerOnSimulator } from '../integration/support/service-process';
import { healthy, startAll, startGroupsAtLatest, stopAll } from './fuzz-stack';
import { garbage, huge, validValue, type KafkaCase } from './kafka-inputs';

/**
 * Fuzzes the consumers with raw Kafka messages: garbage bytes, wrong schemas, huge values on
 * deja.requests.v1 and deja.completions.v1 (embedding-service) and deja.doc-changes.v1 and
 * deja.invalidations.v1 (invalidation-service), with valid requests interleaved.
 */
describe('Kafka fuzz: consumers dead-letter what they cannot read and lose nothing else', () => {
  const run = randomUUID().slice(0, 8);
  const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
  const prefix = `deja-fuzz-kafka-${run}`;
  const ports = { sim: 18530, embedding: 18531, worker: 18532, invalidation: 18533 };
  const common = { KAFKA_GROUP_PREFIX: prefix, LOG_LEVEL: 'warn' };
  const sim = new ServiceProcess('provider-simulator', ports.sim, { SIM_LATENCY_SCALE: '0', ...common });
  const embedding = new ServiceProcess('embedding-service', ports.embedding, common);
  const worker = workerOnSimulator(ports.worker, ports.sim, common);
  const invalidation = new ServiceProcess('invalidation-service', ports.invalidation, common);
  const services = [sim, embedding, worker, invalidation];
  const probe = new KafkaProbe(`${prefix}-probe`);
  // Physical group ids (the run's topic prefix before them), as dead letters name them.
  const consumerOf: Record<string, string> = {
    'deja.requests.v1': testNames.group(`${prefix}.embedding-service`),
    'deja.completions.v1': testNames.group(`${prefix}.embedding-service`),
    'deja.doc-changes.v1': testNames.group(`${prefix}.invalidation-service`),
    'deja.invalidations.v1': testNames.group(`${prefix}.invalidation-service`),
  };
  const topics = Object.keys(consumerOf);
  const perTopic = 1_000;
  const hugePerTopic = 4;

  beforeAll(async () => {
    await startGroupsAtLatest(prefix, ['embedding-service', 'llm-worker', 'invalidation-service']);
    await startAll(services);
    await probe.start(['deja.dead-letter.v1', 'deja.results.v1']);
  }, 240_000);

  afterAll(async () => {
    await probe.stop();
    await stopAll(services);
  });

  const sent = new Map<string, KafkaCase & { topic: string }>();
  const validRequestIds: string[] = [];
  const validEventKeys: string[] = [];

  it(`dead-letters every one of ${perTopic} garbage messages per topic with a reason, from the consuming service's group`, async () => {
    for (const [t, topic] of topics.entries()) {
      const cases = [
        ...fc.sample(garbage(topic, run), { numRuns: perTopic - hugePerTopic, seed: seed + t }),
        ...fc.sample(huge(topic, run), { numRuns: hugePerTopic, seed: seed + t }),
      ];
      const short = topic.split('.')[1];
      let batch: Array<{ key: string; value: Buffer | null }> = [];
      let bytes = 0;
      const flush = async () => {
        if (batch.length > 0) await probe.producer.send({ topic: testNames.topic(topic), messages: batch });
        batch = [];
        bytes = 0;
      };
      for (const [i, c] of cases.entries()) {
        const key = `fz-${run}-${short}-${i}`;
        sent.set(key, { ...c, topic });
        batch.push({ key, value: c.value });
        bytes += c.value?.length ?? 0;
        // Valid messages interleaved with the garbage must still be processed.
        if (i % 50 === 0) {
          const v = validValue(topic, run, i);
          if (topic === 'deja.requests.v1') {
            validRequestIds.push(String(v.request_id));
            batch.push({ key: String(v.request_id), value: Buffer.from(JSON.stringify(v)) });
          } else if (topic !== 'deja.completions.v1') {
            const key = `fz-${run}-valid-${short}-${i}`;
            validEventKeys.push(key);
            batch.push({ key, value: Buffer.from(JSON.stringify(v)) });
          }
        }
        if (batch.length >= 200 || bytes > 400_000) await flush();
      }
      await flush();
    }
    expect(sent.size).toBe(perTopic * topics.length);

    const mine = () =>
      probe.seen
        .get('deja.dead-letter.v1')!
        .filter(
          (m) => m.key !== null && sent.has(m.key) && m.value['consumer_group'] === consumerOf[sent.get(m.key)!.topic],
        );
    const deadline = Date.now() + 120_000;
    while (new Set(mine().map((m) => m.key)).size < sent.size && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 500));
    const records = mine();
    const byKey = new Map(records.map((r) => [r.key!, r.value]));
    const missing = [...sent.keys()].filter((k) => !byKey.has(k));
    expect({
      seed,
      missing: missing.slice(0, 10).map((k) => `${k} ${sent.get(k)!.kind}`),
      count: missing.length,
    }).toEqual({ seed, missing: [], count: 0 });

    // Every record carries its source and a reason; the code is the one the kind of garbage calls for.
    const wrong: string[] = [];
    for (const [key, dl] of byKey) {
      const c = sent.get(key)!;
      const reason = dl['reason'] as { code: string; message: string };
      if (
        dl['source_topic'] !== testNames.topic(c.topic) ||
        !c.codes.includes(reason.code) ||
        reason.message.length === 0
      )
        wrong.push(`${key} ${c.kind}: ${JSON.stringify(reason).slice(0, 200)}`);
    }
    expect({ seed, wrong: wrong.slice(0, 20) }).toEqual({ seed, wrong: [] });
    // Each message is dead-lettered once per consuming group (at-least-once may duplicate only on redelivery).
    expect(records.length).toBeLessThanOrEqual(sent.size * 1.01);
  }, 300_000);

  it('processes the valid messages interleaved with the garbage: every request gets a result, no valid event is dead-lettered', async () => {
    expect(validRequestIds.length).toBeGreaterThanOrEqual(20);
    const wanted = new Set(validRequestIds);
    const deadline = Date.now() + 90_000;
    const answered = () =>
      new Set(
        probe.seen
          .get('deja.results.v1')!
          .map((m) => String(m.value['request_id']))
          .filter((id) => wanted.has(id)),
      );
    while (answered().size < wanted.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    expect([...wanted].filter((id) => !answered().has(id))).toEqual([]);
    const completed = probe.seen
      .get('deja.results.v1')!
      .filter((m) => wanted.has(String(m.value['request_id'])) && m.value['status'] === 'completed');
    expect(new Set(completed.map((m) => String(m.value['request_id']))).size).toBe(wanted.size);

    const groups = new Set(Object.values(consumerOf));
    const deadValid = probe.seen
      .get('deja.dead-letter.v1')!
      .filter(
        (m) =>
          (validEventKeys.includes(m.key ?? '') || wanted.has(m.key ?? '')) &&
          groups.has(String(m.value['consumer_group'])),
      );
    expect(deadValid.map((m) => `${m.key}: ${JSON.stringify(m.value['reason'])}`)).toEqual([]);
  }, 120_000);

  it('keeps every consumer up: /health 200 afterwards and no crash in the logs', async () => {
    for (const port of Object.values(ports)) expect(await healthy(port)).toBe(true);
    for (const s of services) expect(s.output).not.toMatch(/crashed|"level":"fatal"|Unhandled/);
  });
});
