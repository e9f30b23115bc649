import { antonymsGuard } from './guards/antonyms.guard';
import { caseGuard } from './guards/case.guard';
import { categoriesGuard } from './guards/categories.guard';
import { directionGuard } from './guards/direction.guard';
import { entitiesGuard } from './guards/entities.guard';
import type { Guard, GuardName, GuardVerdict } from './guards/guard';
import { PASS } from './guards/guard';
import { negationGuard } from './guards/negation.guard';
import { numbersGuard } from './guards/numbers.guard';

export type { Guard, GuardName, GuardVerdict } from './guards/guard';
export { extractNumbers } from './guards/numbers.guard';
export { negationMarkers } from './guards/negation.guard';
export { directionalArcs } from './guards/direction.guard';
export { extractEntities } from './guards/entities.guard';
export { categoryMembers } from './guards/categories.guard';

/**
 * Every false-hit guard, in the order they run (cheapest and most specific first). Each is
 * measured on its own by the tune-threshold tool; docs/cache-decisions.md has the numbers.
 */
export const GUARDS: readonly Guard[] = Object.freeze([
  numbersGuard,
  caseGuard,
  negationGuard,
  antonymsGuard,
  directionGuard,
  categoriesGuard,
  entitiesGuard,
]);

export const GUARD_NAMES: readonly GuardName[] = Object.freeze(GUARDS.map((g) => g.name));

/** The guards with these names, in registry order; throws on an unknown name. */
export function selectGuards(names: readonly string[]): Guard[] {
  const unknown = names.filter((n) => !GUARD_NAMES.includes(n as GuardName));
  if (unknown.length > 0)
    throw new RangeError(`unknown guard(s): ${unknown.join(', ')}; known: ${GUARD_NAMES.join(', ')}`);
  return GUARDS.filter((g) => names.includes(g.name));
}

/**
 * Runs guards on a pair that already passed the similarity threshold; the first veto wins.
 * `guards` defaults to all of them; pass a subset (or `selectGuards([...])`) to measure one.
 */
export function runGuards(query: string, candidate: string, guards: readonly Guard[] = GUARDS): GuardVerdict {
  for (const guard of guards) {
    const verdict = guard.check(query, candidate);
    if (!verdict.ok) return verdict;
  }
  return PASS;
}
