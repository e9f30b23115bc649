import { DynamicModule, Global, Logger, Module } from '@nestjs/common';
import type { Pool } from 'pg';
import { closeOnShutdown } from '@deja/util-nest';
import { migrate } from '../lib/migrate';
import { createPool, type PoolOptions } from '../lib/pool';

export const PG_POOL = Symbol('PG_POOL');

/** Provides the pg pool; optionally applies migrations before the app starts serving. */
@Global()
@Module({})
export class PostgresModule {
  static forRoot(options: PoolOptions & { runMigrations: boolean }): DynamicModule {
    const logger = new Logger('Postgres');
    return {
      module: PostgresModule,
      providers: [
        {
          provide: PG_POOL,
          useFactory: async () => {
            if (options.runMigrations) {
              const applied = await migrate({ databaseUrl: options.databaseUrl }, (m) => logger.debug(m));
              if (applied.length > 0) logger.log(`applied migrations: ${applied.join(', ')}`);
            }
            return createPool({
              ...options,
              onIdleError: (e) =>
                logger.warn(
                  `idle connection lost (${(e as { code?: string }).code ?? e.name}): ${e.message}; the pool reconnects on the next query`,
                ),
            });
          },
        },
        closeOnShutdown(PG_POOL, (pool: Pool) => pool.end()),
      ],
      exports: [PG_POOL],
    };
  }
}
