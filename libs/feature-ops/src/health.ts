import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';

/** A readiness check: resolves when the dependency answers, rejects with the reason otherwise. */
export type HealthCheck = () => Promise<void>;

export interface HealthReport {
  status: 'ok' | 'unavailable';
  service: string;
  checks: Record<string, { status: 'ok' | 'down'; error?: string; ms: number }>;
}

const CHECK_TIMEOUT_MS = 2000;

/** Runs every check concurrently with a timeout; the service is ready only if all pass. */
export async function runHealthChecks(service: string, checks: Record<string, HealthCheck>): Promise<HealthReport> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      const started = Date.now();
      try {
        await withTimeout(check(), CHECK_TIMEOUT_MS);
        return [name, { status: 'ok' as const, ms: Date.now() - started }] as const;
      } catch (error) {
        return [
          name,
          {
            status: 'down' as const,
            error: error instanceof Error ? error.message : String(error),
            ms: Date.now() - started,
          },
        ] as const;
      }
    }),
  );
  const result = Object.fromEntries(entries);
  return { status: entries.every(([, r]) => r.status === 'ok') ? 'ok' : 'unavailable', service, checks: result };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}

export const postgresCheck =
  (pool: Pool): HealthCheck =>
  async () => {
    await pool.query('SELECT 1');
  };

/** Kafka is reachable when the cluster answers a metadata request. */
export const kafkaCheck = (kafka: Kafka): HealthCheck => {
  const admin = kafka.admin();
  let connected: Promise<void> | undefined;
  return async () => {
    connected ??= admin.connect().catch((e) => {
      connected = undefined;
      throw e;
    });
    await connected;
    await admin.describeCluster();
  };
};
