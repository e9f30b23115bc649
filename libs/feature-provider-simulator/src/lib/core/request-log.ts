import type { TokenUsage } from '@deja/util-model-catalog';

export type SimProvider = 'openai' | 'anthropic';

/** One request the simulator received, as `GET /_sim/requests` returns it. */
export interface SimRequestRecord {
  seq: number;
  /** ISO time by the simulator's clock (which tests may have advanced). */
  at: string;
  at_ms: number;
  provider: SimProvider;
  method: string;
  path: string;
  model: string | null;
  stream: boolean;
  /** SHA-256 of the whole prompt (model excluded): equal prompts, equal hashes. */
  prompt_hash: string | null;
  /** Last user message, truncated to 500 characters. */
  last_user_text: string | null;
  prompt_cache_key: string | null;
  /** HTTP status sent; null while a `timeout` fault holds the request. */
  status: number | null;
  fault: string | null;
  error: string | null;
  /** The usage object exactly as returned, in the provider's format. */
  usage: Record<string, unknown> | null;
  /** The same usage, provider-neutral (disjoint counts; see util-model-catalog). */
  tokens: TokenUsage | null;
  ttft_ms: number | null;
}

export interface SimStats {
  requests: number;
  by_path: Record<string, number>;
  by_status: Record<string, number>;
  by_fault: Record<string, number>;
  by_model: Record<string, number>;
  cache_hits: number;
  tokens: { input: number; cache_write: number; cache_read: number; output: number };
  since: string;
}

const TEXT_LIMIT = 500;

function emptyStats(at: string): SimStats {
  return {
    requests: 0,
    by_path: {},
    by_status: {},
    by_fault: {},
    by_model: {},
    cache_hits: 0,
    tokens: { input: 0, cache_write: 0, cache_read: 0, output: 0 },
    since: at,
  };
}

function bump(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

/**
 * Bounded in-memory log of received requests plus running counts. Sequence numbers keep
 * growing across `clear()`, so a reader polling with `since` never sees a number reused.
 */
export class RequestLog {
  private records: SimRequestRecord[] = [];
  private nextSeq = 1;
  private stats: SimStats;

  constructor(
    private readonly limit: number,
    private readonly now: () => number,
  ) {
    this.stats = emptyStats(new Date(now()).toISOString());
  }

  add(record: Omit<SimRequestRecord, 'seq' | 'at' | 'at_ms'>): SimRequestRecord {
    const atMs = this.now();
    const full: SimRequestRecord = {
      ...record,
      last_user_text: record.last_user_text === null ? null : record.last_user_text.slice(0, TEXT_LIMIT),
      seq: this.nextSeq++,
      at: new Date(atMs).toISOString(),
      at_ms: atMs,
    };
    this.records.push(full);
    if (this.records.length > this.limit) this.records.splice(0, this.records.length - this.limit);
    this.count(full);
    return full;
  }

  /** Records with `seq > since`, oldest first. */
  since(seq = 0): SimRequestRecord[] {
    return this.records.filter((r) => r.seq > seq);
  }

  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  snapshot(): SimStats {
    return structuredClone(this.stats);
  }

  /** Forgets records and counts (not the sequence). */
  clear(): void {
    this.records = [];
    this.stats = emptyStats(new Date(this.now()).toISOString());
  }

  private count(r: SimRequestRecord): void {
    const s = this.stats;
    s.requests++;
    bump(s.by_path, r.path);
    bump(s.by_status, r.status === null ? 'none' : String(r.status));
    if (r.fault) bump(s.by_fault, r.fault);
    if (r.model) bump(s.by_model, r.model);
    if (r.tokens) {
      s.tokens.input += r.tokens.input_tokens;
      s.tokens.cache_write += r.tokens.cache_write_tokens;
      s.tokens.cache_read += r.tokens.cache_read_tokens;
      s.tokens.output += r.tokens.output_tokens;
      if (r.tokens.cache_read_tokens > 0) s.cache_hits++;
    }
  }
}
