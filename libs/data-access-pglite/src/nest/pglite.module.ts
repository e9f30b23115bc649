import { DynamicModule, Global, Logger, Module, type InjectionToken } from '@nestjs/common';
import { PG_POOL } from '@deja/data-access-postgres';
import { closeOnShutdown } from '@deja/util-nest';
import { openEmbeddedDatabase, type EmbeddedDatabase, type EmbeddedDatabaseOptions } from '../lib/embedded-database';

/** Injection token of the {@link EmbeddedDatabase} behind `PG_POOL` (PGlite, its pool, LISTEN). */
export const EMBEDDED_DATABASE = Symbol('EMBEDDED_DATABASE');

export interface PgliteDatabaseOptions extends Omit<EmbeddedDatabaseOptions, 'log'> {
  /** Token of the `pg` Pool (default `PG_POOL`). */
  poolToken?: InjectionToken;
  /** Token of the {@link EmbeddedDatabase} (default {@link EMBEDDED_DATABASE}). */
  databaseToken?: InjectionToken;
}

/**
 * A drop-in for `PostgresModule` in one process: PGlite with pgvector in a local folder, Deja's
 * migrations applied, and a `pg` Pool over it under `PG_POOL` — repositories work unchanged.
 *
 * PGlite has one session, so its pool has one connection; code that publishes while holding a
 * transaction (the invalidator does) would wait forever for a second connection if the bus
 * stored its messages in the same database. `forDatabase` opens another PGlite in its own
 * folder under other tokens — for the bus, as Kafka is not Postgres in a deployment either.
 */
@Global()
@Module({})
export class PgliteModule {
  static forRoot(options: Omit<EmbeddedDatabaseOptions, 'log'>): DynamicModule {
    return PgliteModule.forDatabase(options);
  }

  static forDatabase(options: PgliteDatabaseOptions): DynamicModule {
    const { poolToken = PG_POOL, databaseToken = EMBEDDED_DATABASE, ...open } = options;
    const logger = new Logger('PGlite');
    return {
      module: PgliteModule,
      providers: [
        {
          provide: databaseToken,
          useFactory: async () => {
            const db = await openEmbeddedDatabase({ ...open, log: (m) => logger.debug(m) });
            if (db.applied.length > 0) logger.log(`applied migrations: ${db.applied.join(', ')}`);
            return db;
          },
        },
        { provide: poolToken, inject: [databaseToken], useFactory: (db: EmbeddedDatabase) => db.pool },
        // Closed last: after consumers have drained and the bus has stopped.
        closeOnShutdown(databaseToken, (db: EmbeddedDatabase) => db.close()),
      ],
      exports: [databaseToken, poolToken],
    };
  }
}
