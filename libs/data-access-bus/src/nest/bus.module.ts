import {
  BeforeApplicationShutdown,
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
  type InjectionToken,
} from '@nestjs/common';
import type { Kafka, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { TopicNames } from '@deja/contracts';
import { KAFKA, KAFKA_PRODUCER, TopicPublisher } from '@deja/data-access-kafka';
import { PG_POOL } from '@deja/data-access-postgres';
import { busKafka } from '../lib/bus-kafka';
import { MessageBus, type BusOptions } from '../lib/message-bus';
import { PgBusStore } from '../lib/pg-bus.store';

/** Injection token of the process's {@link MessageBus}. */
export const MESSAGE_BUS = Symbol('MESSAGE_BUS');

export interface BusModuleOptions extends Omit<BusOptions, 'log'> {
  /** Consumed messages older than this are deleted (0 keeps everything). */
  retentionMs?: number;
  /**
   * The `pg` Pool that stores messages and offsets (default `PG_POOL`). With a one-connection
   * pool (PGlite), give the bus its own database: a publish from inside a transaction would
   * otherwise wait for the connection that transaction holds.
   */
  poolToken?: InjectionToken;
}

const PRUNE_EVERY_MS = 10 * 60_000;

/** Prunes consumed messages periodically; stops the bus before the database closes. */
@Injectable()
class BusLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('MessageBus');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject('BUS_RETENTION_MS') private readonly retentionMs: number,
  ) {}

  onApplicationBootstrap(): void {
    if (this.retentionMs <= 0) return;
    this.timer = setInterval(() => {
      this.bus.prune(this.retentionMs).then(
        (n) => n > 0 && this.logger.debug(`pruned ${n} consumed messages`),
        (e: Error) => this.logger.warn(`pruning failed: ${e.message}`),
      );
    }, PRUNE_EVERY_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.bus.close();
  }
}

/**
 * A drop-in for `KafkaModule` in one process: the in-process bus, durable in a `pg` Pool
 * (`PG_POOL` unless `poolToken` names another; its own PGlite in embedded mode), provided under the same tokens — `KAFKA` (a kafkajs-shaped
 * facade), `KAFKA_PRODUCER` and `TopicPublisher` — so feature code and `KafkaConsumerServer` work
 * unchanged.
 */
@Global()
@Module({})
export class BusModule {
  static forRoot(options: BusModuleOptions = {}): DynamicModule {
    const logger = new Logger('MessageBus');
    return {
      module: BusModule,
      providers: [
        {
          provide: MESSAGE_BUS,
          inject: [options.poolToken ?? PG_POOL],
          useFactory: async (pool: Pool) => {
            const { retentionMs: _retention, poolToken: _pool, ...busOptions } = options;
            const bus = new MessageBus(new PgBusStore(pool), {
              ...busOptions,
              log: (level, msg) => logger[level](msg),
            });
            await bus.init();
            return bus;
          },
        },
        { provide: KAFKA, inject: [MESSAGE_BUS], useFactory: (bus: MessageBus) => busKafka(bus) },
        { provide: KAFKA_PRODUCER, inject: [KAFKA], useFactory: (kafka: Kafka) => kafka.producer() },
        {
          provide: TopicPublisher,
          inject: [KAFKA_PRODUCER],
          useFactory: (producer: Producer) => new TopicPublisher(producer),
        },
        // One process, its own bus: nothing to share a cluster with, so the contracts' names as they are.
        { provide: TopicNames, useValue: TopicNames.unprefixed },
        { provide: 'BUS_RETENTION_MS', useValue: options.retentionMs ?? 24 * 3600_000 },
        BusLifecycle,
      ],
      exports: [MESSAGE_BUS, KAFKA, KAFKA_PRODUCER, TopicPublisher, TopicNames],
    };
  }
}
