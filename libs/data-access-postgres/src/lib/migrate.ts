import { join } from 'node:path';
import type { ClientBase } from 'pg';
import { runner } from 'node-pg-migrate';

/** Folder of the versioned SQL migrations (copied beside the compiled code by the build). */
export const MIGRATIONS_DIR = join(__dirname, '..', '..', 'migrations');

export type MigrationTarget = { databaseUrl: string } | { dbClient: ClientBase };

/**
 * Applies pending migrations. node-pg-migrate takes an advisory lock, so several replicas
 * starting at once apply each migration exactly once.
 */
export async function migrate(
  target: MigrationTarget,
  log: (msg: string) => void = () => undefined,
): Promise<string[]> {
  const applied = await runner({
    ...target,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: 'deja_migrations',
    count: Infinity,
    singleTransaction: true,
    // Migrations from parallel branches may land with earlier timestamps than ones already
    // applied; each is independent, so apply whatever has not run instead of refusing to start.
    checkOrder: false,
    log,
    logger: { debug: () => undefined, info: log, warn: log, error: log },
  } as Parameters<typeof runner>[0]);
  return applied.map((m) => m.name);
}
