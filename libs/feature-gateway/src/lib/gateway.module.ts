import { QueueGate } from './jobs/queue-gate';
import { DynamicModule, Global, Logger, Module } from '@nestjs/common';
import { InProcessJobNotifications, PgJobNotifications } from '@deja/data-access-jobs';
import { KafkaModule } from '@deja/data-access-kafka';
import { PostgresModule } from '@deja/data-access-postgres';
import { AdminModule } from './admin/admin.module';
import { AuthModule } from './auth/auth.module';
import { CompatModule } from './compat/compat.module';
import { GatewayMetrics } from './gateway.metrics';
import { GATEWAY_OPTIONS, JOB_NOTIFICATIONS, type GatewayOptions } from './gateway.options';
import { JobsModule } from './jobs/jobs.module';
import { ReplicaNotifications } from './replica-notifications.service';

/**
 * Kafka and Postgres for a stand-alone gateway. Infrastructure belongs to the app (as for the
 * other features), so one process can provide the same tokens from the bus and PGlite instead.
 */
export function gatewayInfrastructure(options: GatewayOptions): DynamicModule[] {
  return [
    KafkaModule.forRoot(options.kafka),
    PostgresModule.forRoot({
      databaseUrl: options.database.url,
      max: options.database.poolMax,
      applicationName: 'deja-gateway',
      runMigrations: options.database.runMigrations,
    }),
  ];
}

/**
 * The gateway: auth, the jobs API, the compatible endpoints and the admin routes. It needs the
 * global `TopicPublisher` and `PG_POOL` from the app ({@link gatewayInfrastructure}); the app
 * adds ops (/health, /metrics) and starts the Kafka consumer (group shared by all replicas) that
 * completes jobs.
 */
@Global()
@Module({})
export class GatewayModule {
  static forRoot(options: GatewayOptions): DynamicModule {
    return {
      module: GatewayModule,
      imports: [AuthModule, JobsModule, CompatModule, AdminModule],
      providers: [
        { provide: GATEWAY_OPTIONS, useValue: options },
        {
          provide: JOB_NOTIFICATIONS,
          useFactory: () => {
            if (options.jobNotifications === 'in-process') return new InProcessJobNotifications();
            const logger = new Logger('JobNotifications');
            return new PgJobNotifications(options.database.url, (level, msg) => logger[level](msg));
          },
        },
        GatewayMetrics,
        ReplicaNotifications,
        QueueGate,
      ],
      exports: [GATEWAY_OPTIONS, JOB_NOTIFICATIONS, GatewayMetrics, QueueGate],
    };
  }
}
