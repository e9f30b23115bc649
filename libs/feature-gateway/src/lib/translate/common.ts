import type { z } from 'zod';
import { CacheOptions, type ChatRequest, type ResultV1 } from '@deja/contracts';

/** The neutral request before defaults are applied (what translators produce). */
export type NeutralRequest = z.input<typeof ChatRequest>;
import { GatewayErrorCode, GatewayException, toIssues } from '../gateway.exception';

/** A translated provider request: the neutral request, Deja's options and how to answer. */
export interface TranslatedRequest {
  request: NeutralRequest;
  /** The body's `deja` object, not yet validated (merged with header options later). */
  deja: unknown;
  stream: boolean;
  /** OpenAI `stream_options.include_usage`. */
  includeUsage: boolean;
}

/** A finished job, as the provider encoders need it. */
export interface CompletedAnswer {
  jobId: string;
  model: string;
  result: ResultV1;
}

/** Parses a body against a schema or throws a 400 naming every bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = toIssues(parsed.error.issues, prefix);
    throw new GatewayException(
      GatewayErrorCode.InvalidRequest,
      `invalid request: ${issues
        .slice(0, 3)
        .map((i) => `${i.path}: ${i.message}`)
        .join('; ')}`,
      { issues },
    );
  }
  return parsed.data;
}

export function unsupported(path: string, message: string): GatewayException {
  return new GatewayException(GatewayErrorCode.Unsupported, `${path}: ${message}`, { issues: [{ path, message }] });
}

/**
 * `Cache-Control` request header → cache options: `no-cache` skips the lookup, `no-store` never
 * stores the answer, `max-age=N` sets the TTL of a stored answer.
 */
export function cacheOptionsFromHeader(header: string | undefined): Partial<CacheOptions> {
  const out: Partial<CacheOptions> = {};
  if (!header) return out;
  for (const raw of header.split(',')) {
    const d = raw.trim().toLowerCase();
    if (d === 'no-cache') out.lookup = false;
    else if (d === 'no-store') out.store = false;
    else {
      const m = /^max-age\s*=\s*"?(\d+)"?$/.exec(d);
      if (m) {
        const n = Number(m[1]);
        if (n > 0) out.ttl_seconds = n;
        else out.lookup = false; // max-age=0: nothing cached is fresh enough
      }
    }
  }
  return out;
}

/** Merges header-derived options with the body's `deja` object (the body wins) and validates. */
export function resolveCacheOptions(deja: unknown, header: string | undefined): CacheOptions {
  if (deja !== undefined && (typeof deja !== 'object' || deja === null || Array.isArray(deja))) {
    throw new GatewayException(GatewayErrorCode.InvalidRequest, 'invalid request: deja: must be an object', {
      issues: [{ path: 'deja', message: 'must be an object' }],
    });
  }
  return parseOrThrow(CacheOptions, { ...cacheOptionsFromHeader(header), ...(deja as object | undefined) }, 'deja');
}

/** Normalised stop reasons, whichever provider's vocabulary the pipeline used. */
export type StopKind = 'stop' | 'length' | 'tool_calls' | 'stop_sequence' | 'content_filter';

export function stopKind(finishReason: string): StopKind {
  switch (finishReason) {
    case 'length':
    case 'max_tokens':
      return 'length';
    case 'tool_calls':
    case 'tool_use':
    case 'function_call':
      return 'tool_calls';
    case 'stop_sequence':
      return 'stop_sequence';
    case 'content_filter':
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop';
  }
}

/** Splits text into stream pieces of roughly `size` characters on word boundaries; joined, they are the text. */
export function chunkText(text: string, size = 24): string[] {
  if (text.length === 0) return [];
  const words = text.match(/\S+\s*|\s+/g) ?? [text];
  const chunks: string[] = [];
  let current = '';
  for (const w of words) {
    if (current.length > 0 && current.length + w.length > size) {
      chunks.push(current);
      current = '';
    }
    current += w;
  }
  if (current) chunks.push(current);
  return chunks;
}

/** Provider-format usage reports what this call spent: zero on a hit (the replayed answer's usage is in `saved_usage`). */
export function spentUsage(result: ResultV1): ResultV1['usage'] {
  if (result.cache.outcome === 'hit')
    return { input_tokens: 0, cache_write_tokens: 0, cache_read_tokens: 0, output_tokens: 0 };
  return result.usage;
}

/** One SSE frame. */
export function sseFrame(data: unknown, event?: string): string {
  return `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}
