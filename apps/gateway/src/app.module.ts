import { DynamicModule, Module } from '@nestjs/common';
import { KAFKA } from '@deja/data-access-kafka';
import { PG_POOL } from '@deja/data-access-postgres';
import { gatewayInfrastructure, GatewayModule, type GatewayOptions } from '@deja/feature-gateway';
import { kafkaCheck, OpsModule, postgresCheck } from '@deja/feature-ops';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';

/** Wiring only: the gateway's behaviour lives in libs/feature-gateway. */
@Module({})
export class AppModule {
  static forRoot(options: GatewayOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...gatewayInfrastructure(options),
        GatewayModule.forRoot(options),
        OpsModule.forRoot({
          service: 'gateway',
          checks: [
            { name: 'postgres', inject: [PG_POOL], useFactory: (pool: Pool) => postgresCheck(pool) },
            { name: 'kafka', inject: [KAFKA], useFactory: (kafka: Kafka) => kafkaCheck(kafka) },
          ],
        }),
      ],
    };
  }
}
