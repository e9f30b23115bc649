import type { ChatRequest } from '@deja/contracts';
import type { PrefixSegment } from './volatile';
import { stableJson } from './stable-json';

/** A caller breakpoint on a text part, if the part carries one (the Anthropic-compatible path). */
export interface CallerCacheControl {
  type: 'ephemeral';
  ttl?: '5m' | '1h';
}

/** Reads a `cache_control` a caller put on a text part; the neutral contract may not carry it. */
export function callerCacheControl(part: unknown): CallerCacheControl | undefined {
  if (typeof part !== 'object' || part === null) return undefined;
  const cc = (part as { cache_control?: unknown }).cache_control;
  if (typeof cc !== 'object' || cc === null || (cc as { type?: unknown }).type !== 'ephemeral') return undefined;
  const ttl = (cc as { ttl?: unknown }).ttl;
  return ttl === '1h' || ttl === '5m' ? { type: 'ephemeral', ttl } : { type: 'ephemeral' };
}

/**
 * The stretches of a request that belong to the cacheable prefix whatever the provider: the
 * system prompt, the tool definitions and caller-marked cacheable blocks. Volatile content in
 * them defeats prompt caching.
 */
export function cacheablePrefixSegments(req: ChatRequest): PrefixSegment[] {
  const segments: PrefixSegment[] = [];
  if (typeof req.system === 'string') {
    if (req.system.length > 0) segments.push({ where: 'system prompt', text: req.system });
  } else if (req.system) {
    const single = req.system.length === 1;
    req.system.forEach((part, i) =>
      segments.push({ where: single ? 'system prompt' : `system prompt block ${i}`, text: part.text }),
    );
  }
  for (const tool of req.tools ?? []) segments.push({ where: `tool "${tool.name}"`, text: stableJson(tool) });
  req.messages.forEach((message, m) => {
    if (typeof message.content === 'string') return;
    message.content.forEach((part, p) => {
      if (part.cacheable || callerCacheControl(part))
        segments.push({ where: `cacheable block ${p} of message ${m}`, text: part.text });
    });
  });
  return segments;
}
