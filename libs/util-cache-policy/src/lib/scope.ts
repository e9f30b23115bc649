import type { ChatMessage, RequestV1, ToolDefinition } from '@deja/contracts';
import { canonicalJson, sha256Hex } from './canonical-json';
import { canonicalPromptText, exactQueryForm, MAX_SEMANTIC_QUERY_CHARS } from './text';

/**
 * Version of the scope layout and of the query normal form. It is part of every scope, so a
 * change to canonicalisation starts a fresh key space instead of colliding with old keys.
 */
export const CACHE_KEY_VERSION = 2;

/** Versions current at lookup time, read from the version tables just before the lookup. */
export interface VersionsAtLookup {
  namespaceVersion: number;
  /** Current version per document id; a document never changed may be absent (version 0). */
  docVersions: Readonly<Record<string, number>>;
}

/** Why a request can be neither served from nor stored in the cache. */
export type NotCacheableReason = 'personal_without_user' | 'stale_document_version';

type Canonical = string | number | boolean | null | Canonical[] | { [key: string]: Canonical };

/** The canonical scope: every field that decides whether a stored answer may serve a request. */
export interface CacheScope {
  v: number;
  tenant: string;
  provider: string;
  model: string;
  system: string[];
  tools: Canonical[];
  tool_choice: Canonical;
  response_format: Canonical;
  params: Canonical;
  /** Provider fields that change the answer (`reasoning_effort`, `output_config`, …); absent when none. */
  provider_params?: Canonical;
  namespace: string;
  namespace_version: number;
  /** [doc id, version] sorted by id. */
  docs: Array<[string, number]>;
  /** Every message before the final user message, tool calls and results included. */
  history: Canonical[];
  /** Parts of the final user message marked `cacheable` (stable blocks such as a document). */
  final_context: string[];
  /** The final user message's participant name, when it has one. */
  final_name?: string;
  /** Set only for personal answers. */
  user: string | null;
}

export type ScopeResult =
  | {
      cacheable: true;
      scope: CacheScope;
      /** sha256 hex of the canonical JSON of `scope`. */
      scopeHash: string;
      namespaceVersion: number;
      /** The versions this answer depends on; a stored entry records them. */
      docVersions: Record<string, number>;
    }
  | { cacheable: false; reason: NotCacheableReason; detail: string };

/**
 * Derives the scope of a request: the hard filter an answer must match exactly before any
 * similarity is considered. Differences that cannot change the answer (JSON key order, document
 * order, line endings and trailing whitespace in prompts, a string versus one text part) do not
 * change it; everything else does. See docs/cache-decisions.md for each choice.
 */
export function deriveScope(request: RequestV1, versions: VersionsAtLookup): ScopeResult {
  const { cache } = request;
  const chat = request.request;
  assertVersion('namespaceVersion', versions.namespaceVersion);

  if (cache.personal && !cache.user) {
    return {
      cacheable: false,
      reason: 'personal_without_user',
      detail: 'the request is marked personal but names no user, so no scope can keep its answer private',
    };
  }

  const docList = scopedDocuments(cache.context_docs, versions.docVersions);
  if (!Array.isArray(docList)) return docList;

  const { history, final } = splitConversation(chat.messages);
  const scope: CacheScope = {
    v: CACHE_KEY_VERSION,
    tenant: request.tenant,
    provider: chat.provider,
    model: chat.model,
    system: textParts(chat.system),
    tools: (chat.tools ?? []).map(canonicalTool),
    tool_choice: toCanonical(chat.tool_choice),
    response_format: toCanonical(chat.response_format),
    params: canonicalParams(chat.params),
    // Left out when empty, so requests without such fields keep the scope hashes they always had.
    provider_params: isEmpty(chat.provider_params) ? undefined : toCanonical(chat.provider_params),
    namespace: cache.namespace,
    namespace_version: versions.namespaceVersion,
    docs: docList,
    history: history.map(canonicalMessage),
    final_context: final ? finalContextParts(final) : [],
    final_name: final?.name,
    user: cache.personal ? (cache.user ?? null) : null,
  };
  return {
    cacheable: true,
    scope,
    scopeHash: sha256Hex(canonicalJson(scope)),
    namespaceVersion: versions.namespaceVersion,
    docVersions: Object.fromEntries(docList),
  };
}

/**
 * The documents an answer depends on, each at the version it was built from, sorted by id; not
 * cacheable when the request was built from an older version than the one we know.
 */
function scopedDocuments(
  contextDocs: RequestV1['cache']['context_docs'],
  known: VersionsAtLookup['docVersions'],
): Array<[string, number]> | Extract<ScopeResult, { cacheable: false }> {
  const docs = new Map<string, number>();
  for (const doc of contextDocs) {
    const current = known[doc.id] ?? 0;
    assertVersion(`docVersions[${doc.id}]`, current);
    if (doc.version !== undefined && doc.version < current) {
      return {
        cacheable: false,
        reason: 'stale_document_version',
        detail: `document ${JSON.stringify(doc.id)} is at version ${current} but the request was built from version ${doc.version}`,
      };
    }
    // A declared version ahead of ours means the change event has not reached us yet: the answer
    // is built from the newer content, so it is scoped to that version.
    const effective = doc.version ?? current;
    docs.set(doc.id, Math.max(effective, docs.get(doc.id) ?? 0));
  }
  return [...docs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The text that is embedded for the semantic tier: the final user message, less parts marked
 * `cacheable` (those are stable context and belong to the scope). Empty when the conversation does
 * not end with a user message (e.g. it ends with a tool result): such a request has no question
 * to compare, only the exact tier applies.
 */
export function queryText(request: RequestV1): string {
  const { final } = splitConversation(request.request.messages);
  if (!final) return '';
  if (typeof final.content === 'string') return final.content;
  return final.content
    .filter((part) => !part.cacheable)
    .map((part) => part.text)
    .join('\n');
}

/** Everything the lookup needs to find and later store an entry. */
export type CacheKeys =
  | (Extract<ScopeResult, { cacheable: true }> & {
      queryText: string;
      normalizedQuery: string;
      queryHash: string;
      /**
       * False when there is no question text to embed, or it is longer than
       * {@link MAX_SEMANTIC_QUERY_CHARS}: only the exact tier may answer.
       */
      semanticEligible: boolean;
      /** Key for deja.misses.v1: identical misses land on one partition and can be coalesced. */
      missKey: string;
    })
  | Extract<ScopeResult, { cacheable: false }>;

/** `deriveScope` plus the query keys, in one call. */
export function deriveCacheKeys(request: RequestV1, versions: VersionsAtLookup): CacheKeys {
  const scoped = deriveScope(request, versions);
  if (!scoped.cacheable) return scoped;
  const text = queryText(request);
  const normalized = exactQueryForm(text);
  // Not queryHash(text): it would normalise again.
  const qHash = sha256Hex(normalized);
  return {
    ...scoped,
    queryText: text,
    normalizedQuery: normalized,
    queryHash: qHash,
    semanticEligible: normalized.length > 0 && text.length <= MAX_SEMANTIC_QUERY_CHARS,
    missKey: `${scoped.scopeHash}:${qHash}`,
  };
}

function splitConversation(messages: readonly ChatMessage[]): {
  history: readonly ChatMessage[];
  final: ChatMessage | null;
} {
  const last = messages[messages.length - 1];
  if (last && last.role === 'user' && !last.tool_call_id) return { history: messages.slice(0, -1), final: last };
  return { history: messages, final: null };
}

function textParts(content: ChatMessage['content'] | undefined): string[] {
  if (content === undefined) return [];
  const parts = typeof content === 'string' ? [content] : content.map((part) => part.text);
  return parts.map(canonicalPromptText).filter((text) => text.length > 0);
}

function finalContextParts(final: ChatMessage): string[] {
  if (typeof final.content === 'string') return [];
  return final.content
    .filter((part) => part.cacheable)
    .map((part) => canonicalPromptText(part.text))
    .filter((text) => text.length > 0);
}

function canonicalMessage(message: ChatMessage): Canonical {
  return {
    role: message.role,
    content: textParts(message.content),
    tool_calls: (message.tool_calls ?? []).map((call) => ({
      id: call.id,
      name: call.name,
      arguments: canonicalArguments(call.arguments),
    })),
    tool_call_id: message.tool_call_id ?? null,
    // Only when set: messages without them keep their earlier canonical form (and scope hashes).
    ...(message.name === undefined ? {} : { name: message.name }),
    ...(message.is_error === undefined ? {} : { is_error: message.is_error }),
  };
}

function canonicalTool(tool: ToolDefinition): Canonical {
  return {
    name: tool.name,
    description: tool.description === undefined ? null : canonicalPromptText(tool.description),
    parameters: toCanonical(tool.parameters),
    // Only when set: tools without them keep their earlier canonical form (and scope hashes).
    ...(tool.strict === undefined ? {} : { strict: tool.strict }),
    ...(isEmpty(tool.options) ? {} : { options: toCanonical(tool.options) }),
  };
}

function isEmpty(fields: Readonly<Record<string, unknown>> | undefined): boolean {
  return fields === undefined || Object.keys(fields).length === 0;
}

/** Tool-call arguments are JSON text: parsed so key order and spacing do not matter. */
function canonicalArguments(args: string): Canonical {
  try {
    return { json: toCanonical(JSON.parse(args)) };
  } catch {
    return { raw: args };
  }
}

function canonicalParams(params: RequestV1['request']['params']): Canonical {
  const { stop, ...rest } = params;
  // Generation stops at whichever stop sequence comes first: their order and repeats do not matter.
  const stops = stop === undefined ? undefined : [...new Set(stop)].sort();
  return toCanonical({ ...rest, stop: stops });
}

/** A JSON value rebuilt from its canonical text, so key order is fixed; undefined → null. */
function toCanonical(value: unknown): Canonical {
  if (value === undefined) return null;
  return JSON.parse(canonicalJson(value)) as Canonical;
}

function assertVersion(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${String(value)}`);
  }
}
