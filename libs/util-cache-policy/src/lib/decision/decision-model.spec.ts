import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decide } from './decide';
import { decisionModelFrom, shippedDecisionModel } from './decision-model';

const fixtures = join(__dirname, '__fixtures__');
const read = (file: string): unknown => JSON.parse(readFileSync(join(fixtures, file), 'utf8'));

interface Parity {
  features: number[];
  query: number[];
  candidate: number[];
  probability: number;
}

interface AdversarialPair {
  kind: string;
  label: 0 | 1;
  text_a: string;
  text_b: string;
  cosine: number;
}

const model = shippedDecisionModel();
const vectors = read('adversarial-vectors.json') as Record<string, number[]>;
const adversarial = readFileSync(join(fixtures, 'adversarial-pairs.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as AdversarialPair);

/** The shipped decision path on one stored question and one new question, at the default target. */
function served(p: AdversarialPair, target = 0.02): boolean {
  return (
    decide({
      queryText: p.text_b,
      threshold: model.retrievalFloor,
      learned: { model, targetFalseHitRate: target, queryVector: Float32Array.from(vectors[p.text_b]) },
      candidates: [
        { entryId: 'e', similarity: p.cosine, queryText: p.text_a, vector: Float32Array.from(vectors[p.text_a]) },
      ],
    }).outcome === 'hit'
  );
}

describe('the shipped decision model', () => {
  it('computes the same probabilities as the trainer that wrote it', () => {
    for (const s of read('parity.json') as Parity[]) {
      const p = model.probability(Float64Array.from(s.features), {
        query: Float32Array.from(s.query),
        candidate: Float32Array.from(s.candidate),
      });
      expect(p).toBeCloseTo(s.probability, 3);
    }
  });

  it('asks for a stricter probability at a stricter target', () => {
    expect(model.cutoff(0.01)).toBeGreaterThanOrEqual(model.cutoff(0.02));
    expect(model.cutoff(0.02)).toBeGreaterThanOrEqual(model.cutoff(0.05));
  });

  it('refuses a weights file that does not fit the code', () => {
    expect(() => decisionModelFrom({ format: 'deja-decision-model/1' })).toThrow(/unknown format/);
  });

  it.each([
    ['How do I reset my password?', 'I forgot my password, how can I change it?'],
    ['What is the boiling point of water?', 'At what temperature does water boil?'],
    ['Who wrote Pride and Prejudice?', 'Who is the author of Pride and Prejudice?'],
    ['The cat is sleeping on the sofa.', 'A cat is asleep on the couch.'],
  ])('serves the everyday paraphrase %p → %p at the default target', (a, b) => {
    const pair = adversarial.find((p) => p.text_a === a && p.text_b === b);
    expect(pair && served(pair)).toBe(true);
  });

  it('serves most hand-written paraphrases, and more at a looser target', () => {
    const paraphrases = adversarial.filter((p) => p.kind === 'paraphrase');
    const share = (target: number) => paraphrases.filter((p) => served(p, target)).length / paraphrases.length;
    expect(share(0.02)).toBeGreaterThanOrEqual(0.45);
    expect(share(0.05)).toBeGreaterThanOrEqual(0.7);
  });

  it.each(adversarial.filter((p) => p.label === 0).map((p) => [p.kind, p.text_a, p.text_b, p]))(
    'refuses the %s look-alike %p → %p',
    (_kind, _a, _b, pair) => {
      expect(served(pair as AdversarialPair)).toBe(false);
      expect(served(pair as AdversarialPair, 0.05)).toBe(false);
    },
  );
});
