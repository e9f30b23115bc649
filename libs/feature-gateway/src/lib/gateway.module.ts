import { DynamicModule, Global, Module } from '@nestjs/common';
import { KafkaModule } from '@deja/data-access-kafka';
import { PostgresModule } from '@deja/data-access-postgres';
import { AdminModule } from './admin/admin.module';
import { AuthModule } from './auth/auth.module';
import { CompatModule } from './compat/compat.module';
import { GatewayMetrics } from './gateway.metrics';
import { GATEWAY_OPTIONS, type GatewayOptions } from './gateway.options';
import { JobsModule } from './jobs/jobs.module';

/**
 * The whole gateway behind one module: Kafka and Postgres access, auth, the jobs API, the
 * compatible endpoints and the admin routes. The app adds ops (/health, /metrics) and starts the
 * Kafka consumer (group shared by all replicas) that completes jobs.
 */
@Global()
@Module({})
export class GatewayModule {
  static forRoot(options: GatewayOptions): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        KafkaModule.forRoot(options.kafka),
        PostgresModule.forRoot({ databaseUrl: options.database.url, max: options.database.poolMax, applicationName: 'deja-gateway', runMigrations: options.database.runMigrations }),
        AuthModule,
        JobsModule,
        CompatModule,
        AdminModule,
      ],
      providers: [{ provide: GATEWAY_OPTIONS, useValue: options }, GatewayMetrics],
      exports: [GATEWAY_OPTIONS, GatewayMetrics],
    };
  }
}
