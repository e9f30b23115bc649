import { readFileSync, writeFileSync } from 'node:fs';
import type { Embedder } from '@deja/data-access-embeddings';
import { dot } from '@deja/data-access-embeddings';
import { decide, shippedDecisionModel, DEFAULT_TARGET_FALSE_HIT_RATE } from '@deja/util-cache-policy';

export interface FixturePair {
  kind: string;
  label: 0 | 1;
  text_a: string;
  text_b: string;
  /** Cosine of the two texts under the shipped embedder (written by `train-decisions fixtures`). */
  cosine?: number;
}

/**
 * Scores the hand-made adversarial pairs with the real embedder and writes their cosines back,
 * so the unit tests can pin the shipped weights' verdicts without loading the ONNX model; then
 * prints what the shipped decision path does with each kind at the default target.
 */
export async function scoreFixtures(file: string, embedder: Embedder): Promise<void> {
  const pairs = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as FixturePair);
  const vectors: Record<string, number[]> = {};
  for (const p of pairs) {
    const [a, b] = await embedder.embed([p.text_a, p.text_b]);
    p.cosine = Math.round(dot(a, b) * 1e6) / 1e6;
    vectors[p.text_a] = Array.from(a, (x) => Math.round(x * 1e6) / 1e6);
    vectors[p.text_b] = Array.from(b, (x) => Math.round(x * 1e6) / 1e6);
  }
  writeFileSync(file, pairs.map((p) => JSON.stringify(p)).join('\n') + '\n');
  writeFileSync(file.replace(/pairs\.jsonl$/, 'vectors.json'), JSON.stringify(vectors));
  const model = shippedDecisionModel();
  const byKind = new Map<string, { n: number; served: number }>();
  for (const p of pairs) {
    const d = decide({
      queryText: p.text_b,
      threshold: model.retrievalFloor,
      learned: {
        model,
        targetFalseHitRate: DEFAULT_TARGET_FALSE_HIT_RATE,
        queryVector: Float32Array.from(vectors[p.text_b]),
      },
      candidates: [
        { entryId: 'e', similarity: p.cosine ?? 0, queryText: p.text_a, vector: Float32Array.from(vectors[p.text_a]) },
      ],
    });
    const row = byKind.get(p.kind) ?? { n: 0, served: 0 };
    row.n += 1;
    row.served += d.outcome === 'hit' ? 1 : 0;
    byKind.set(p.kind, row);
    if ((d.outcome === 'hit') !== (p.label === 1)) {
      console.log(
        `${p.label ? 'MISSED ' : 'SERVED '} p=${d.probability?.toFixed(3)} cos=${p.cosine} ${p.text_a} | ${p.text_b}`,
      );
    }
  }
  for (const [kind, r] of byKind) console.log(`${kind.padEnd(12)} served ${r.served}/${r.n}`);
}
