import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { JsonBodyMiddleware } from './json-body.middleware';
import { ProviderApiController } from './provider-api.controller';
import { HealthController, SimAdminController } from './sim-admin.controller';
import { SIMULATOR_OPTIONS, type SimulatorOptions } from './simulator.options';
import { SimulatorService } from './simulator.service';

/**
 * The provider simulator as a Nest module: OpenAI and Anthropic endpoints under `/v1`, test
 * hooks under `/_sim`, and `/health`. Controllers live here rather than in the app so the same
 * module can run inside another process (embedded mode, other services' tests).
 */
@Module({})
export class ProviderSimulatorModule implements NestModule {
  static forRoot(options: SimulatorOptions): DynamicModule {
    return {
      module: ProviderSimulatorModule,
      controllers: [ProviderApiController, SimAdminController, HealthController],
      providers: [{ provide: SIMULATOR_OPTIONS, useValue: options }, SimulatorService, JsonBodyMiddleware],
      exports: [SimulatorService],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(JsonBodyMiddleware).forRoutes(ProviderApiController, SimAdminController);
  }
}
