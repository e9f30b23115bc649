import { DynamicModule, Global, Module, type InjectionToken } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { HealthCheck } from './health';
import { HEALTH_CHECKS, HealthController, SERVICE_NAME } from './health.controller';
import { METRICS_TOKEN, MetricsController } from './metrics.controller';

export interface OpsModuleOptions {
  service: string;
  /** Named readiness checks built from injected dependencies. */
  checks: Array<{ name: string; inject: InjectionToken[]; useFactory: (...deps: never[]) => HealthCheck }>;
  /** When set, `/metrics` answers only a scrape with `Authorization: Bearer <token>` (`DEJA_METRICS_TOKEN`). */
  metricsToken?: string;
}

/**
 * `/health` and `/metrics` for a service. The prom-client registry is global so feature
 * modules register their metrics on it.
 */
@Global()
@Module({})
export class OpsModule {
  static forRoot(options: OpsModuleOptions): DynamicModule {
    const checkProviders = options.checks.map((c, i) => ({
      provide: `HEALTH_CHECK_${i}`,
      inject: c.inject,
      useFactory: c.useFactory,
    }));
    return {
      module: OpsModule,
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: SERVICE_NAME, useValue: options.service },
        { provide: METRICS_TOKEN, useValue: options.metricsToken },
        {
          provide: Registry,
          useFactory: () => {
            const registry = new Registry();
            registry.setDefaultLabels({ service: options.service });
            collectDefaultMetrics({ register: registry });
            return registry;
          },
        },
        ...checkProviders,
        {
          provide: HEALTH_CHECKS,
          inject: checkProviders.map((p) => p.provide),
          useFactory: (...fns: HealthCheck[]) => Object.fromEntries(options.checks.map((c, i) => [c.name, fns[i]])),
        },
      ],
      exports: [Registry],
    };
  }
}
