import type { Clock } from './core/clock';
import type { SimulatorConfig } from './simulator.config';

/** DI token of `SimulatorOptions`. */
export const SIMULATOR_OPTIONS = Symbol('SIMULATOR_OPTIONS');

export interface SimulatorOptions {
  readonly config: SimulatorConfig;
  /** Defaults to wall-clock time with an offset that `POST /_sim/clock` can advance. */
  readonly clock?: Clock;
}
