#!/usr/bin/env node
/**
 * deja — the operator's command line for invalidation: purge, bump a namespace version, report a
 * document change (all published to Kafka, applied by the invalidation-service), and cache stats
 * (read from Postgres).
 *
 *   npx swc tools/deja-cli -d dist --config-file swc.build.json   (after npm run build)
 *   node dist/tools/deja-cli/main.js purge --tenant acme --doc pricing.md
 */
import { z } from 'zod';
import { TopicNames, TOPICS, type DocChangeV1, type InvalidationV1 } from '@deja/contracts';
import { InvalidationRepository, type AppliedEvent, type CacheStats } from '@deja/data-access-invalidation';
import { createKafka, TopicPublisher } from '@deja/data-access-kafka';
import { createPool } from '@deja/data-access-postgres';
import {
  buildDocChange,
  buildInvalidation,
  docChangeKey,
  InvalidationException,
  invalidationKey,
} from '@deja/feature-invalidation';
import { ConfigError, kafkaConfig, kafkaConnection, parseConfig, postgresConfig } from '@deja/util-config';
import { parseCommand, USAGE, UsageError, type CliCommand } from './args';

const EX_USAGE = 64;
const EX_UNAVAILABLE = 69;
const EX_CONFIG = 78;
const NOT_APPLIED_IN_TIME = 2;

const CliConfig = z.object({ ...kafkaConfig, ...postgresConfig });
type CliConfig = z.infer<typeof CliConfig>;

async function main(argv: string[]): Promise<number> {
  let command: CliCommand;
  try {
    command = parseCommand(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`deja: ${error.message}\n\n${USAGE}`);
      return EX_USAGE;
    }
    throw error;
  }
  if (command.kind === 'help') {
    console.log(USAGE);
    return 0;
  }
  let config: CliConfig;
  try {
    config = parseConfig('deja', CliConfig, process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return EX_CONFIG;
    }
    throw error;
  }
  const pool = createPool({ databaseUrl: config.DATABASE_URL, max: 2, applicationName: 'deja-cli' });
  const repo = new InvalidationRepository(pool);
  try {
    if (command.kind === 'stats') {
      const stats = await repo.stats(command.tenant);
      console.log(command.json ? JSON.stringify(stats, null, 2) : renderStats(stats, command.tenant));
      return 0;
    }
    let message: {
      tenant: string;
      eventId: string;
      topic: string;
      send: (p: TopicPublisher) => Promise<void>;
      describe: string;
    };
    try {
      message = build(command);
    } catch (error) {
      if (error instanceof InvalidationException) {
        console.error(`deja: ${error.message}\n\n${USAGE}`);
        return EX_USAGE;
      }
      throw error;
    }
    // Only kafkajs errors reach the terminal; its start-up notices are noise for an operator.
    const conn = kafkaConnection(config, 'deja-cli');
    const kafka = createKafka(conn, (level, msg) => level === 'error' && console.error(msg));
    // The deployment's topics (DEJA_TOPIC_PREFIX), the ones its invalidation-service consumes.
    const names = new TopicNames(conn.topicPrefix);
    // Not an idempotent producer: a message sent twice carries the same event_id, which the
    // invalidation-service applies once.
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      await message.send(new TopicPublisher(producer, names));
    } finally {
      await producer.disconnect();
    }
    console.log(`published ${message.describe} to ${names.topic(message.topic)}: event_id=${message.eventId}`);
    if (command.waitSeconds === 0) return 0;
    const applied = await waitApplied(repo, message.tenant, message.eventId, command.waitSeconds * 1000);
    if (!applied) {
      console.error(
        `not applied within ${command.waitSeconds}s: is the invalidation-service running? (it stays in Kafka and applies when it is)`,
      );
      return NOT_APPLIED_IN_TIME;
    }
    console.log(
      `applied: ${applied.entriesRetired} entr${applied.entriesRetired === 1 ? 'y' : 'ies'} retired${applied.newVersion !== null ? `, version now ${applied.newVersion}` : ''}`,
    );
    return 0;
  } catch (error) {
    console.error(`deja: ${describeError(error)}`);
    return EX_UNAVAILABLE;
  } finally {
    await pool.end();
  }
}

function build(command: Extract<CliCommand, { kind: 'invalidate' | 'doc-changed' }>) {
  if (command.kind === 'invalidate') {
    const c: InvalidationV1 = buildInvalidation(command.body, { eventId: command.eventId });
    return {
      tenant: c.tenant,
      eventId: c.event_id,
      topic: TOPICS.invalidations.name,
      describe: c.action,
      send: (p: TopicPublisher) => p.publish(TOPICS.invalidations, [{ key: invalidationKey(c), value: c }]),
    };
  }
  const e: DocChangeV1 = buildDocChange(command.body, { eventId: command.eventId });
  return {
    tenant: e.tenant,
    eventId: e.event_id,
    topic: TOPICS.docChanges.name,
    describe: `doc ${e.doc_id} ${e.change}${e.version !== undefined ? ` (version ${e.version})` : ''}`,
    send: (p: TopicPublisher) => p.publish(TOPICS.docChanges, [{ key: docChangeKey(e), value: e }]),
  };
}

async function waitApplied(
  repo: InvalidationRepository,
  tenant: string,
  eventId: string,
  timeoutMs: number,
): Promise<AppliedEvent | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await repo.findEvent(tenant, eventId);
    if (found) return found;
    if (Date.now() > deadline) return null;
    await new Promise((r) => setTimeout(r, 250));
  }
}

function renderStats(s: CacheStats, tenant: string | undefined): string {
  const lines = [
    `cache entries${tenant ? ` of tenant ${tenant}` : ''}:`,
    `  live     ${s.live}`,
    `  retired  ${s.retired}   (deleted by the invalidation-service's sweep)`,
    `  expired  ${s.expired}   (never served; deleted by the sweep)`,
    `documents: ${s.documents.count} known, ${s.documents.deleted} deleted, highest version ${s.documents.maxVersion}`,
    `applied invalidation events: ${s.events.applied}${s.events.unpublished > 0 ? ` (${s.events.unpublished} audit records not yet published)` : ''}`,
    `namespace versions${s.namespaces.length === 0 ? ': none bumped (all at 1)' : ':'}`,
    ...s.namespaces.map((n) => `  ${n.tenant}/${n.namespace}  v${n.version}`),
  ];
  return lines.join('\n');
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (code === '42P01')
      return `${error.message}: the database has not been migrated (start the invalidation-service once, it applies the migrations)`;
    return `${error.name}: ${error.message}`;
  }
  return String(error);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(`deja: ${describeError(error)}`);
    process.exit(1);
  },
);
