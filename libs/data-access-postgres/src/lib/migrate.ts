import { join } from 'node:path';
import type { ClientBase } from 'pg';
import { runner } from 'node-pg-migrate';

/** Folder of the versioned SQL migrations (copied beside the compiled code by the build). */
export const MIGRATIONS_DIR = join(__dirname, '..', '..', 'migrations');

export type MigrationTarget = { databaseUrl: string } | { dbClient: ClientBase };

/** node-pg-migrate's message when another process holds its advisory lock (it does not wait). */
const LOCK_TAKEN = 'Another migration is already running';
/** How long a starting replica waits for another one's migration run before giving up. */
const LOCK_WAIT_MS = 120_000;

/**
 * Applies pending migrations. node-pg-migrate takes an advisory lock, so several replicas
 * starting at once apply each migration exactly once — but it only *tries* the lock and fails
 * the run when another process holds it. A replica that starts beside another one (the two
 * services of a test, a scaled deployment) would then exit at start; so that failure is retried
 * until the other run is done (it usually holds the lock for milliseconds).
 */
export async function migrate(
  target: MigrationTarget,
  log: (msg: string) => void = () => undefined,
): Promise<string[]> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      return await runOnce(target, log);
    } catch (error) {
      const lockTaken = error instanceof Error && error.message.includes(LOCK_TAKEN);
      if (!lockTaken || Date.now() > deadline) throw error;
      if (attempt === 0) log('migrations: another process is migrating; waiting for it');
      await new Promise((r) => setTimeout(r, Math.min(50 * 2 ** attempt, 1000) * (0.5 + Math.random())));
    }
  }
}

async function runOnce(target: MigrationTarget, log: (msg: string) => void): Promise<string[]> {
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
