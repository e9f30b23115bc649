import {
  DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import type { Pool } from 'pg';
import { Registry } from 'prom-client';
import { TOPICS, type InvalidatedV1 } from '@deja/contracts';
import { InvalidationRepository } from '@deja/data-access-invalidation';
import { TopicPublisher } from '@deja/data-access-kafka';
import { PG_POOL } from '@deja/data-access-postgres';
import { InvalidationMetrics } from './invalidation.metrics';
import { Invalidator } from './invalidator';
import { Sweeper, type SweepOptions } from './sweeper';

export interface InvalidationModuleOptions {
  sweep: SweepOptions;
}

/** Starts the background sweep with the app and stops it (after its current statement) on shutdown. */
@Injectable()
class SweeperLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(Sweeper) private readonly sweeper: Sweeper) {}

  onApplicationBootstrap(): void {
    this.sweeper.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sweeper.stop();
  }
}

/**
 * The invalidation use cases ({@link Invalidator}) and the background deletion ({@link Sweeper})
 * over the global pg pool, Kafka publisher and metrics registry.
 */
@Module({})
export class InvalidationModule {
  static forRoot(options: InvalidationModuleOptions): DynamicModule {
    const logger = new Logger('InvalidationSweeper');
    return {
      module: InvalidationModule,
      providers: [
        {
          provide: InvalidationRepository,
          inject: [PG_POOL],
          useFactory: (pool: Pool) => new InvalidationRepository(pool),
        },
        {
          provide: InvalidationMetrics,
          inject: [Registry],
          useFactory: (registry: Registry) => new InvalidationMetrics(registry),
        },
        {
          provide: Invalidator,
          inject: [InvalidationRepository, TopicPublisher, InvalidationMetrics],
          useFactory: (repo: InvalidationRepository, publisher: TopicPublisher, metrics: InvalidationMetrics) =>
            new Invalidator(
              repo,
              (record: InvalidatedV1) => publisher.publish(TOPICS.invalidated, [{ key: record.tenant, value: record }]),
              metrics,
            ),
        },
        {
          provide: Sweeper,
          inject: [InvalidationRepository, InvalidationMetrics],
          useFactory: (repo: InvalidationRepository, metrics: InvalidationMetrics) =>
            new Sweeper(repo, metrics, options.sweep, (level, msg) => logger[level](msg)),
        },
        SweeperLifecycle,
      ],
      exports: [Invalidator, Sweeper, InvalidationRepository, InvalidationMetrics],
    };
  }
}
