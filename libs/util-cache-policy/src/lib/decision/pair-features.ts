import { selectGuards } from '../guards';
import { normalizeQuery } from '../text';
import { STOPWORDS, tokenize, wordSet, type Token } from '../guards/tokenize';
import { instructionSegments } from './instructions';

/**
 * What the decision model knows about one (new question, stored question) pair, computed the
 * same way offline (training, `tools/train-decisions`) and online (every semantic candidate).
 * Every feature is symmetric in the two texts: a cache pair has no natural order, and a model
 * that saw them one way round must not answer differently the other way.
 *
 * The names are the model's contract: the weights file lists the names it was trained on, and
 * loading refuses a file whose list differs from `PAIR_FEATURE_NAMES`.
 */
export const PAIR_FEATURE_NAMES = [
  'cosine',
  'cosine_sq',
  'word_jaccard',
  'content_jaccard',
  'char3_jaccard',
  'token_lcs_ratio',
  'length_ratio',
  'log_char_length_diff',
  'unmatched_content_min',
  'unmatched_content_max',
  'unmatched_content_frac_max',
  'first_word_equal',
  'wh_word_mismatch',
  'question_mark_mismatch',
  'sentence_count_diff',
  'instruction_mismatch',
  'case_only_token_mismatch',
  'guard_numbers',
  'guard_negation',
  'guard_antonyms',
  'guard_direction',
  'guard_categories',
  'guard_entities',
] as const;

export type PairFeatureName = (typeof PAIR_FEATURE_NAMES)[number];

type FeatureGuard = 'numbers' | 'negation' | 'antonyms' | 'direction' | 'categories' | 'entities';
/** The guards whose verdicts are features (the case guard's signal is `case_only_token_mismatch`). */
const FEATURE_GUARDS = selectGuards(['numbers', 'negation', 'antonyms', 'direction', 'categories', 'entities']);

/** A text's lexical view, computed once per text (a candidate's is reused across requests). */
export interface TextView {
  text: string;
  tokens: readonly Token[];
  words: readonly string[];
  wordSet: ReadonlySet<string>;
  content: ReadonlySet<string>;
  char3: ReadonlySet<string>;
  sentences: number;
  instructions: readonly string[];
}

const WH_WORDS = new Set([
  'what',
  'how',
  'why',
  'when',
  'where',
  'who',
  'whom',
  'whose',
  'which',
  'is',
  'are',
  'can',
  'could',
  'do',
  'does',
  'did',
  'should',
  'would',
  'will',
  'was',
  'were',
  'has',
  'have',
]);
/** Longer texts are compared on their first tokens only: the order-sensitive LCS is quadratic. */
const LCS_TOKEN_CAP = 64;

/** The lexical view of one text. */
export function textView(text: string): TextView {
  const tokens = tokenize(text);
  const words = tokens.map((t) => t.lower);
  const content = new Set([...wordSet(tokens)].filter((w) => !STOPWORDS.has(w)));
  return {
    text,
    tokens,
    words,
    wordSet: new Set(words),
    content,
    char3: charTrigrams(normalizeQuery(text)),
    sentences: Math.max(1, text.split(/[.!?]+(?:\s+|$)/).filter((s) => s.trim().length > 0).length),
    instructions: instructionSegments(text),
  };
}

/**
 * The feature vector of a pair, in `PAIR_FEATURE_NAMES` order. `guardsPassed`: the caller ran
 * every guard on this pair and none vetoed, so their features are 0 without running them again.
 */
export function pairFeatures(a: TextView, b: TextView, cosine: number, guardsPassed = false): Float64Array {
  const unmatchedA = countMissing(a.content, b);
  const unmatchedB = countMissing(b.content, a);
  const values: Record<PairFeatureName, number> = {
    cosine,
    cosine_sq: cosine * cosine,
    word_jaccard: jaccard(a.wordSet, b.wordSet),
    content_jaccard: jaccard(a.content, b.content),
    char3_jaccard: jaccard(a.char3, b.char3),
    token_lcs_ratio: lcsRatio(a.words, b.words),
    length_ratio: ratio(a.words.length, b.words.length),
    log_char_length_diff: Math.abs(Math.log1p(a.text.length) - Math.log1p(b.text.length)),
    unmatched_content_min: Math.min(unmatchedA, unmatchedB),
    unmatched_content_max: Math.max(unmatchedA, unmatchedB),
    unmatched_content_frac_max: Math.max(frac(unmatchedA, a.content.size), frac(unmatchedB, b.content.size)),
    first_word_equal: a.words[0] !== undefined && a.words[0] === b.words[0] ? 1 : 0,
    wh_word_mismatch: whWord(a) !== whWord(b) ? 1 : 0,
    question_mark_mismatch: a.text.includes('?') !== b.text.includes('?') ? 1 : 0,
    sentence_count_diff: Math.min(3, Math.abs(a.sentences - b.sentences)),
    instruction_mismatch: sameSet(a.instructions, b.instructions) ? 0 : 1,
    case_only_token_mismatch: caseOnlyMismatch(a.tokens, b.tokens) ? 1 : 0,
    guard_numbers: 0,
    guard_negation: 0,
    guard_antonyms: 0,
    guard_direction: 0,
    guard_categories: 0,
    guard_entities: 0,
  };
  for (const guard of guardsPassed ? [] : FEATURE_GUARDS) {
    if (!guard.check(a.text, b.text).ok) values[`guard_${guard.name as FeatureGuard}`] = 1;
  }
  return Float64Array.from(PAIR_FEATURE_NAMES, (name) => values[name]);
}

function charTrigrams(normalized: string): Set<string> {
  const padded = ` ${normalized} `;
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= padded.length; i++) grams.add(padded.slice(i, i + 3));
  return grams;
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared / (a.size + b.size - shared);
}

/** Content words of one side that the other side does not mention in any form. */
function countMissing(words: ReadonlySet<string>, other: TextView): number {
  let missing = 0;
  for (const w of words) if (!other.content.has(w) && !other.wordSet.has(w)) missing++;
  return missing;
}

/** Longest common token subsequence over the longer length: word order that carries meaning. */
function lcsRatio(a: readonly string[], b: readonly string[]): number {
  const x = a.slice(0, LCS_TOKEN_CAP);
  const y = b.slice(0, LCS_TOKEN_CAP);
  if (x.length === 0 || y.length === 0) return x.length === y.length ? 1 : 0;
  let prev = new Uint8Array(y.length + 1);
  let row = new Uint8Array(y.length + 1);
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      row[j] = x[i - 1] === y[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], row[j - 1]);
    }
    [prev, row] = [row, prev];
  }
  return prev[y.length] / Math.max(x.length, y.length);
}

function ratio(x: number, y: number): number {
  const hi = Math.max(x, y);
  return hi === 0 ? 1 : Math.min(x, y) / hi;
}

function frac(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

function whWord(view: TextView): string {
  return view.words.find((w) => WH_WORDS.has(w)) ?? '';
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/**
 * A token written on both sides with different letter case where case can carry meaning: a
 * mixed-case or digit-bearing token (`Hunter2` / `hunter2`, `iOS` / `IOS`) or an all-capitals
 * one against lower case (`ABCDEF` / `abcdef`). Sentence embeddings fold case away (the
 * tokenizer lower-cases), so this is invisible to similarity. A capital that only starts a
 * sentence is not evidence, nor is a text written all in capitals (shouting, not spelling).
 * Returns the differing pair, or null.
 */
export function caseOnlyMismatch(a: readonly Token[], b: readonly Token[]): [string, string] | null {
  const formsA = caseForms(a);
  const formsB = caseForms(b);
  for (const [lower, rawA] of formsA) {
    const rawB = formsB.get(lower);
    if (!rawB || [...rawA].some((r) => rawB.has(r))) continue;
    const all = [...rawA, ...rawB];
    if (all.some(meaningfulCase)) return [[...rawA][0], [...rawB][0]];
  }
  return null;
}

/** Each token's written forms by lower-case form, leaving out capitals that carry no meaning. */
function caseForms(tokens: readonly Token[]): Map<string, Set<string>> {
  const forms = new Map<string, Set<string>>();
  const words = tokens.filter((t) => !t.code && /\p{L}/u.test(t.raw));
  const shouting = words.length >= 3 && words.filter((t) => isAllCaps(t.raw)).length / words.length > 0.6;
  for (const t of words) {
    const raw = shouting || (t.sentenceInitial && isCapitalised(t.raw)) ? t.lower : t.raw;
    const set = forms.get(t.lower) ?? new Set<string>();
    set.add(raw);
    forms.set(t.lower, set);
  }
  return forms;
}

function meaningfulCase(raw: string): boolean {
  return /\p{Lu}/u.test(raw.slice(1)) || (/\d/.test(raw) && /\p{L}/u.test(raw));
}

function isCapitalised(raw: string): boolean {
  return /^\p{Lu}\p{Ll}*$/u.test(raw);
}

function isAllCaps(raw: string): boolean {
  return !/\p{Ll}/u.test(raw);
}
