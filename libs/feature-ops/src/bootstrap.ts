import { Logger, type DynamicModule, type INestApplication, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TopicNames } from '@deja/contracts';
import { KAFKA, KafkaConsumerServer, KafkaMetrics, RpcPassthroughFilter } from '@deja/data-access-kafka';
import { Registry } from 'prom-client';
import { TraceJsonLogger } from '@deja/util-telemetry';

export interface ServiceBootstrapOptions {
  /** Service name for logs, metrics and the consumer group. */
  service: string;
  module: DynamicModule;
  port: number;
  host: string;
  logLevel: LogLevel;
  /** Kafka consumer group (logical: the deployment's topic prefix goes before it); omit for services that consume nothing. */
  consumerGroup?: string;
  partitionsConsumedConcurrently?: number;
  /** Extra HTTP setup (OpenAPI docs, body limits) before listening. */
  configureHttp?: (app: INestApplication) => void | Promise<void>;
}

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/**
 * Starts a hybrid Nest app: HTTP (health, metrics, and for the gateway the API) plus a Kafka
 * consumer whose handlers are the module's `@EventPattern`s. Start-up failures end the process
 * with a message naming what failed; SIGTERM drains in-flight messages before exit.
 */
export async function bootstrapService(options: ServiceBootstrapOptions): Promise<INestApplication> {
  const logger = new TraceJsonLogger({
    service: options.service,
    logLevels: LEVELS.slice(0, LEVELS.indexOf(options.logLevel) + 1),
  });
  const log = new Logger('Bootstrap');
  try {
    const app = await NestFactory.create(options.module, { logger, bufferLogs: true, abortOnError: false });
    app.enableShutdownHooks();
    await options.configureHttp?.(app);
    if (options.consumerGroup) {
      const kafka = app.get(KAFKA);
      const names = app.get(TopicNames);
      const server: KafkaConsumerServer = new KafkaConsumerServer({
        kafka,
        names,
        groupId: options.consumerGroup,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
        onOutcome: (topic, outcome) => metrics.messages.inc({ topic, outcome }),
      });
      const metrics = new KafkaMetrics(
        app.get(Registry),
        kafka,
        names.group(options.consumerGroup),
        () => [...server.getHandlers().keys()],
        names,
      );
      const consumer = app.connectMicroservice(
        { strategy: server },
        // Deferred, so the filter below is in place before Nest builds the handlers.
        { inheritAppConfig: false, deferInitialization: true },
      );
      consumer.useGlobalFilters(new RpcPassthroughFilter());
      await app.startAllMicroservices();
    }
    await app.listen(options.port, options.host);
    log.log(`${options.service} listening on http://${options.host}:${options.port}`);
    return app;
  } catch (error) {
    log.fatal(
      `${options.service} failed to start: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
    process.exit(1);
  }
}
