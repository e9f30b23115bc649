import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PglitePgConnection } from '@electric-sql/pglite/node-postgres';
import { vector } from '@electric-sql/pglite-pgvector';
import { Client, Pool, type ClientConfig } from 'pg';
import { migrate } from '@deja/data-access-postgres';
import { DataDirLock } from './data-dir-lock';
import { tightenPrivateTree } from './private-data-dir';
import { PgliteErrorCode, PgliteException } from './pglite.exception';

export interface EmbeddedDatabaseOptions {
  /** Folder holding the database (`<dataDir>/pgdata`) and the lock; created when missing. */
  dataDir: string;
  /** Applies Deja's SQL migrations (the same files and bookkeeping as Postgres deployments). */
  runMigrations: boolean;
  log?: (message: string) => void;
}

export interface EmbeddedDatabase {
  readonly pglite: PGlite;
  /** A real `pg` Pool whose one connection speaks to PGlite: repositories work unchanged. */
  readonly pool: Pool;
  /** Migrations applied by this start. */
  readonly applied: readonly string[];
  /** `LISTEN` on a channel; resolves to an unsubscribe function. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/**
 * Opens (or creates) the embedded Postgres: PGlite with pgvector and pg_trgm (the console's entry search), stored under `dataDir` and kept
 * across restarts. The pool is node-postgres itself over PGlite's wire-protocol connection, so
 * type parsing, parameters, transactions and errors are exactly those of a Postgres
 * deployment. PGlite is single-session: the pool has one connection, and a transaction holds it
 * until it ends — queries from elsewhere wait for it rather than interleave with it.
 */
export async function openEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const log = options.log ?? (() => undefined);
  const lock = DataDirLock.acquire(options.dataDir);
  let pglite: PGlite | undefined;
  try {
    const started = Date.now();
    pglite = await PGlite.create({ dataDir: join(options.dataDir, 'pgdata'), extensions: { vector, pg_trgm } });
    // Its initial files come out of an archive as 0666 whatever the umask; they hold prompts and answers.
    const tightened = tightenPrivateTree(options.dataDir);
    log(`PGlite ready in ${Date.now() - started} ms at ${options.dataDir} (${tightened} modes made owner-only)`);
    const db = pglite;
    // A fresh wire connection per pg client, so a client the pool discards never leaves its
    // listeners on the next one.
    class PgliteClient extends Client {
      constructor(config?: ClientConfig) {
        super({ ...config, connection: new PglitePgConnection({ pglite: db }) } as ClientConfig);
      }
    }
    const pool = new Pool({ Client: PgliteClient, max: 1, idleTimeoutMillis: 0 });
    let applied: string[] = [];
    if (options.runMigrations) {
      const client = await pool.connect();
      try {
        applied = await migrate({ dbClient: client }, log);
      } finally {
        client.release();
      }
    }
    let closed = false;
    return {
      pglite: db,
      pool,
      applied,
      listen: async (channel, onPayload) => db.listen(channel, onPayload),
      close: async () => {
        if (closed) return;
        closed = true;
        await pool.end().catch(() => undefined);
        await db.close();
        lock.release();
      },
    };
  } catch (error) {
    await pglite?.close().catch(() => undefined);
    lock.release();
    if (error instanceof PgliteException) throw error;
    throw new PgliteException(
      PgliteErrorCode.OpenFailed,
      `could not open the embedded database in ${options.dataDir}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
