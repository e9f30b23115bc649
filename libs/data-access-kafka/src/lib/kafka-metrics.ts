import type { Admin, Kafka } from 'kafkajs';
import { Counter, Gauge, type Registry } from 'prom-client';
import { TopicNames } from '@deja/contracts';

/**
 * Consumer metrics: messages by outcome (handled, dead-lettered, retried) and consumer lag per
 * topic, read from the broker when Prometheus scrapes (committed offset vs. high watermark).
 * Labels carry logical topic names, so dashboards read the same under any `DEJA_TOPIC_PREFIX`.
 */
export class KafkaMetrics {
  readonly messages: Counter<'topic' | 'outcome'>;
  private admin: Admin | undefined;

  /** `groupId` is the physical group; `topics` gives logical names, read under `names`. */
  constructor(
    registry: Registry,
    kafka: Kafka,
    groupId: string,
    topics: () => string[],
    names: TopicNames = TopicNames.unprefixed,
  ) {
    this.messages = new Counter({
      name: 'deja_kafka_messages_total',
      help: 'Consumed messages by topic and outcome (ok, dead_letter, retry)',
      labelNames: ['topic', 'outcome'],
      registers: [registry],
    });
    const adminOf = () => (this.admin ??= kafka.admin());
    new Gauge({
      name: 'deja_kafka_consumer_lag',
      help: 'Messages not yet consumed by this service’s group, per topic',
      labelNames: ['topic'],
      registers: [registry],
      async collect() {
        try {
          const admin = adminOf();
          await admin.connect();
          for (const topic of topics()) {
            const [committed, latest] = await Promise.all([
              admin.fetchOffsets({ groupId, topics: [names.topic(topic)] }),
              admin.fetchTopicOffsets(names.topic(topic)),
            ]);
            const byPartition = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
            let lag = 0;
            for (const p of latest) {
              const done = byPartition.get(p.partition) ?? -1;
              const high = Number(p.high);
              lag += done < 0 ? high - Number(p.low) : Math.max(0, high - done);
            }
            this.set({ topic }, lag);
          }
        } catch {
          // The broker is away: /health reports it; the scrape keeps the last values.
        }
      },
    });
  }

  async close(): Promise<void> {
    await this.admin?.disconnect();
  }
}
