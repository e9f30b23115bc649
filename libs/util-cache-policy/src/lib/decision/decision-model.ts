import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PAIR_FEATURE_NAMES } from './pair-features';

/**
 * The learned second stage of a cache decision: given a pair's features (and, for models that
 * use them, the two sentence vectors), the calibrated probability that the cached answer is right
 * for the new question, and the probability cut that holds a target false-hit rate.
 *
 * The weights are data (`decision-model.json`, written by `npm run train-decisions`), never code:
 * retraining replaces the file. Gradient-boosted trees over the pair's features and a projection
 * of the two vectors' agreement, then a calibration table: tens of microseconds per candidate.
 */
export interface DecisionModel {
  /** Name and training seed, reported with every decision (`x-deja-decision`). */
  readonly name: string;
  /** The embedding model whose cosine and vectors the weights were trained on. */
  readonly embeddingModel: string;
  /** Candidates below this cosine are not scored: none of them cleared the loosest target in training. */
  readonly retrievalFloor: number;
  /** Whether `probability` needs both texts' sentence vectors. */
  readonly usesVectors: boolean;
  /** Calibrated P(the cached answer is right for the new question). */
  probability(features: Float64Array, vectors?: { query: Float32Array; candidate: Float32Array }): number;
  /** The lowest probability to serve at a target false-hit rate (interpolated between trained targets). */
  cutoff(targetFalseHitRate: number): number;
  /** The target false-hit rates the weights were calibrated for, ascending. */
  readonly targets: readonly number[];
}

/** One regression tree, as parallel arrays indexed by node (node 0 is the root). */
interface Tree {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  /** 1 for a leaf, whose `value` is added to the score. */
  leaf: number[];
  value: number[];
}

/** A linear projection of a 384-float agreement vector to a few components (PCA, fitted in training). */
interface Projection {
  mean: number[];
  components: number[][];
}

interface ModelFile {
  format: 'deja-decision-model/2';
  name: string;
  embedding_model: string;
  features: string[];
  retrieval_floor: number;
  /** How the two sentence vectors enter: u⊙v and |u−v|, each projected; null: features only. */
  projections: { product: Projection; difference: Projection } | null;
  baseline: number;
  trees: Tree[];
  calibration: { x: number[]; y: number[] };
  cutoffs: Record<string, number>;
}

/** Parses and checks a weights file: a file that does not fit this code is refused whole. */
export function decisionModelFrom(json: unknown): DecisionModel {
  const file = json as ModelFile;
  const problems = checkFile(file);
  if (problems.length > 0) throw new Error(`decision model: ${problems.join('; ')}`);
  const projections = file.projections
    ? [compile(file.projections.product), compile(file.projections.difference)]
    : null;
  const targets = Object.keys(file.cutoffs)
    .map(Number)
    .sort((a, b) => a - b);
  const cuts = targets.map((t) => file.cutoffs[String(t)]);
  return {
    name: file.name,
    embeddingModel: file.embedding_model,
    usesVectors: projections !== null,
    retrievalFloor: file.retrieval_floor,
    targets,
    probability(features, vectors) {
      const x = projections ? withVectors(features, projections, vectors) : features;
      let score = file.baseline;
      for (const tree of file.trees) score += leafValue(tree, x);
      return interpolate(file.calibration.x, file.calibration.y, 1 / (1 + Math.exp(-score)));
    },
    cutoff(target) {
      return interpolate(targets, cuts, target);
    },
  };
}

let shipped: DecisionModel | undefined;

/** The model shipped with Deja (loaded once, on first use). */
export function shippedDecisionModel(): DecisionModel {
  shipped ??= decisionModelFrom(JSON.parse(readFileSync(join(__dirname, 'decision-model.json'), 'utf8')));
  return shipped;
}

/**
 * The shipped model when it was trained on `embeddingModel`'s vectors, else null: cosine scales
 * differ between embedding models, so weights never carry over to another one.
 */
export function decisionModelFor(embeddingModel: string): DecisionModel | null {
  const model = shippedDecisionModel();
  return model.embeddingModel === embeddingModel ? model : null;
}

function checkFile(file: ModelFile): string[] {
  const problems: string[] = [];
  if (file?.format !== 'deja-decision-model/2') return [`unknown format ${JSON.stringify(file?.format)}`];
  if (JSON.stringify(file.features) !== JSON.stringify(PAIR_FEATURE_NAMES)) {
    problems.push('its feature list differs from PAIR_FEATURE_NAMES (retrain with this code)');
  }
  const width =
    PAIR_FEATURE_NAMES.length +
    (file.projections ? file.projections.product.components.length + file.projections.difference.components.length : 0);
  file.trees.forEach((t, i) => {
    const n = t.feature.length;
    const sameLength = [t.threshold, t.left, t.right, t.leaf, t.value].every((a) => a.length === n);
    const inRange = t.feature.every((f, j) => t.leaf[j] === 1 || (f >= 0 && f < width));
    const linked = t.left.every((l, j) => t.leaf[j] === 1 || (l > j && l < n && t.right[j] > j && t.right[j] < n));
    if (!sameLength || !inRange || !linked) problems.push(`tree ${i} is malformed`);
  });
  if (file.calibration.x.length !== file.calibration.y.length || file.calibration.x.length < 2) {
    problems.push('calibration table');
  }
  if (Object.keys(file.cutoffs).length === 0) problems.push('no cutoffs');
  if (!(file.retrieval_floor >= -1 && file.retrieval_floor <= 1)) problems.push('retrieval_floor');
  return problems;
}

/** A projection as one flat row-major matrix: a tight loop, no nested arrays on the hot path. */
interface CompiledProjection {
  mean: Float64Array;
  matrix: Float64Array;
  rows: number;
}

function compile(p: Projection): CompiledProjection {
  const width = p.mean.length;
  const matrix = new Float64Array(p.components.length * width);
  p.components.forEach((c, r) => matrix.set(c, r * width));
  return { mean: Float64Array.from(p.mean), matrix, rows: p.components.length };
}

/** [features, projected u⊙v, projected |u−v|]: how the two vectors agree, dimension by dimension. */
function withVectors(
  features: Float64Array,
  [product, difference]: readonly CompiledProjection[],
  vectors?: { query: Float32Array; candidate: Float32Array },
): Float64Array {
  if (!vectors) throw new Error('this decision model needs both sentence vectors');
  const { query: u, candidate: v } = vectors;
  const prod = new Float64Array(u.length);
  const diff = new Float64Array(u.length);
  for (let i = 0; i < u.length; i++) {
    prod[i] = u[i] * v[i] - product.mean[i];
    diff[i] = Math.abs(u[i] - v[i]) - difference.mean[i];
  }
  const x = new Float64Array(features.length + product.rows + difference.rows);
  x.set(features);
  project(prod, product, x, features.length);
  project(diff, difference, x, features.length + product.rows);
  return x;
}

/** Writes the projection of an already centred vector into `out` from `at`. */
function project(centred: Float64Array, p: CompiledProjection, out: Float64Array, at: number): void {
  const width = centred.length;
  for (let r = 0; r < p.rows; r++) {
    let sum = 0;
    const row = r * width;
    for (let i = 0; i < width; i++) sum += centred[i] * p.matrix[row + i];
    out[at + r] = sum;
  }
}

function leafValue(tree: Tree, x: Float64Array): number {
  let node = 0;
  while (tree.leaf[node] !== 1)
    node = x[tree.feature[node]] <= tree.threshold[node] ? tree.left[node] : tree.right[node];
  return tree.value[node];
}

/** Piecewise-linear interpolation through sorted (xs, ys), clamped at both ends. */
function interpolate(xs: readonly number[], ys: readonly number[], x: number): number {
  if (x <= xs[0]) return ys[0];
  const last = xs.length - 1;
  if (x >= xs[last]) return ys[last];
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= x) lo = mid;
    else hi = mid;
  }
  const span = xs[hi] - xs[lo];
  return span === 0 ? ys[hi] : ys[lo] + ((ys[hi] - ys[lo]) * (x - xs[lo])) / span;
}
