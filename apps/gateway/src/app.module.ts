import { applyDecorators, DynamicModule, Module, UseFilters } from '@nestjs/common';
import {
  AdminRoute,
  GatewayExceptionFilter,
  gatewayInfrastructure,
  GatewayModule,
  type GatewayInfrastructureOptions,
  type GatewayOptions,
} from '@deja/feature-gateway';
import { ConsoleModule } from '@deja/feature-console';
import { InvalidationAdminModule } from '@deja/feature-invalidation';
import { serviceOps } from '@deja/feature-ops';

/** Wiring only: the gateway's behaviour lives in libs/feature-gateway. */
@Module({})
export class AppModule {
  static forRoot(
    options: GatewayOptions,
    infrastructure: GatewayInfrastructureOptions,
    ops: { metricsToken?: string; traceUiUrl?: string } = {},
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...gatewayInfrastructure(infrastructure),
        GatewayModule.forRoot(options),
        // Operators' invalidation routes (/v1/admin/invalidations, /v1/admin/doc-changes), admin key only.
        InvalidationAdminModule.forRoot({ protect: applyDecorators(AdminRoute(), UseFilters(GatewayExceptionFilter)) }),
        // The console at /console and its JSON API at /v1/console (tenant or admin key).
        ConsoleModule.forRoot({ traceUiUrl: ops.traceUiUrl }),
        serviceOps('gateway', ops.metricsToken),
      ],
    };
  }
}
