import { countTokens } from '@deja/util-model-catalog';
import { readPairs, samplePairs, seededRandom, type LabelledPair } from '../lib/pairs';
import { answeredQuestion, Pipeline, type JobView } from '../lib/pipeline';
import { note, pct, Progress, round, table } from '../lib/report';

export interface CostOptions {
  data: string;
  questions: number;
  seed: number;
  databaseUrl: string;
  basePort: number;
  /** Tokens of the support bot's system prompt (the source guide's 4,000). */
  systemTokens?: number;
  model?: string;
}

export interface ModeResult {
  cost_usd: number;
  provider_calls: number;
  hit_rate: number;
  false_hits: number;
  input_tokens: number;
  cache_read_tokens: number;
  output_tokens: number;
}

export type Mode = 'none' | 'prompt_cache' | 'semantic_cache' | 'both';
export const MODES: readonly Mode[] = ['none', 'prompt_cache', 'semantic_cache', 'both'];

export interface CostResult {
  modes: Record<Mode, ModeResult>;
  meta: {
    questions: number;
    kinds: Record<Kind, number>;
    system_tokens: number;
    model: string;
    /** cost_usd of each mode as a share of `none`. */
    cost_vs_none: Record<Mode, number | null>;
    hits_by_kind: Record<Mode, Record<Kind, number>>;
    failed_jobs: Record<Mode, number>;
    /** Simulator calls for questions not in this run (other pipelines' misses on the shared topics). */
    foreign_provider_calls: Record<Mode, number>;
  };
}

type Kind = 'distinct' | 'repeat' | 'paraphrase' | 'near_twin';

interface Question {
  text: string;
  kind: Kind;
  /** Texts whose answer may serve this question (itself, and its label-1 partner). */
  acceptable: Set<string>;
}

/**
 * The support bot's stream: distinct questions (the `text_a` of sampled pairs), then, mixed in,
 * exact repeats of earlier ones, paraphrases (label-1 `text_b` of an earlier `text_a`) and
 * different-meaning near-twins (label-0 `text_b` of an earlier `text_a`). Seeded.
 */
export function buildStream(pairs: readonly LabelledPair[], n: number, seed: number): Question[] {
  const rand = seededRandom(seed);
  const same = samplePairs(
    pairs.filter((p) => p.label === 1),
    Math.ceil(n / 2),
    seed,
  );
  const diff = samplePairs(
    pairs.filter((p) => p.label === 0),
    Math.ceil(n / 2),
    seed + 1,
  );
  const originals: Array<{ pair: LabelledPair; asked: boolean }> = [];
  for (let i = 0; i < Math.max(same.length, diff.length); i++) {
    if (same[i]) originals.push({ pair: same[i], asked: false });
    if (diff[i]) originals.push({ pair: diff[i], asked: false });
  }
  const out: Question[] = [];
  let next = 0;
  const asked: Array<{ pair: LabelledPair; followed: boolean }> = [];
  while (out.length < n) {
    // Follow-ups need an original at least a few questions back; otherwise ask a new one.
    const eligible = asked.slice(0, Math.max(0, asked.length - 3));
    const roll = rand();
    if (eligible.length > 0 && roll < 0.6) {
      const pick = eligible[Math.floor(rand() * eligible.length)];
      const useTwin = roll < 0.4 && !pick.followed;
      if (useTwin) {
        pick.followed = true;
        const kind: Kind = pick.pair.label === 1 ? 'paraphrase' : 'near_twin';
        out.push({
          text: pick.pair.textB,
          kind,
          acceptable: new Set(pick.pair.label === 1 ? [pick.pair.textB, pick.pair.textA] : [pick.pair.textB]),
        });
      } else {
        const a = pick.pair;
        out.push({
          text: a.textA,
          kind: 'repeat',
          acceptable: new Set(a.label === 1 ? [a.textA, a.textB] : [a.textA]),
        });
      }
      continue;
    }
    const o = originals[next++];
    if (!o) break;
    asked.push({ pair: o.pair, followed: false });
    out.push({
      text: o.pair.textA,
      kind: 'distinct',
      acceptable: new Set(o.pair.label === 1 ? [o.pair.textA, o.pair.textB] : [o.pair.textA]),
    });
  }
  return out;
}

/** A support bot's long system prompt of about `tokens` tokens (the simulator's counter). */
export function supportSystemPrompt(tokens: number): string {
  const topics = [
    'billing',
    'refunds',
    'passwords',
    'shipping',
    'returns',
    'warranty',
    'accounts',
    'privacy',
    'subscriptions',
    'outages',
  ];
  const parts = [
    'You are the ACME support assistant. Answer the customer briefly and politely, using only the policies below.',
  ];
  for (let i = 0; countTokens(parts.join('\n')) < tokens; i++) {
    const t = topics[i % topics.length];
    parts.push(
      `Policy ${i + 1} (${t}): when a customer asks about ${t}, first confirm their account email, then explain rule ${i + 1} of the ${t} handbook: requests are handled within ${(i % 5) + 1} business days, escalations go to tier ${(i % 3) + 1}, and every answer cites article ${1000 + i}.`,
    );
  }
  return parts.join('\n');
}

/**
 * The source guide's support bot replayed through the pipeline four ways: no caching, provider
 * prompt caching only, Deja's semantic cache only, both. Provider prompt caching is defeated by
 * clearing the simulator's prompt cache before every request (questions go one at a time).
 */
export async function runCost(o: CostOptions): Promise<CostResult> {
  const model = o.model ?? 'gpt-4o-mini';
  const { pairs } = readPairs(o.data);
  const stream = buildStream(pairs, o.questions, o.seed);
  const system = supportSystemPrompt(o.systemTokens ?? 4000);
  const kinds = { distinct: 0, repeat: 0, paraphrase: 0, near_twin: 0 } as Record<Kind, number>;
  for (const q of stream) kinds[q.kind]++;
  note(
    `cost: ${stream.length} questions (${Object.entries(kinds)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}), system prompt ${countTokens(system)} tokens`,
  );

  const pipeline = new Pipeline({
    databaseUrl: o.databaseUrl,
    basePort: o.basePort,
    simEnv: { SIM_LATENCY_SCALE: '0', SIM_RECORD_LIMIT: '100000' },
  });
  await pipeline.start();
  const modes = {} as Record<Mode, ModeResult>;
  const hitsByKind = {} as Record<Mode, Record<Kind, number>>;
  const failed = {} as Record<Mode, number>;
  const foreign = {} as Record<Mode, number>;
  const mine = new Set(stream.map((q) => q.text.slice(0, 500)));
  try {
    for (const mode of MODES) {
      const namespace = `bench-cost-${mode}-${pipeline.run}`;
      const semantic = mode === 'semantic_cache' || mode === 'both';
      const promptCaching = mode === 'prompt_cache' || mode === 'both';
      await pipeline.simClearCache();
      const since = (await pipeline.simRequests(0)).last_seq;
      const r: ModeResult = {
        cost_usd: 0,
        provider_calls: 0,
        hit_rate: 0,
        false_hits: 0,
        input_tokens: 0,
        cache_read_tokens: 0,
        output_tokens: 0,
      };
      const byKind = { distinct: 0, repeat: 0, paraphrase: 0, near_twin: 0 } as Record<Kind, number>;
      let hits = 0;
      failed[mode] = 0;
      const progress = new Progress(`cost ${mode}`, stream.length, 'questions');
      for (let i = 0; i < stream.length; i++) {
        const q = stream[i];
        if (!promptCaching) await pipeline.simClearCache();
        const job: JobView = await pipeline.job({
          provider: 'openai',
          model,
          system,
          messages: [{ role: 'user', content: q.text }],
          deja: semantic ? { namespace } : { namespace, lookup: false, store: false },
        });
        if (job.status !== 'completed') failed[mode]++;
        r.cost_usd += job.cost?.usd ?? 0;
        r.input_tokens += job.usage?.input_tokens ?? 0;
        r.cache_read_tokens += job.usage?.cache_read_tokens ?? 0;
        r.output_tokens += job.usage?.output_tokens ?? 0;
        if (job.cache?.outcome === 'hit') {
          hits++;
          byKind[q.kind]++;
          const source = answeredQuestion(job.answer?.content);
          const ok = source !== null && [...q.acceptable].some((t) => t.slice(0, 300) === source);
          if (!ok) r.false_hits++;
        }
        progress.tick(i + 1);
      }
      // Only this run's questions: every pipeline on the same Kafka cluster consumes every miss
      // (each has its own consumer groups), so other runs' misses reach this simulator too.
      const log = await pipeline.simRequests(since);
      const calls = log.requests.filter((x) => x.path.includes('/chat/completions'));
      r.provider_calls = calls.filter((x) => x.last_user_text !== undefined && mine.has(x.last_user_text)).length;
      foreign[mode] = calls.length - r.provider_calls;
      r.hit_rate = round(hits / stream.length) ?? 0;
      r.cost_usd = round(r.cost_usd, 6) ?? 0;
      modes[mode] = r;
      hitsByKind[mode] = byKind;
    }
  } finally {
    await pipeline.stop();
  }
  const none = modes.none.cost_usd;
  const costVsNone = Object.fromEntries(
    MODES.map((m) => [m, none > 0 ? round(modes[m].cost_usd / none) : null]),
  ) as Record<Mode, number | null>;
  return {
    modes,
    meta: {
      questions: stream.length,
      kinds,
      system_tokens: countTokens(system),
      model,
      cost_vs_none: costVsNone,
      hits_by_kind: hitsByKind,
      failed_jobs: failed,
      foreign_provider_calls: foreign,
    },
  };
}

export function renderCost(r: CostResult): string {
  return [
    `cost: ${r.meta.questions} questions (${Object.entries(r.meta.kinds)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}), ${r.meta.model}, system prompt ${r.meta.system_tokens} tokens`,
    table(
      [
        'mode',
        'cost USD',
        'vs none',
        'provider calls',
        'hit rate',
        'false hits',
        'input tok',
        'cache-read tok',
        'output tok',
      ],
      MODES.map((m) => {
        const x = r.modes[m];
        return [
          m,
          x.cost_usd.toFixed(4),
          pct(r.meta.cost_vs_none[m]),
          x.provider_calls,
          pct(x.hit_rate),
          x.false_hits,
          x.input_tokens,
          x.cache_read_tokens,
          x.output_tokens,
        ];
      }),
    ),
    `hits by kind — ${MODES.filter((m) => m === 'semantic_cache' || m === 'both')
      .map(
        (m) =>
          `${m}: ${Object.entries(r.meta.hits_by_kind[m])
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}`,
      )
      .join('; ')}`,
    `failed jobs — ${MODES.map((m) => `${m} ${r.meta.failed_jobs[m]}`).join(', ')}; simulator calls from other pipelines on the same Kafka — ${MODES.map((m) => `${m} ${r.meta.foreign_provider_calls[m]}`).join(', ')}`,
  ].join('\n');
}
