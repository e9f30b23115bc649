import type { DynamicModule } from '@nestjs/common';
import { KAFKA, KafkaModule } from '@deja/data-access-kafka';
import { PG_POOL, PostgresModule } from '@deja/data-access-postgres';
import { kafkaConnection } from '@deja/util-config';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { kafkaCheck, postgresCheck } from './health';
import { OpsModule } from './ops.module';

/** The validated config keys a distributed service's infrastructure reads (util-config's fragments). */
export interface ServiceInfrastructureConfig {
  KAFKA_BROKERS: string[];
  KAFKA_CLIENT_ID?: string;
  DEJA_TOPIC_PREFIX: string;
  DATABASE_URL: string;
  DATABASE_POOL_MAX: number;
  DEJA_METRICS_TOKEN?: string;
}

/**
 * What every distributed service stands on: Kafka, Postgres (migrated at start) and
 * {@link serviceOps}. One function, so no service forgets a readiness check or names its
 * client differently (`deja-<service>`).
 */
export function serviceInfrastructure(service: string, config: ServiceInfrastructureConfig): DynamicModule[] {
  return [
    KafkaModule.forRoot(kafkaConnection(config, `deja-${service}`)),
    PostgresModule.forRoot({
      databaseUrl: config.DATABASE_URL,
      max: config.DATABASE_POOL_MAX,
      applicationName: `deja-${service}`,
      runMigrations: true,
    }),
    serviceOps(service, config.DEJA_METRICS_TOKEN),
  ];
}

/** `/health` (ready when Postgres and Kafka answer) and `/metrics` of a distributed service. */
export function serviceOps(service: string, metricsToken: string | undefined): DynamicModule {
  return OpsModule.forRoot({
    service,
    metricsToken,
    checks: [
      { name: 'postgres', inject: [PG_POOL], useFactory: (pool: Pool) => postgresCheck(pool) },
      { name: 'kafka', inject: [KAFKA], useFactory: (kafka: Kafka) => kafkaCheck(kafka) },
    ],
  });
}
