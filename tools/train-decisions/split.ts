import { createHash } from 'node:crypto';
import { splitKey } from './split-key';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the pair reader lives in the threshold tool (see bench/src/lib/pairs.ts)
import type { LabelledPair } from '../tune-threshold/pairs';

export type SplitName = 'train' | 'val' | 'test';

/** A labelled pair with where it came from and which side of the split it landed on. */
export interface SplitPair extends LabelledPair {
  source: string;
  split: SplitName;
}

export interface SplitShares {
  val: number;
  test: number;
}

/**
 * Splits pairs **by question**: every text is a node, every pair an edge (duplicate or not), and
 * each connected component goes to one side as a whole, chosen by a seeded hash of the
 * component's first text. So no question (after normalisation) is in two splits, and neither is
 * anything connected to it: a model cannot score a test question by having seen its twin.
 */
export function splitByQuestion(
  pairs: ReadonlyArray<LabelledPair & { source: string }>,
  seed: number,
  shares: SplitShares,
): SplitPair[] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root) as string;
    let node = x;
    while (node !== root) {
      const next = parent.get(node) as string;
      parent.set(node, root);
      node = next;
    }
    return root;
  };
  const add = (x: string) => {
    if (!parent.has(x)) parent.set(x, x);
  };
  const union = (a: string, b: string) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  };
  const keyed = pairs.map((p) => ({ p, a: splitKey(p.textA), b: splitKey(p.textB) }));
  for (const { a, b } of keyed) {
    add(a);
    add(b);
    union(a, b);
  }
  return keyed.map(({ p, a }) => ({ ...p, split: sideOf(find(a), seed, shares) }));
}

function sideOf(root: string, seed: number, shares: SplitShares): SplitName {
  const digest = createHash('sha256').update(`${seed}\u0000${root}`).digest();
  const u = digest.readUInt32BE(0) / 2 ** 32;
  if (u < shares.test) return 'test';
  if (u < shares.test + shares.val) return 'val';
  return 'train';
}

/** How many pairs and positives each side holds, per source. */
export function splitCounts(pairs: readonly SplitPair[]): Record<string, Record<SplitName, [number, number]>> {
  const out: Record<string, Record<SplitName, [number, number]>> = {};
  for (const p of pairs) {
    out[p.source] ??= { train: [0, 0], val: [0, 0], test: [0, 0] };
    const cell = out[p.source][p.split];
    cell[0] += 1;
    cell[1] += p.label;
  }
  return out;
}
