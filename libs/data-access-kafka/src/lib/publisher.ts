import type { Producer } from 'kafkajs';
import type { z } from 'zod';
import { TopicNames, type TopicContract } from '@deja/contracts';
import { TENANT_HEADER } from './consumer-runner';

export interface OutboundMessage<V> {
  key: string;
  value: V;
  headers?: Record<string, string>;
}

/**
 * Publishes messages that are validated against their topic's contract first, so a bug here can
 * never put a malformed message on the wire for other services to dead-letter. Topics are named
 * logically (the contract); the message goes to the deployment's physical topic (`names`).
 */
export class TopicPublisher {
  constructor(
    private readonly producer: Producer,
    readonly names: TopicNames = TopicNames.unprefixed,
  ) {}

  async publish<T extends TopicContract>(
    topic: T,
    messages: ReadonlyArray<OutboundMessage<z.input<T['value']>>>,
  ): Promise<void> {
    if (messages.length === 0) return;
    const encoded = messages.map((m) => {
      const value = topic.value.parse(m.value);
      return { key: topic.key.parse(m.key), value: JSON.stringify(value), headers: withTenant(value, m.headers) };
    });
    await this.producer.send({ topic: this.names.topic(topic), messages: encoded });
  }

  /**
   * Publishes raw bytes to a physical topic, as named (no prefix added): for a batch producer's
   * own reply topic (the caller validates the value against its contract first) and tests that
   * send malformed input.
   */
  async publishRaw(
    topic: string,
    messages: Array<{ key: string | null; value: string | Buffer | null; headers?: Record<string, string> }>,
  ): Promise<void> {
    await this.producer.send({ topic, messages });
  }
}

/**
 * Every Deja message that belongs to a tenant names it in a header too, so a consumer can take
 * tenants in turns without decoding the value first (see ConsumerRunner).
 */
function withTenant(value: unknown, headers: Record<string, string> | undefined): Record<string, string> | undefined {
  const tenant = (value as { tenant?: unknown } | null)?.tenant;
  return typeof tenant === 'string' ? { ...headers, [TENANT_HEADER]: tenant } : headers;
}
