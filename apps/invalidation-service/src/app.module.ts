import { DynamicModule, Module } from '@nestjs/common';
import { InvalidationHandler, InvalidationModule } from '@deja/feature-invalidation';
import { serviceInfrastructure } from '@deja/feature-ops';
import type { InvalidationServiceConfig } from './config';

/** Wiring only: the invalidation-service's behaviour lives in libs/. */
@Module({})
export class AppModule {
  static forRoot(config: InvalidationServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...serviceInfrastructure('invalidation-service', config),
        InvalidationModule.forRoot({
          sweep: {
            intervalMs: config.SWEEP_INTERVAL_MS,
            batchSize: config.SWEEP_BATCH_SIZE,
            maxBatchesPerSweep: config.SWEEP_MAX_BATCHES,
            retiredGraceSeconds: config.SWEEP_RETIRED_GRACE_SECONDS,
            expiredGraceSeconds: config.SWEEP_EXPIRED_GRACE_SECONDS,
            eventRetentionDays: config.INVALIDATION_EVENT_RETENTION_DAYS,
            staleWindowSeconds: config.SWEEP_STALE_WINDOW_SECONDS,
          },
        }),
      ],
      controllers: [InvalidationHandler],
    };
  }
}
