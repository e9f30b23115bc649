import { DynamicModule, Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { PG_POOL } from '@deja/data-access-postgres';
import { openEmbeddedDatabase, type EmbeddedDatabase, type EmbeddedDatabaseOptions } from '../lib/embedded-database';

/** Injection token of the {@link EmbeddedDatabase} (PGlite, its pool, LISTEN). */
export const EMBEDDED_DATABASE = Symbol('EMBEDDED_DATABASE');

/** Closes PGlite last: after consumers have drained and the bus has stopped. */
@Injectable()
class DatabaseLifecycle implements OnApplicationShutdown {
  constructor(@Inject(EMBEDDED_DATABASE) private readonly db: EmbeddedDatabase) {}
  async onApplicationShutdown(): Promise<void> {
    await this.db.close();
  }
}

/**
 * A drop-in for `PostgresModule` in one process: PGlite with pgvector in a local folder, Deja's
 * migrations applied, and a `pg` Pool over it under `PG_POOL` — repositories work unchanged.
 */
@Global()
@Module({})
export class PgliteModule {
  static forRoot(options: Omit<EmbeddedDatabaseOptions, 'log'>): DynamicModule {
    const logger = new Logger('PGlite');
    return {
      module: PgliteModule,
      providers: [
        {
          provide: EMBEDDED_DATABASE,
          useFactory: async () => {
            const db = await openEmbeddedDatabase({ ...options, log: (m) => logger.debug(m) });
            if (db.applied.length > 0) logger.log(`applied migrations: ${db.applied.join(', ')}`);
            return db;
          },
        },
        { provide: PG_POOL, inject: [EMBEDDED_DATABASE], useFactory: (db: EmbeddedDatabase) => db.pool },
        DatabaseLifecycle,
      ],
      exports: [EMBEDDED_DATABASE, PG_POOL],
    };
  }
}
