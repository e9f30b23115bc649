/**
 * Where to put Anthropic `cache_control` breakpoints, decided on an abstract list of prompt
 * blocks (tools → system → messages, the order the provider hashes them in).
 */

export type CacheTtl = '5m' | '1h';

/** One block of the prompt as the provider sees it. */
export interface PrefixBlock {
  readonly section: 'tools' | 'system' | 'messages';
  /** Tokens of this block alone. */
  readonly tokens: number;
  /** Caller-marked stable content (a retrieved document, a long instruction). */
  readonly cacheable?: boolean;
  /** A breakpoint the caller already placed: kept as it is. */
  readonly callerTtl?: CacheTtl;
}

export type BreakpointReason = 'caller' | 'tools' | 'system' | 'cacheable' | 'conversation';

export interface Breakpoint {
  readonly index: number;
  readonly ttl: CacheTtl;
  readonly reason: BreakpointReason;
}

export interface BreakpointOptions {
  /** Shortest prefix the model caches; a breakpoint on a shorter prefix is silently ignored by the provider. */
  readonly minCacheableTokens: number;
  readonly maxBreakpoints: number;
  /** Mark tools and system (long-lived content) with the 1-hour lifetime. */
  readonly longTtlForStatic: boolean;
  /** Index of the last block before the final user turn (the stable conversation prefix), if any. */
  readonly conversationPrefixEnd?: number;
}

export interface BreakpointPlan {
  /** Every breakpoint, caller's and automatic, in block order. */
  readonly breakpoints: readonly Breakpoint[];
  /** Tokens in blocks 0..i. */
  readonly cumulativeTokens: readonly number[];
  readonly warnings: readonly string[];
}

/**
 * Which breakpoint to keep first when slots run out: blocks the caller marked cacheable (the
 * Anthropic-compatible endpoint turns a client's `cache_control` into that mark, and breakpoints
 * must not be dropped on the way to the provider), then by how much they cache — the
 * conversation prefix, the system prompt, the tools.
 */
const PRIORITY: Record<Exclude<BreakpointReason, 'caller'>, number> = {
  cacheable: 0,
  conversation: 1,
  system: 2,
  tools: 3,
};

/**
 * Plans breakpoints: the caller's are kept (the first `maxBreakpoints` of them); the remaining
 * slots go to the last tool, the last system block, caller-marked cacheable blocks and the
 * stable conversation prefix — each only where the cumulative prefix at that block reaches the
 * model's minimum, since a shorter one is not cached and would only waste a slot. 1-hour
 * breakpoints always precede 5-minute ones, as the API requires.
 */
export function planBreakpoints(blocks: readonly PrefixBlock[], options: BreakpointOptions): BreakpointPlan {
  const warnings: string[] = [];
  const cumulativeTokens: number[] = [];
  let total = 0;
  for (const b of blocks) cumulativeTokens.push((total += b.tokens));

  let caller: Breakpoint[] = [];
  blocks.forEach((b, index) => {
    if (b.callerTtl) caller.push({ index, ttl: b.callerTtl, reason: 'caller' });
  });
  if (caller.length > options.maxBreakpoints) {
    warnings.push(
      `${caller.length} cache_control breakpoints given, at most ${options.maxBreakpoints} allowed: the last ${caller.length - options.maxBreakpoints} were removed`,
    );
    caller = caller.slice(0, options.maxBreakpoints);
  }
  const taken = new Set(caller.map((b) => b.index));
  const eligible = (index: number | undefined): index is number =>
    index !== undefined &&
    index >= 0 &&
    index < blocks.length &&
    !taken.has(index) &&
    (cumulativeTokens[index] ?? 0) >= options.minCacheableTokens;

  const candidates = new Map<number, Exclude<BreakpointReason, 'caller'>>();
  const offer = (index: number | undefined, reason: Exclude<BreakpointReason, 'caller'>) => {
    if (!eligible(index)) return;
    const existing = candidates.get(index);
    if (existing === undefined || PRIORITY[reason] < PRIORITY[existing]) candidates.set(index, reason);
  };
  offer(lastIndexOf(blocks, 'tools'), 'tools');
  offer(lastIndexOf(blocks, 'system'), 'system');
  blocks.forEach((b, i) => {
    if (b.cacheable) offer(i, 'cacheable');
  });
  offer(options.conversationPrefixEnd, 'conversation');

  const slots = Math.max(0, options.maxBreakpoints - caller.length);
  const chosen = [...candidates.entries()]
    .sort(([ia, ra], [ib, rb]) => PRIORITY[ra] - PRIORITY[rb] || ib - ia)
    .slice(0, slots)
    .map(([index, reason]): Breakpoint => ({
      index,
      reason,
      ttl: options.longTtlForStatic && (reason === 'tools' || reason === 'system') ? '1h' : '5m',
    }));

  const all = [...caller, ...chosen].sort((a, b) => a.index - b.index);
  return { breakpoints: orderTtls(all, warnings), cumulativeTokens, warnings };
}

function lastIndexOf(blocks: readonly PrefixBlock[], section: PrefixBlock['section']): number | undefined {
  for (let i = blocks.length - 1; i >= 0; i--) if (blocks[i]?.section === section) return i;
  return undefined;
}

/**
 * Makes 1-hour breakpoints precede 5-minute ones without touching the caller's: automatic
 * breakpoints before a caller's 1-hour one become 1-hour, automatic 1-hour ones after any
 * 5-minute one become 5-minute.
 */
function orderTtls(sorted: readonly Breakpoint[], warnings: string[]): Breakpoint[] {
  const lastCaller1h = sorted.reduce((last, b, i) => (b.reason === 'caller' && b.ttl === '1h' ? i : last), -1);
  const out = sorted.map((b, i) => (b.reason !== 'caller' && i < lastCaller1h ? { ...b, ttl: '1h' as const } : b));
  let seenShort = false;
  return out.map((b) => {
    if (b.ttl === '5m') {
      seenShort = true;
      return b;
    }
    if (!seenShort) return b;
    if (b.reason !== 'caller') return { ...b, ttl: '5m' as const };
    warnings.push(
      `caller breakpoint with ttl 1h at block ${b.index} follows a 5m breakpoint: the provider rejects this order`,
    );
    return b;
  });
}
