import { FeedbackModule } from './feedback/feedback.module';
import { QueueGate } from './jobs/queue-gate';
import { DynamicModule, Global, Logger, Module } from '@nestjs/common';
import { InProcessJobNotifications, PgJobNotifications, type JobNotifications } from '@deja/data-access-jobs';
import type { Pool } from 'pg';
import { Registry } from 'prom-client';
import { DEFAULT_LOCAL_MODEL } from '@deja/data-access-embeddings';
import { KafkaModule } from '@deja/data-access-kafka';
import { PG_POOL, PostgresModule } from '@deja/data-access-postgres';
import { createExactTier, ExactTier } from '@deja/feature-semantic-cache';
import { AdminModule } from './admin/admin.module';
import { AuthModule } from './auth/auth.module';
import { CompatModule } from './compat/compat.module';
import { GatewayMetrics } from './gateway.metrics';
import {
  GATEWAY_OPTIONS,
  JOB_NOTIFICATIONS,
  type GatewayInfrastructureOptions,
  type GatewayOptions,
} from './gateway.options';
import { JobsModule } from './jobs/jobs.module';
import { ReplicaNotifications } from './replica-notifications.service';

/**
 * Kafka, Postgres and LISTEN/NOTIFY job notifications for a stand-alone gateway. Infrastructure
 * belongs to the app (as for the other features), so one process can provide the same tokens
 * from the bus and PGlite instead (with {@link inProcessJobNotifications}).
 */
export function gatewayInfrastructure(infra: GatewayInfrastructureOptions): DynamicModule[] {
  return [
    KafkaModule.forRoot(infra.kafka),
    PostgresModule.forRoot({
      databaseUrl: infra.database.url,
      max: infra.database.poolMax,
      applicationName: 'deja-gateway',
      runMigrations: infra.database.runMigrations,
    }),
    JobNotificationsModule.with(() => {
      const logger = new Logger('JobNotifications');
      return new PgJobNotifications(infra.database.url, (level, msg) => logger[level](msg));
    }),
  ];
}

/** One process, one gateway: the results handler wakes waiters directly, no LISTEN connection. */
export function inProcessJobNotifications(): DynamicModule {
  return JobNotificationsModule.with(() => new InProcessJobNotifications());
}

/** Provides the `JobNotifications` port to the whole app. */
@Global()
@Module({})
class JobNotificationsModule {
  static with(create: () => JobNotifications): DynamicModule {
    return {
      module: JobNotificationsModule,
      providers: [{ provide: JOB_NOTIFICATIONS, useFactory: create }],
      exports: [JOB_NOTIFICATIONS],
    };
  }
}

/**
 * The gateway: auth, the jobs API, the compatible endpoints and the admin routes. It needs the
 * global `TopicPublisher`, `PG_POOL` and job notifications from the app
 * ({@link gatewayInfrastructure}); the app adds ops (/health, /metrics) and starts the Kafka
 * consumer (group shared by all replicas) that completes jobs.
 */
@Global()
@Module({})
export class GatewayModule {
  static forRoot(options: GatewayOptions): DynamicModule {
    return {
      module: GatewayModule,
      imports: [AuthModule, JobsModule, CompatModule, AdminModule, FeedbackModule],
      providers: [
        { provide: GATEWAY_OPTIONS, useValue: options },
        GatewayMetrics,
        ReplicaNotifications,
        QueueGate,
        {
          provide: ExactTier,
          inject: [PG_POOL, { token: Registry, optional: true }],
          useFactory: (pool: Pool, registry: Registry | undefined) =>
            createExactTier(pool, registry ?? new Registry(), {
              signingKey: options.exactTier?.signingKey,
              embeddingModel: options.exactTier?.embeddingModel ?? DEFAULT_LOCAL_MODEL,
            }),
        },
      ],
      exports: [GATEWAY_OPTIONS, GatewayMetrics, QueueGate, ExactTier],
    };
  }
}
