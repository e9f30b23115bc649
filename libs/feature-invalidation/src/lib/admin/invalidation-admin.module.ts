import { DynamicModule, Module, type Type } from '@nestjs/common';
import type { Pool } from 'pg';
import { InvalidationRepository } from '@deja/data-access-invalidation';
import { PG_POOL } from '@deja/data-access-postgres';
import { InvalidationAdminController } from './invalidation-admin.controller';

export interface InvalidationAdminModuleOptions {
  /**
   * The class decorator that protects the routes — in the gateway,
   * `applyDecorators(AdminRoute(), UseFilters(GatewayExceptionFilter))`: the admin key only, and
   * the gateway's filter to turn the guard's errors into 401/403. Required, so the module cannot
   * be mounted unprotected by accident. The routes' own errors keep their status and body
   * (a method-level filter is consulted first).
   */
  protect: ClassDecorator;
}

/**
 * `POST /v1/admin/invalidations`, `POST /v1/admin/doc-changes`, `GET /v1/admin/invalidations/:event_id`.
 * Needs the global `TopicPublisher` (KafkaModule) and `PG_POOL` (PostgresModule) of the app
 * that mounts it, plus whatever the `protect` decorator's guard injects.
 */
@Module({})
export class InvalidationAdminModule {
  static forRoot(options: InvalidationAdminModuleOptions): DynamicModule {
    // A subclass per mount carries the app's guard without touching the shared class.
    class ProtectedInvalidationAdminController extends InvalidationAdminController {}
    options.protect(ProtectedInvalidationAdminController);
    return {
      module: InvalidationAdminModule,
      controllers: [ProtectedInvalidationAdminController as Type<InvalidationAdminController>],
      providers: [
        {
          provide: InvalidationRepository,
          inject: [PG_POOL],
          useFactory: (pool: Pool) => new InvalidationRepository(pool),
        },
      ],
    };
  }
}
