import { normalizeQuery } from '@deja/util-cache-policy';
import { readPairs, seededRandom, type LabelledPair } from '../lib/pairs';
import { answeredQuestion, Pipeline } from '../lib/pipeline';
import { note, pct, Progress, table } from '../lib/report';

export interface LiveQualityOptions {
  data: string;
  questions: number;
  seed: number;
  databaseUrl: string;
  basePort: number;
  /** The last this-many questions are reported apart (the cache has warmed up by then). */
  window: number;
  /** Questions in flight at once (order matters little: each one is a separate request). */
  concurrency: number;
  /** Zipf exponent of the pairs' popularity (1: a few pairs are asked often, most rarely). */
  zipf: number;
}

interface Counts {
  questions: number;
  hits: number;
  exact: number;
  semantic: number;
  /** Hits whose answer was built for a question of another meaning (by the pairs' labels). */
  wrong: number;
  wrong_semantic: number;
  failed: number;
  /**
   * Misses whose meaning had already been answered (stored) under another phrasing: the hits a
   * perfect semantic tier would have added. Semantic recall = right semantic hits / (those + misses here).
   */
  paraphrase_misses: number;
  /** The first wrong hits: the question asked, and the question the served answer was built for. */
  wrong_examples: Array<{ asked: string; answered_for: string | null; labelled: 'different' | 'unlinked' }>;
}

export interface LiveQualityResult {
  all: Counts & Rates;
  final_window: Counts & Rates;
  meta: {
    data: string;
    pairs: number;
    clusters: number;
    questions: number;
    window: number;
    seed: number;
    zipf: number;
    rule: string;
    seconds: number;
  };
}

interface Rates {
  hit_rate: number | null;
  /** Wrong hits over hits, with its 95 % Wilson interval. */
  false_hit_rate: number | null;
  false_hit_interval: [number, number] | null;
}

/**
 * Meaning by the pairs' labels: texts joined by a label-1 pair (transitively) share a meaning;
 * every other text has its own. A served answer is right when the question it was built for
 * (the simulator names it in the answer) has the asked question's meaning.
 */
class Meanings {
  private readonly parent = new Map<string, string>();
  /** Pairs labelled 0, by their two texts' normal forms ("a\nb", both orders). */
  private readonly different = new Set<string>();

  constructor(pairs: readonly LabelledPair[]) {
    for (const p of pairs) {
      const [a, b] = [this.find(normalizeQuery(p.textA)), this.find(normalizeQuery(p.textB))];
      if (p.label === 1 && a !== b) this.parent.set(b, a);
      if (p.label === 0) {
        this.different.add(`${normalizeQuery(p.textA)}\n${normalizeQuery(p.textB)}`);
        this.different.add(`${normalizeQuery(p.textB)}\n${normalizeQuery(p.textA)}`);
      }
    }
  }

  /** Whether the two texts were labelled as a pair of different meanings (not merely never linked). */
  labelledDifferent(a: string, b: string): boolean {
    return this.different.has(`${normalizeQuery(a)}\n${normalizeQuery(b)}`);
  }

  find(key: string): string {
    let x = key;
    while (this.parent.has(x) && this.parent.get(x) !== x) x = this.parent.get(x) as string;
    return x;
  }

  /** The meaning a text belongs to. */
  key(text: string): string {
    return this.find(normalizeQuery(text));
  }

  same(a: string, b: string): boolean {
    return this.find(normalizeQuery(a)) === this.find(normalizeQuery(b));
  }

  count(pairs: readonly LabelledPair[]): number {
    return new Set(pairs.flatMap((p) => [this.find(normalizeQuery(p.textA)), this.find(normalizeQuery(p.textB))])).size;
  }
}

/**
 * The stream: pairs drawn by a Zipf popularity (seeded), one of the pair's two texts asked at
 * random — so a popular pair is asked again (an exact repeat), by its other phrasing (a
 * paraphrase when labelled 1) or as its look-alike (labelled 0: a different question in the
 * cache's neighbourhood).
 */
export function liveStream(pairs: readonly LabelledPair[], n: number, seed: number, zipf: number): string[] {
  const rand = seededRandom(seed);
  const order = pairs.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const weights = order.map((_, rank) => 1 / Math.pow(rank + 1, zipf));
  const total = weights.reduce((s, w) => s + w, 0);
  const cumulative: number[] = [];
  let acc = 0;
  for (const w of weights) cumulative.push((acc += w / total));
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = rand();
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < r) lo = mid + 1;
      else hi = mid;
    }
    const pair = pairs[order[lo]];
    out.push(rand() < 0.5 ? pair.textA : pair.textB);
  }
  return out;
}

/**
 * A stream of questions from labelled pairs replayed through the running pipeline (REST jobs
 * API, one tenant, one namespace, the shipped decision rule), the simulator answering each miss
 * with an answer that names its question. Every hit is judged by the pairs' labels: the cache's
 * false-hit rate on this stream as the labels see it (an upper bound: QQP's duplicate graph is
 * incomplete and noisy, so some "wrong" hits are the same question), not a pair-by-pair estimate.
 */
export async function runLiveQuality(o: LiveQualityOptions): Promise<LiveQualityResult> {
  const started = Date.now();
  const { pairs } = readPairs(o.data);
  const meanings = new Meanings(pairs);
  const stream = liveStream(pairs, o.questions, o.seed, o.zipf);
  note(`live-quality: ${stream.length} questions from ${pairs.length} pairs (${meanings.count(pairs)} meanings)`);
  const pipeline = new Pipeline({
    databaseUrl: o.databaseUrl,
    basePort: o.basePort,
    simEnv: { SIM_LATENCY_SCALE: '0', SIM_RECORD_LIMIT: '1000' },
  });
  await pipeline.start();
  const namespace = `bench-live-quality-${pipeline.run}`;
  const all = emptyCounts();
  const final = emptyCounts();
  let rule = 'unknown';
  try {
    const progress = new Progress('live-quality', stream.length, 'questions');
    let next = 0;
    let done = 0;
    let errors = 0;
    /** Meanings answered so far (each miss stores its answer), and the exact texts asked so far. */
    const answered = new Set<string>();
    const seen = new Set<string>();
    const worker = async () => {
      for (let i = next++; i < stream.length; i = next++) {
        const asked = stream[i];
        const job = await pipeline
          .job({
            provider: 'openai',
            model: 'gpt-4o-mini',
            messages: [{ role: 'user', content: asked }],
            deja: { namespace },
          })
          .catch((error: unknown) => {
            if (++errors <= 3) note(`live-quality: question ${i} failed: ${String(error)}`);
            return null;
          });
        const into = i >= stream.length - o.window ? [all, final] : [all];
        // Judged against what was stored before this answer came back (so a question's own miss is not counted).
        const storedBefore = answered.has(meanings.key(asked)) && !seen.has(normalizeQuery(asked));
        for (const c of into) tally(c, asked, job, meanings, storedBefore);
        if (job?.status === 'completed') answered.add(meanings.key(asked));
        seen.add(normalizeQuery(asked));
        const decidedBy = (job?.cache as { decision_model?: string | null } | undefined)?.decision_model;
        if (decidedBy !== undefined) rule = decidedBy ?? 'raw threshold';
        progress.tick(++done);
      }
    };
    await Promise.all(Array.from({ length: o.concurrency }, worker));
  } finally {
    await pipeline.stop();
  }
  return {
    all: withRates(all),
    final_window: withRates(final),
    meta: {
      data: o.data,
      pairs: pairs.length,
      clusters: meanings.count(pairs),
      questions: stream.length,
      window: o.window,
      seed: o.seed,
      zipf: o.zipf,
      rule,
      seconds: Math.round((Date.now() - started) / 1000),
    },
  };
}

function emptyCounts(): Counts {
  return {
    questions: 0,
    hits: 0,
    exact: 0,
    semantic: 0,
    wrong: 0,
    wrong_semantic: 0,
    failed: 0,
    paraphrase_misses: 0,
    wrong_examples: [],
  };
}

function tally(
  c: Counts,
  asked: string,
  job: Awaited<ReturnType<Pipeline['job']>> | null,
  meanings: Meanings,
  paraphraseStored: boolean,
): void {
  c.questions++;
  if (!job || job.status !== 'completed') {
    c.failed++;
    return;
  }
  if (job.cache.outcome !== 'hit') {
    if (paraphraseStored) c.paraphrase_misses++;
    return;
  }
  c.hits++;
  const semantic = job.cache.tier === 'semantic';
  if (semantic) c.semantic++;
  else c.exact++;
  const builtFor = answeredQuestion(job.answer?.content);
  const right = builtFor !== null && (builtFor === asked.slice(0, 300) || meanings.same(builtFor, asked));
  if (!right) {
    c.wrong++;
    if (semantic) c.wrong_semantic++;
    if (c.wrong_examples.length < 100)
      c.wrong_examples.push({
        asked,
        answered_for: builtFor,
        labelled: builtFor !== null && meanings.labelledDifferent(builtFor, asked) ? 'different' : 'unlinked',
      });
  }
}

function withRates(c: Counts): Counts & Rates {
  const answered = c.questions - c.failed;
  return {
    ...c,
    hit_rate: answered ? c.hits / answered : null,
    false_hit_rate: c.hits ? c.wrong / c.hits : null,
    false_hit_interval: c.hits ? wilson(c.wrong, c.hits) : null,
  };
}

/** The 95 % Wilson score interval of k successes in n. */
export function wilson(k: number, n: number): [number, number] {
  const z = 1.96;
  const p = k / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

export function renderLiveQuality(r: LiveQualityResult): string {
  const row = (name: string, c: Counts & Rates) => [
    name,
    String(c.questions),
    pct(c.hit_rate),
    `${c.exact} / ${c.semantic}`,
    `${c.wrong} (${c.wrong_semantic} semantic)`,
    String(c.paraphrase_misses),
    c.false_hit_interval
      ? `${pct(c.false_hit_rate)} [${pct(c.false_hit_interval[0])}, ${pct(c.false_hit_interval[1])}]`
      : '—',
    String(c.failed),
  ];
  return [
    `live quality: ${r.meta.questions} questions, ${r.meta.pairs} pairs, ${r.meta.clusters} meanings, zipf ${r.meta.zipf}, seed ${r.meta.seed}; rule ${r.meta.rule}; ${r.meta.seconds} s`,
    table(
      [
        'questions',
        'n',
        'hit rate',
        'exact / semantic hits',
        'wrong hits',
        'paraphrases missed',
        'labelled false-hit rate [95 %]',
        'failed',
      ],
      [row('all', r.all), row(`last ${r.meta.window}`, r.final_window)],
    ),
  ].join('\n');
}
