import { applyDecorators, DynamicModule, Module, UseFilters } from '@nestjs/common';
import { KAFKA } from '@deja/data-access-kafka';
import { PG_POOL } from '@deja/data-access-postgres';
import {
  AdminRoute,
  GatewayExceptionFilter,
  gatewayInfrastructure,
  GatewayModule,
  type GatewayOptions,
} from '@deja/feature-gateway';
import { ConsoleModule } from '@deja/feature-console';
import { InvalidationAdminModule } from '@deja/feature-invalidation';
import { kafkaCheck, OpsModule, postgresCheck } from '@deja/feature-ops';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';

/** Wiring only: the gateway's behaviour lives in libs/feature-gateway. */
@Module({})
export class AppModule {
  static forRoot(options: GatewayOptions, ops: { metricsToken?: string; traceUiUrl?: string } = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...gatewayInfrastructure(options),
        GatewayModule.forRoot(options),
        // Operators' invalidation routes (/v1/admin/invalidations, /v1/admin/doc-changes), admin key only.
        InvalidationAdminModule.forRoot({ protect: applyDecorators(AdminRoute(), UseFilters(GatewayExceptionFilter)) }),
        // The console at /console and its JSON API at /v1/console (tenant or admin key).
        ConsoleModule.forRoot({ traceUiUrl: ops.traceUiUrl }),
        OpsModule.forRoot({
          service: 'gateway',
          metricsToken: ops.metricsToken,
          checks: [
            { name: 'postgres', inject: [PG_POOL], useFactory: (pool: Pool) => postgresCheck(pool) },
            { name: 'kafka', inject: [KAFKA], useFactory: (kafka: Kafka) => kafkaCheck(kafka) },
          ],
        }),
      ],
    };
  }
}
