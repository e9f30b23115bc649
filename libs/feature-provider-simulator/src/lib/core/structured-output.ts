import { seededRandom } from './hash';

/** What the simulated model produces: text, a call of one of the request's tools, or JSON. */
export type OutputPlan =
  | { readonly kind: 'text' }
  | { readonly kind: 'tool'; readonly name: string; readonly schema: unknown }
  | { readonly kind: 'json'; readonly schema: unknown | null };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const MAX_DEPTH = 8;

/**
 * A JSON value that satisfies `schema` (the JSON Schema subset tool and structured-output
 * schemas use: type, properties, required, items, enum, const, anyOf/oneOf/allOf, $ref to
 * $defs/definitions, numeric and length bounds), chosen deterministically from `seed`. Strings
 * carry the `[sim:…]` tag where the schema leaves them free, so a reader can tell the value is
 * simulated. Not a validator: an unsatisfiable schema still gets a best-effort value.
 */
export function valueForSchema(schema: unknown, seed: string, tag: string): Json {
  const random = seededRandom(seed);
  const root = isObject(schema) ? schema : {};
  return generate(root, root, random, tag, 'value', 0);
}

function generate(
  schema: Record<string, unknown>,
  root: Record<string, unknown>,
  random: () => number,
  tag: string,
  name: string,
  depth: number,
): Json {
  const s = resolveRef(schema, root);
  if ('const' in s) return s['const'] as Json;
  if (Array.isArray(s['enum']) && s['enum'].length > 0)
    return s['enum'][Math.floor(random() * s['enum'].length)] as Json;
  const choices = (s['anyOf'] ?? s['oneOf']) as unknown;
  if (Array.isArray(choices) && choices.length > 0) {
    // The first non-null branch: a nullable field still gets a value a reader can see.
    const branch = choices.find((c) => isObject(c) && c['type'] !== 'null') ?? choices[0];
    return generate(isObject(branch) ? branch : {}, root, random, tag, name, depth + 1);
  }
  if (Array.isArray(s['allOf'])) {
    const merged = Object.assign({}, ...s['allOf'].filter(isObject).map((p) => resolveRef(p, root)), s);
    delete merged['allOf'];
    return generate(merged, root, random, tag, name, depth + 1);
  }
  const type = pickType(s);
  if (depth > MAX_DEPTH) return type === 'object' ? {} : type === 'array' ? [] : null;
  switch (type) {
    case 'object':
      return objectValue(s, root, random, tag, depth);
    case 'array': {
      const min = numberOr(s['minItems'], 1);
      const max = numberOr(s['maxItems'], Math.max(min, 2));
      const count = Math.min(max, Math.max(min, 1));
      const items = isObject(s['items']) ? s['items'] : {};
      return Array.from({ length: count }, (_, i) => generate(items, root, random, tag, `${name}${i}`, depth + 1));
    }
    case 'integer':
    case 'number':
      return numberValue(s, type, random);
    case 'boolean':
      return random() < 0.5;
    case 'null':
      return null;
    default:
      return stringValue(s, tag, name);
  }
}

function objectValue(
  s: Record<string, unknown>,
  root: Record<string, unknown>,
  random: () => number,
  tag: string,
  depth: number,
): Json {
  const properties = isObject(s['properties']) ? s['properties'] : {};
  const out: { [key: string]: Json } = {};
  // Every declared property: strict schemas require all of them, and optional ones do no harm.
  for (const [key, sub] of Object.entries(properties))
    out[key] = generate(isObject(sub) ? sub : {}, root, random, tag, key, depth + 1);
  for (const key of Array.isArray(s['required']) ? s['required'] : [])
    if (typeof key === 'string' && !(key in out)) out[key] = `simulated ${key} [sim:${tag}]`;
  return out;
}

/** A number inside the bounds (exclusive ones strictly inside); integers when asked for. */
function numberValue(s: Record<string, unknown>, type: string, random: () => number): number {
  const exclusiveLo = typeof s['exclusiveMinimum'] === 'number';
  const exclusiveHi = typeof s['exclusiveMaximum'] === 'number';
  const lo = numberOr(s['minimum'], numberOr(s['exclusiveMinimum'], 0));
  const hi = numberOr(s['maximum'], numberOr(s['exclusiveMaximum'], lo + 100));
  if (type === 'integer') {
    const first = exclusiveLo ? Math.floor(lo) + 1 : Math.ceil(lo);
    const last = exclusiveHi ? Math.ceil(hi) - 1 : Math.floor(hi);
    return last < first ? first : first + Math.floor(random() * (last - first + 1));
  }
  // Strictly between the bounds, so exclusive bounds hold too; two decimals keep it readable.
  const value = lo + (hi - lo) * (0.25 + 0.5 * random());
  return Math.round(value * 100) / 100;
}

function stringValue(s: Record<string, unknown>, tag: string, name: string): string {
  switch (s['format']) {
    case 'date':
      return '2026-01-01';
    case 'date-time':
      return '2026-01-01T00:00:00Z';
    case 'email':
      return 'simulated@example.com';
    case 'uri':
    case 'url':
      return 'https://example.com/simulated';
    case 'uuid':
      return '00000000-0000-4000-8000-000000000000';
  }
  let text = `simulated ${name} [sim:${tag}]`;
  const min = numberOr(s['minLength'], 0);
  const max = numberOr(s['maxLength'], Number.POSITIVE_INFINITY);
  while (text.length < min) text += ' x';
  if (text.length > max) text = `[sim:${tag}]`.slice(0, max).padEnd(Math.min(min, max), 'x');
  return text;
}

function pickType(s: Record<string, unknown>): string {
  const t = s['type'];
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return (t.find((x) => x !== 'null') as string | undefined) ?? 'null';
  if (isObject(s['properties'])) return 'object';
  if (s['items'] !== undefined) return 'array';
  return 'string';
}

function resolveRef(s: Record<string, unknown>, root: Record<string, unknown>): Record<string, unknown> {
  const ref = s['$ref'];
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return s;
  let target: unknown = root;
  for (const part of ref.slice(2).split('/')) target = isObject(target) ? target[part] : undefined;
  return isObject(target) ? { ...target, ...withoutRef(s) } : withoutRef(s);
}

function withoutRef(s: Record<string, unknown>): Record<string, unknown> {
  const { $ref: _ref, ...rest } = s;
  return rest;
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface NamedTool {
  readonly name: string;
  readonly schema: unknown;
}

/**
 * OpenAI: `tool_choice: "required"` calls the first tool, a named function that one; a
 * `response_format` of `json_object` / `json_schema` answers JSON. `auto` stays text (the
 * simulator is not a model and does not guess when a tool would help).
 */
export function openAIOutputPlan(req: {
  tools?: unknown[];
  tool_choice?: unknown;
  response_format?: unknown;
}): OutputPlan {
  const tools: NamedTool[] = (req.tools ?? []).flatMap((t) => {
    const fn = isObject(t) && isObject(t['function']) ? t['function'] : undefined;
    return fn && typeof fn['name'] === 'string' ? [{ name: fn['name'], schema: fn['parameters'] ?? {} }] : [];
  });
  const choice = req.tool_choice;
  const named = isObject(choice) && isObject(choice['function']) ? choice['function']['name'] : undefined;
  const tool =
    typeof named === 'string' ? tools.find((t) => t.name === named) : choice === 'required' ? tools[0] : undefined;
  if (tool) return { kind: 'tool', ...tool };
  const format = isObject(req.response_format) ? req.response_format : undefined;
  if (format?.['type'] === 'json_object') return { kind: 'json', schema: null };
  if (format?.['type'] === 'json_schema') {
    const js = isObject(format['json_schema']) ? format['json_schema'] : {};
    return { kind: 'json', schema: js['schema'] ?? {} };
  }
  return { kind: 'text' };
}

/**
 * Anthropic: `tool_choice` `{type: "any"}` calls the first tool, `{type: "tool", name}` that one;
 * `output_config.format` `{type: "json_schema", schema}` answers JSON.
 */
export function anthropicOutputPlan(req: {
  tools?: unknown[];
  tool_choice?: unknown;
  output_config?: unknown;
}): OutputPlan {
  const tools: NamedTool[] = (req.tools ?? []).flatMap((t) =>
    isObject(t) && typeof t['name'] === 'string' ? [{ name: t['name'], schema: t['input_schema'] ?? {} }] : [],
  );
  const choice = isObject(req.tool_choice) ? req.tool_choice : undefined;
  const tool =
    choice?.['type'] === 'tool'
      ? tools.find((t) => t.name === choice['name'])
      : choice?.['type'] === 'any'
        ? tools[0]
        : undefined;
  if (tool) return { kind: 'tool', ...tool };
  const format =
    isObject(req.output_config) && isObject(req.output_config['format']) ? req.output_config['format'] : undefined;
  if (format?.['type'] === 'json_schema') return { kind: 'json', schema: format['schema'] ?? {} };
  return { kind: 'text' };
}
