import type { z } from 'zod';

/** Thrown when the environment does not satisfy a service's schema; lists every bad key. */
export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: ReadonlyArray<{ key: string; message: string }>,
  ) {
    super(
      `${service}: invalid configuration — ${problems.length} bad key(s):\n` +
        problems.map((p) => `  ${p.key}: ${p.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/**
 * Parses `env` against `schema` once. Every failing key is reported, not just the first, so an
 * operator fixes the whole environment in one go.
 */
export function parseConfig<S extends z.ZodType>(
  service: string,
  schema: S,
  env: Record<string, string | undefined>,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => ({
    key: issue.path.length > 0 ? issue.path.map(String).join('.') : '(environment)',
    message: describe(issue, env),
  }));
  throw new ConfigError(service, problems);
}

function describe(issue: z.core.$ZodIssue, env: Record<string, string | undefined>): string {
  const key = issue.path[0];
  const raw = typeof key === 'string' ? env[key] : undefined;
  if (raw === undefined && issue.code === 'invalid_type') return 'is required but not set';
  // Echo short non-secret values so typos are obvious; secrets are never echoed.
  const shown =
    raw !== undefined && typeof key === 'string' && !/KEY|SECRET|PASSWORD|TOKEN/i.test(key)
      ? ` (got ${JSON.stringify(raw.length > 80 ? `${raw.slice(0, 80)}…` : raw)})`
      : '';
  return `${issue.message}${shown}`;
}

/**
 * Parses once and caches: `process.env` is read here and nowhere else in a service. A bad
 * configuration ends the process with a message naming every bad key (exit code 78, EX_CONFIG).
 */
export function configLoader<S extends z.ZodType>(service: string, schema: S): () => z.infer<S> {
  let cached: z.infer<S> | undefined;
  return () => {
    if (cached !== undefined) return cached;
    try {
      cached = parseConfig(service, schema, process.env);
      return cached;
    } catch (error) {
      if (error instanceof ConfigError) {
        process.stderr.write(`${error.message}\n`);
        process.exit(78);
      }
      throw error;
    }
  };
}
