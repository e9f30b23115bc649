import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decide, decisionModelFrom, normalizeQuery, type DecisionModel } from '@deja/util-cache-policy';
import { VectorStore } from './vectors';

/** Target false-hit rates the weights carry a probability cut for. */
export const TARGETS = [0.005, 0.01, 0.02, 0.03, 0.05, 0.08, 0.1, 0.15, 0.2];
const POOL = 999;
const TOP_K = 5;

interface Asked {
  /** The probability of the candidate the learned rule would serve at any cut, or null (none scored). */
  p: number | null;
  right: boolean;
}

export interface RetrievalPoint {
  target: number;
  cut: number;
  correct: number;
  wrong: number;
  miss: number;
  false_hit_rate: number | null;
}

/**
 * GPTCache's retrieval protocol on the test split, at the weights' cuts: pools of 999 stored
 * questions (each positive pair's first text, in one scope), each pair's second text asked
 * against its pool — the nearest few candidates by cosine, scored by the model, guards applied.
 * A hit is right when its entry is the asked pair's own (or the same question after
 * normalisation). Also shows, for comparison, the lowest cut that would hold each target on this
 * protocol alone (it has no look-alike questions, so it is far looser than the shipped cuts).
 */
export function retrievalReport(
  dir: string,
  weightsFile: string,
): { test: RetrievalPoint[]; loosest: RetrievalPoint[] } {
  const raw = JSON.parse(readFileSync(weightsFile, 'utf8')) as { cutoffs: Record<string, number> };
  const model = decisionModelFrom(raw);
  const store = VectorStore.load(join(dir, 'vectors'), model.embeddingModel, 384);
  const pairs = positives(join(dir, 'qqp-test.jsonl'));
  // The same pairs as a file, so `npm run bench -- retrieval` asks them through the real lookup.
  writeFileSync(
    join(dir, 'qqp-test-retrieval.jsonl'),
    pairs.map((p) => JSON.stringify({ text_a: p.a, text_b: p.b, label: 1 })).join('\n') + '\n',
  );
  const test = askPools(pairs, store, model);
  const loosest: Record<string, number> = {};
  for (const target of TARGETS) loosest[String(target)] = lowestCut(test, target);
  return { test: points(test, raw.cutoffs), loosest: points(test, loosest) };
}

/**
 * The positive pairs of a split file, one per duplicate cluster: QQP links many phrasings of one
 * question, and a pool holding several of them would count a hit on a sibling as wrong. GPTCache's
 * own set has one pair per question; so does each pool here.
 */
export function positives(file: string): Array<{ a: string; b: string }> {
  const pairs = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { text_a: string; text_b: string; label: number })
    .filter((p) => p.label === 1);
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    while (parent.has(x) && parent.get(x) !== x) x = parent.get(x) as string;
    return x;
  };
  for (const p of pairs) {
    const [a, b] = [find(normalizeQuery(p.text_a)), find(normalizeQuery(p.text_b))];
    parent.set(a, a);
    parent.set(b, a);
  }
  const seen = new Set<string>();
  return pairs
    .filter((p) => {
      const root = find(normalizeQuery(p.text_a));
      if (seen.has(root)) return false;
      seen.add(root);
      return true;
    })
    .map((p) => ({ a: p.text_a, b: p.text_b }));
}

function askPools(pairs: Array<{ a: string; b: string }>, store: VectorStore, model: DecisionModel): Asked[] {
  const out: Asked[] = [];
  for (let start = 0; start + POOL <= pairs.length; start += POOL) {
    const pool = pairs.slice(start, start + POOL);
    const stored = pool.map((p) => ({ text: p.a, vector: store.get(p.a), key: normalizeQuery(p.a) }));
    for (const p of pool) out.push(askOne(p, stored, store.get(p.b), model));
  }
  return out;
}

function askOne(
  pair: { a: string; b: string },
  stored: Array<{ text: string; vector: Float32Array; key: string }>,
  query: Float32Array,
  model: DecisionModel,
): Asked {
  const scored = stored.map((s, i) => ({ i, similarity: dotOf(s.vector, query) }));
  scored.sort((x, y) => y.similarity - x.similarity);
  const candidates = scored.slice(0, TOP_K).map(({ i, similarity }) => ({
    entryId: String(i),
    similarity,
    queryText: stored[i].text,
    vector: stored[i].vector,
  }));
  // A cut of 0 shows which candidate the rule prefers and its probability; any real cut only
  // decides whether that one is served.
  const d = decide({
    queryText: pair.b,
    threshold: model.retrievalFloor,
    learned: { model: { ...model, cutoff: () => 0 }, targetFalseHitRate: 0, queryVector: query },
    candidates,
  });
  if (d.outcome !== 'hit' || d.entryId === null) return { p: null, right: false };
  const served = stored[Number(d.entryId)];
  const right =
    served.text === pair.a || served.key === normalizeQuery(pair.a) || served.key === normalizeQuery(pair.b);
  return { p: d.probability, right };
}

function dotOf(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** The lowest cut at which the served hits' false-hit rate is within the target. */
function lowestCut(asked: readonly Asked[], target: number): number {
  const served = asked.filter((a) => a.p !== null).sort((x, y) => (y.p as number) - (x.p as number));
  let wrong = 0;
  let best = 1;
  served.forEach((a, i) => {
    if (!a.right) wrong++;
    const next = served[i + 1];
    // Cut only between distinct probabilities: a cut serves all pairs at its value or none.
    if (next && next.p === a.p) return;
    if (wrong / (i + 1) <= target) best = a.p as number;
  });
  return best;
}

function points(asked: readonly Asked[], cutoffs: Record<string, number>): RetrievalPoint[] {
  return TARGETS.map((target) => {
    const cut = cutoffs[String(target)];
    const served = asked.filter((a) => a.p !== null && a.p >= cut);
    const wrong = served.filter((a) => !a.right).length;
    return {
      target,
      cut,
      correct: served.length - wrong,
      wrong,
      miss: asked.length - served.length,
      false_hit_rate: served.length ? Math.round((wrong / served.length) * 1e4) / 1e4 : null,
    };
  });
}
