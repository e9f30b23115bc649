import { countTokens } from '@deja/util-model-catalog';
import { z } from 'zod';
import { invalidRequest } from '../simulator.exception';
import { sha256, stableJson } from './hash';
import { parseBody } from './request-schema';

const CacheControl = z.object({ type: z.literal('ephemeral'), ttl: z.enum(['5m', '1h']).optional() });
const Block = z.looseObject({ type: z.string().min(1), cache_control: CacheControl.nullish() });
const TextBlock = z.looseObject({ type: z.literal('text'), text: z.string(), cache_control: CacheControl.nullish() });

/** The part of an Anthropic Messages request the simulator reads; other fields pass through. */
export const AnthropicMessagesRequest = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().positive(),
  messages: z
    .array(z.looseObject({ role: z.enum(['user', 'assistant']), content: z.union([z.string(), z.array(Block)]) }))
    .min(1),
  system: z.union([z.string(), z.array(TextBlock)]).optional(),
  tools: z.array(z.looseObject({ name: z.string().min(1), cache_control: CacheControl.nullish() })).optional(),
  stream: z.boolean().optional(),
  stop_sequences: z.array(z.string()).optional(),
});
export type AnthropicMessagesRequest = z.infer<typeof AnthropicMessagesRequest>;

export const AnthropicCountTokensRequest = AnthropicMessagesRequest.omit({ max_tokens: true, stream: true });

export type CacheTtl = '5m' | '1h';

/** One cacheable unit in prompt order (tools → system → messages), as the provider sees it. */
export interface PromptBlock {
  readonly where: string;
  readonly tokens: number;
  readonly breakpoint?: CacheTtl;
}

/** A request flattened for prefix caching: `prefixHashes[i]` identifies blocks 0..i exactly. */
export interface FlatPrompt {
  readonly blocks: readonly PromptBlock[];
  readonly prefixHashes: readonly string[];
  /** Tokens in blocks 0..i. */
  readonly cumulativeTokens: readonly number[];
  readonly totalTokens: number;
  /** Hash of the whole prompt (all blocks plus generation-relevant fields). */
  readonly promptHash: string;
}

/** Role marker overhead per message. */
const MESSAGE_OVERHEAD_TOKENS = 3;
/** A fixed estimate for an image: the real count depends on its pixel size. */
const IMAGE_TOKENS = 1_000;

export function parseAnthropicRequest(body: unknown): AnthropicMessagesRequest {
  return parseBody(AnthropicMessagesRequest, body);
}

function withoutCacheControl(block: Record<string, unknown>): Record<string, unknown> {
  const { cache_control: _ignored, ...rest } = block;
  return rest;
}

function blockTokens(block: Record<string, unknown>): number {
  switch (block['type']) {
    case 'text':
      return countTokens(String(block['text'] ?? ''));
    case 'image':
      return IMAGE_TOKENS;
    case 'tool_use':
      return 4 + countTokens(String(block['name'] ?? '')) + countTokens(stableJson(block['input'] ?? {}));
    case 'tool_result': {
      const content = block['content'];
      const inner =
        typeof content === 'string'
          ? countTokens(content)
          : Array.isArray(content)
            ? content.reduce<number>((n, b) => n + blockTokens(b as Record<string, unknown>), 0)
            : 0;
      return 4 + inner;
    }
    case 'thinking':
      return countTokens(String(block['thinking'] ?? ''));
    default:
      return countTokens(stableJson(withoutCacheControl(block)));
  }
}

/**
 * Flattens a request into prompt blocks and checks its breakpoints like the real API: at most
 * `maxBreakpoints` blocks with `cache_control`, and 1-hour breakpoints never after 5-minute ones.
 * A block's identity is its content without `cache_control`, so moving a breakpoint later still
 * matches an earlier prefix.
 */
export function flattenAnthropicPrompt(req: AnthropicMessagesRequest, maxBreakpoints: number): FlatPrompt {
  const blocks: PromptBlock[] = [];
  const identities: string[] = [];
  const add = (
    where: string,
    identity: string,
    tokens: number,
    cc: z.infer<typeof CacheControl> | null | undefined,
  ) => {
    blocks.push(cc ? { where, tokens, breakpoint: cc.ttl ?? '5m' } : { where, tokens });
    identities.push(identity);
  };

  (req.tools ?? []).forEach((tool, i) => {
    const canonical = stableJson(withoutCacheControl(tool));
    add(`tools.${i}`, `tool:${canonical}`, countTokens(canonical), tool.cache_control);
  });
  if (typeof req.system === 'string') {
    if (req.system.length > 0) add('system', `system:${req.system}`, countTokens(req.system), undefined);
  } else {
    (req.system ?? []).forEach((block, i) =>
      add(
        `system.${i}`,
        `system:${stableJson(withoutCacheControl(block))}`,
        countTokens(block.text),
        block.cache_control,
      ),
    );
  }
  req.messages.forEach((message, m) => {
    const content = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
    content.forEach((block, b) => {
      const record = block as Record<string, unknown>;
      const overhead = b === 0 ? MESSAGE_OVERHEAD_TOKENS : 0;
      const identity = `${b === 0 ? `message:${message.role}` : 'block'}:${stableJson(withoutCacheControl(record))}`;
      add(`messages.${m}.content.${b}`, identity, overhead + blockTokens(record), block.cache_control);
    });
  });

  checkBreakpoints(blocks, maxBreakpoints);

  const { prefixHashes, cumulativeTokens } = prefixChain(blocks, identities);
  const promptHash = sha256(prefixHashes.at(-1) ?? '', stableJson(req.stop_sequences ?? []));
  return { blocks, prefixHashes, cumulativeTokens, totalTokens: cumulativeTokens.at(-1) ?? 0, promptHash };
}

/** Each prefix's hash (chained over the block identities) and its tokens so far. */
function prefixChain(
  blocks: readonly PromptBlock[],
  identities: readonly string[],
): { prefixHashes: string[]; cumulativeTokens: number[] } {
  const prefixHashes: string[] = [];
  const cumulativeTokens: number[] = [];
  let hash = '';
  let total = 0;
  identities.forEach((identity, i) => {
    hash = sha256(hash, identity);
    total += blocks[i]?.tokens ?? 0;
    prefixHashes.push(hash);
    cumulativeTokens.push(total);
  });
  return { prefixHashes, cumulativeTokens };
}

function checkBreakpoints(blocks: readonly PromptBlock[], maxBreakpoints: number): void {
  const marked = blocks.filter((b) => b.breakpoint !== undefined);
  if (marked.length > maxBreakpoints) {
    throw invalidRequest(
      `A maximum of ${maxBreakpoints} blocks with cache_control may be provided. Found ${marked.length}.`,
    );
  }
  let seenShort: PromptBlock | undefined;
  for (const block of marked) {
    if (block.breakpoint === '5m') seenShort ??= block;
    else if (seenShort) {
      throw invalidRequest(
        `${block.where}: a cache_control block with ttl='1h' must not come after a block with ttl='5m' (${seenShort.where}).`,
      );
    }
  }
}

/** Text of the last user turn (what the simulated answer echoes). */
export function lastAnthropicUserText(req: AnthropicMessagesRequest): string {
  for (let i = req.messages.length - 1; i >= 0; i--) {
    const message = req.messages[i];
    if (message?.role !== 'user') continue;
    if (typeof message.content === 'string') return message.content;
    const texts = message.content
      .filter((b) => b.type === 'text')
      .map((b) => String((b as Record<string, unknown>)['text'] ?? ''));
    return texts.join('\n');
  }
  return '';
}
