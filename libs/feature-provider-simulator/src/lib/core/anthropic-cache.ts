import type { PromptCacheFacts } from '@deja/util-model-catalog';
import type { CacheTtl, FlatPrompt } from './anthropic-prompt';
import type { Clock } from './clock';
import { sha256 } from './hash';
import { PrefixCacheStore } from './prefix-cache-store';

/** Usage as the Anthropic API reports it; the three input counts add up to the whole prompt. */
export interface AnthropicCacheUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
}

/** What one request reads and writes; `commit` applies the writes. */
export interface AnthropicCachePlan {
  readonly usage: AnthropicCacheUsage;
  /** Index of the block whose prefix was read, or -1. */
  readonly readBlock: number;
  /** Breakpoints long enough to cache, with their lifetimes. */
  readonly writes: ReadonlyArray<{ block: number; ttl: CacheTtl }>;
  readonly scope: string;
  readonly prompt: FlatPrompt;
  readonly facts: PromptCacheFacts;
}

/**
 * Anthropic's explicit prompt cache, as documented:
 * - only prefixes ending at a `cache_control` breakpoint are written; a prefix shorter than the
 *   model's minimum is silently not cached;
 * - a read takes the longest prefix already cached, checking each breakpoint and up to
 *   `lookbackBlocks` block boundaries before it;
 * - entries live 5 minutes (`ttl: "1h"`: 1 hour), and each hit starts that lifetime again;
 * - caches are per organisation (here: per API key) and per model;
 * - an entry is usable only once the response that wrote it has started (`availableAt`).
 */
export class AnthropicPromptCache {
  private readonly store: PrefixCacheStore;

  constructor(
    private readonly clock: Clock,
    maxEntries = 100_000,
  ) {
    this.store = new PrefixCacheStore(maxEntries);
  }

  plan(input: { scope: string; model: string; prompt: FlatPrompt; facts: PromptCacheFacts }): AnthropicCachePlan {
    const { prompt, facts } = input;
    const scope = sha256(input.scope, input.model);
    const now = this.clock.now();
    const breakpoints = prompt.blocks.flatMap((b, i) => (b.breakpoint ? [{ block: i, ttl: b.breakpoint }] : []));

    let readBlock = -1;
    for (const { block } of breakpoints) {
      for (let i = block; i >= Math.max(0, block - facts.lookbackBlocks) && i > readBlock; i--) {
        if (this.store.lookup(this.key(scope, prompt, i), now)) {
          readBlock = i;
          break;
        }
      }
    }
    const tokensThrough = (i: number) => (i < 0 ? 0 : (prompt.cumulativeTokens[i] ?? 0));
    const read = tokensThrough(readBlock);
    const writes =
      facts.mode === 'explicit'
        ? breakpoints.filter(({ block }) => tokensThrough(block) >= facts.minCacheableTokens)
        : [];
    const newWrites = writes.filter(({ block }) => block > readBlock);
    const lastWrite = Math.max(readBlock, ...newWrites.map((w) => w.block));
    const lastLongWrite = Math.max(readBlock, ...newWrites.filter((w) => w.ttl === '1h').map((w) => w.block));
    const created = tokensThrough(lastWrite) - read;
    const created1h = tokensThrough(lastLongWrite) - read;
    return {
      usage: {
        input_tokens: prompt.totalTokens - read - created,
        cache_creation_input_tokens: created,
        cache_read_input_tokens: read,
        cache_creation: { ephemeral_5m_input_tokens: created - created1h, ephemeral_1h_input_tokens: created1h },
      },
      readBlock,
      writes,
      scope,
      prompt,
      facts,
    };
  }

  /** Refreshes the entry that was read and writes every breakpoint, usable from `availableAt`. */
  commit(plan: AnthropicCachePlan, availableAt: number): void {
    const now = this.clock.now();
    if (plan.readBlock >= 0) this.store.touch(this.key(plan.scope, plan.prompt, plan.readBlock), now);
    for (const { block, ttl } of plan.writes) {
      const ttlMs = ttl === '1h' ? plan.facts.extendedTtlMs : plan.facts.defaultTtlMs;
      this.store.put(
        this.key(plan.scope, plan.prompt, block),
        { ttlMs, maxAgeMs: plan.facts.maxAgeMs, availableAt, tokens: plan.prompt.cumulativeTokens[block] ?? 0 },
        now,
      );
    }
  }

  size(): number {
    return this.store.size(this.clock.now());
  }

  clear(): void {
    this.store.clear();
  }

  private key(scope: string, prompt: FlatPrompt, block: number): string {
    return `${scope}:${prompt.prefixHashes[block] ?? ''}`;
  }
}
