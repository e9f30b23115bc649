import type { ModelFacts, ModelKind, Provider } from './model-facts';
import { MODELS, UNKNOWN_MODEL_DEFAULTS } from './models';

/** Thrown by `getModel` (and `resolveModel` when even the provider is unknown). */
export class UnknownModelError extends Error {
  constructor(readonly model: string) {
    super(`unknown model "${model}": add it to libs/util-model-catalog/src/lib/models.ts`);
    this.name = 'UnknownModelError';
  }
}

const BY_ID: ReadonlyMap<string, ModelFacts> = new Map(
  MODELS.flatMap((m) => [m.id, ...m.aliases].map((id) => [id, m] as const)),
);

/** The model with this id or alias, or `undefined`. Ids are exact (providers are case-sensitive). */
export function findModel(id: string): ModelFacts | undefined {
  return BY_ID.get(id);
}

/** The model with this id or alias; throws `UnknownModelError` otherwise. */
export function getModel(id: string): ModelFacts {
  const model = findModel(id);
  if (!model) throw new UnknownModelError(id);
  return model;
}

/** Which provider serves a model id, judged by its name when the model is not in the table. */
export function providerOf(id: string): Provider | undefined {
  const known = findModel(id);
  if (known) return known.provider;
  if (/^claude-/.test(id)) return 'anthropic';
  if (/^(gpt-|chatgpt-|o\d|text-embedding-)/.test(id)) return 'openai';
  return undefined;
}

/**
 * Unknown-model policy: a known id resolves to its row. An unknown id of a recognisable provider
 * (`claude-…`, `gpt-…`, `o1…`) resolves to that provider's conservative default
 * (`known: false`: the highest prices and the largest minimum cacheable prefix, so cost is
 * never under-estimated and caching never over-promised). Anything else throws
 * `UnknownModelError`: guessing a provider would send a request to the wrong API.
 */
export function resolveModel(id: string): ModelFacts {
  const known = findModel(id);
  if (known) return known;
  const provider = providerOf(id);
  if (!provider) throw new UnknownModelError(id);
  return { id, ...UNKNOWN_MODEL_DEFAULTS[provider] };
}

/** The label value of every model the catalog does not know. */
export const OTHER_MODEL_LABEL = 'other';

/**
 * A model id as a metric label: the catalog's id for a known model or alias, `other` for anything
 * else. The model name comes from the client, so used as-is it would publish whatever a caller
 * puts there (a key, a prompt) on `/metrics` and grow one series per made-up name, forever.
 * This way the label set is the catalog plus one.
 */
export function modelLabel(id: string): string {
  return findModel(id)?.id ?? OTHER_MODEL_LABEL;
}

/** Known models, optionally filtered. */
export function listModels(filter: { provider?: Provider; kind?: ModelKind } = {}): readonly ModelFacts[] {
  return MODELS.filter(
    (m) =>
      (filter.provider === undefined || m.provider === filter.provider) &&
      (filter.kind === undefined || m.kind === filter.kind),
  );
}
