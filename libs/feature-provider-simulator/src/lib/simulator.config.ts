import { httpConfig } from '@deja/util-config';
import { z } from 'zod';
import type { FaultKind } from './core/faults';
import { FAULT_KINDS } from './core/faults';

const nonNegative = (fallback: number) => z.coerce.number().min(0).default(fallback);

/**
 * Every knob of the provider simulator (environment variables; see docs/provider-simulator.md).
 * Latency figures are unscaled; `SIM_LATENCY_SCALE` multiplies them all.
 */
export const simulatorConfigSchema = z.object({
  ...httpConfig(8090),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  SIM_LATENCY_SCALE: nonNegative(0.1),
  SIM_LATENCY_BASE_MS: nonNegative(300),
  SIM_LATENCY_PER_INPUT_TOKEN_MS: nonNegative(0.2),
  SIM_LATENCY_PER_CACHED_TOKEN_MS: nonNegative(0.02),
  SIM_LATENCY_PER_OUTPUT_TOKEN_MS: nonNegative(20),
  SIM_FAULT_RATE: z.coerce.number().min(0).max(1).default(0),
  SIM_FAULT_KINDS: z
    .string()
    .default('429,500,529')
    .transform((s) =>
      s
        .split(',')
        .map((k) => k.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(FAULT_KINDS)).min(1)),
  SIM_SEED: z.string().min(1).optional(),
  /** `retry-after` seconds on 429s. */
  SIM_RETRY_AFTER_SECONDS: z.coerce.number().int().min(0).max(3600).default(1),
  /** Extra time to first token of a `slow` fault (not scaled). */
  SIM_SLOW_EXTRA_MS: nonNegative(2000),
  /** How long a `timeout` fault holds a request before dropping the connection. */
  SIM_TIMEOUT_HOLD_MS: nonNegative(600_000),
  SIM_RECORD_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  SIM_CACHE_MAX_ENTRIES: z.coerce.number().int().min(1).default(200_000),
  /** Largest accepted request body. */
  SIM_BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'like 64mb')
    .default('64mb'),
});

export type SimulatorConfig = z.infer<typeof simulatorConfigSchema>;
export type { FaultKind };

/** The defaults, with `overrides` (already typed) applied — for tests and embedding. */
export function simulatorConfig(overrides: Partial<SimulatorConfig> = {}): SimulatorConfig {
  return { ...simulatorConfigSchema.parse({}), ...overrides };
}
