import { ALL_TOPICS, type TopicContract } from './registry';

/** Kafka's limit on a topic name's length. */
export const KAFKA_TOPIC_NAME_MAX = 249;

/** Characters Kafka allows in a topic name. */
const KAFKA_TOPIC_CHARS = /^[A-Za-z0-9._-]*$/;

/**
 * Why `prefix` cannot be a deployment's topic prefix, or undefined when it can: Kafka allows only
 * `[A-Za-z0-9._-]` in topic names and at most 249 characters, and the prefix must leave room for
 * the longest of Deja's topic names.
 */
export function topicPrefixProblem(prefix: string): string | undefined {
  if (!KAFKA_TOPIC_CHARS.test(prefix)) return 'may contain only letters, digits, ".", "_" and "-" (Kafka topic names)';
  const room = KAFKA_TOPIC_NAME_MAX - Math.max(...ALL_TOPICS.map((t) => t.name.length));
  if (prefix.length > room)
    return `must be at most ${room} characters (Kafka topic names are at most ${KAFKA_TOPIC_NAME_MAX})`;
  return undefined;
}

/**
 * The physical Kafka names of one deployment. Every topic and consumer group Deja uses is the
 * deployment's prefix (`DEJA_TOPIC_PREFIX`, empty by default) followed by its logical name
 * (`deja.results.v1`, `deja.gateway`), so several deployments (or parallel test runs) share one
 * cluster without consuming each other's messages. Code speaks in logical names (contracts,
 * `@EventPattern`s); only the Kafka edge (publisher, consumer runner, admin tools) maps them here,
 * so a new topic in {@link TOPICS} is prefixed with nothing more to do.
 */
export class TopicNames {
  /** No prefix: the names as the contracts spell them (a single deployment, embedded mode). */
  static readonly unprefixed = new TopicNames('');

  constructor(readonly prefix: string) {
    const problem = topicPrefixProblem(prefix);
    if (problem) throw new Error(`topic prefix ${JSON.stringify(prefix)} ${problem}`);
  }

  /** The physical name of a logical topic (a contract, or a contract's name). */
  topic(topic: TopicContract | string): string {
    return this.prefix + (typeof topic === 'string' ? topic : topic.name);
  }

  /** The consumer group id of a logical group, so two deployments never share a group either. */
  group(logical: string): string {
    return this.prefix + logical;
  }
}
