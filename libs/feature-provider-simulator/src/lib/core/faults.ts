import { invalidRequest } from '../simulator.exception';
import { seededRandom } from './hash';

/**
 * - `429` rate limited (with `retry-after`), `500` server error, `529` overloaded (OpenAI: 503);
 * - `slow`: answers normally after an extra delay;
 * - `timeout`: accepts the request and never answers (until the client gives up);
 * - `cut`: starts the response, then drops the connection halfway (a broken stream).
 */
export const FAULT_KINDS = ['429', '500', '529', 'slow', 'timeout', 'cut'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export function isFaultKind(value: string): value is FaultKind {
  return (FAULT_KINDS as readonly string[]).includes(value);
}

/**
 * Picks the fault (if any) for each request: the `x-sim-fault` header wins; otherwise with
 * probability `rate` one of `kinds`, uniformly. With a seed the sequence of decisions is the
 * same on every run (two draws per request, header or not, so a header does not shift it).
 */
export class FaultInjector {
  private readonly random: () => number;

  constructor(
    private readonly rate: number,
    private readonly kinds: readonly FaultKind[],
    seed?: string,
  ) {
    this.random = seed === undefined ? Math.random : seededRandom(seed);
  }

  pick(header?: string): FaultKind | undefined {
    const roll = this.random();
    const which = this.random();
    if (header !== undefined && header !== '') {
      const value = header.trim().toLowerCase();
      if (value === 'none') return undefined;
      if (!isFaultKind(value))
        throw invalidRequest(`x-sim-fault: unknown fault "${header}" (one of ${FAULT_KINDS.join(', ')}, none)`);
      return value;
    }
    if (this.kinds.length === 0 || roll >= this.rate) return undefined;
    return this.kinds[Math.floor(which * this.kinds.length)];
  }
}
