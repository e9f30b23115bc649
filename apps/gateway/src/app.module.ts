import { applyDecorators, DynamicModule, Module, UseFilters } from '@nestjs/common';
import { KAFKA } from '@deja/data-access-kafka';
import { PG_POOL } from '@deja/data-access-postgres';
import {
  AdminRoute,
  GatewayExceptionFilter,
  gatewayInfrastructure,
  GatewayModule,
  type GatewayInfrastructureOptions,
  type GatewayOptions,
} from '@deja/feature-gateway';
import { InvalidationAdminModule } from '@deja/feature-invalidation';
import { kafkaCheck, OpsModule, postgresCheck } from '@deja/feature-ops';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';

/** Wiring only: the gateway's behaviour lives in libs/feature-gateway. */
@Module({})
export class AppModule {
  static forRoot(
    options: GatewayOptions,
    infrastructure: GatewayInfrastructureOptions,
    ops: { metricsToken?: string } = {},
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...gatewayInfrastructure(infrastructure),
        GatewayModule.forRoot(options),
        // Operators' invalidation routes (/v1/admin/invalidations, /v1/admin/doc-changes), admin key only.
        InvalidationAdminModule.forRoot({ protect: applyDecorators(AdminRoute(), UseFilters(GatewayExceptionFilter)) }),
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
