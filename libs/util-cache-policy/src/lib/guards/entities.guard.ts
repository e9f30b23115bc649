import type { Guard, GuardVerdict } from './guard';
import { PASS } from './guard';
import type { Token } from './tokenize';
import { STOPWORDS, tokenize } from './tokenize';

// A number with a unit or suffix glued on ("5th", "1990s", "16GB") is the numbers guard's job.
const NUMBER_WITH_SUFFIX =
  /^\d+(?:[.,]\d+)*(?:st|nd|rd|th|s|k|m|b|x|am|pm|px|kb|mb|gb|tb|ms|hz|ghz|mhz|kg|g|mg|km|cm|mm|ml|l|mph|kmh|fps|mp|p)$/i;

/** Letters and digits only, lower-cased: "Node.js", "node-js" and "NodeJS" are one name. */
function squash(word: string): string {
  return word
    .toLowerCase()
    .replace(/'s$/, '')
    .replace(/[^\p{L}\p{N}+#]/gu, '');
}

function casing(tokens: readonly Token[]): { titleCase: boolean; allCaps: boolean } {
  const alpha = tokens.filter((t) => !t.code && /^\p{L}{2,}$/u.test(t.raw));
  if (alpha.length < 3) return { titleCase: false, allCaps: false };
  const upperInitial = alpha.filter((t) => /^\p{Lu}/u.test(t.raw)).length;
  const allUpper = alpha.filter((t) => t.raw === t.raw.toUpperCase()).length;
  return { titleCase: upperInitial / alpha.length >= 0.6, allCaps: allUpper / alpha.length >= 0.6 };
}

/** Names a text mentions: proper nouns, products, acronyms, identifiers, model and version names. */
export function extractEntities(text: string, otherText = ''): string[] {
  const tokens = tokenize(text);
  const { titleCase, allCaps } = casing(tokens);
  // A word written capitalised mid-sentence in either text is a name even where it starts a sentence.
  const namedMidSentence = new Set(
    [...tokens, ...tokenize(otherText)]
      .filter((t) => !t.sentenceInitial && /^\p{Lu}\p{Ll}/u.test(t.raw))
      .map((t) => t.lower),
  );
  const out: string[] = [];
  for (const t of tokens) {
    if (t.code) {
      out.push(t.raw);
      continue;
    }
    if (STOPWORDS.has(t.lower) || NUMBER_WITH_SUFFIX.test(t.raw) || /^[\d.,:-]+$/.test(t.raw)) continue;
    const shaped =
      /\p{Ll}\p{Lu}/u.test(t.raw) || // camelCase, iPhone
      (/\p{L}/u.test(t.raw) && /\p{N}/u.test(t.raw)) || // gpt4o, mp3, python3.11
      /[\p{L}\p{N}][._][\p{L}\p{N}]/u.test(t.raw) || // os.path, snake_case, node.js
      /(?:\+\+|#)$/.test(t.raw) || // C++, C#
      (!allCaps && t.raw.length >= 2 && /^[\p{Lu}\p{N}&]+$/u.test(t.raw) && /\p{Lu}/u.test(t.raw) && t.raw !== 'I');
    const capitalised =
      !titleCase && !allCaps && /^\p{Lu}\p{Ll}/u.test(t.raw) && (!t.sentenceInitial || namedMidSentence.has(t.lower));
    if (shaped || capitalised) out.push(t.lower);
  }
  return out;
}

/**
 * Same word up to an ending or an abbreviation: "Google"/"Googling", "India"/"Indian",
 * "Pak"/"Pakistan", "Sept"/"September". (Look-alike names such as Java/JavaScript are the
 * categories guard's job.)
 */
function sameStem(a: string, b: string): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length >= 3 && long.startsWith(short)) return true;
  if (short.length < 5) return false;
  let common = 0;
  while (common < short.length && short[common] === long[common]) common += 1;
  return common === short.length || common >= Math.max(5, Math.ceil(0.75 * short.length));
}

/** Initials of runs of capitalised words ("United States of America" → "usa", "us"). */
function spelledAcronyms(tokens: readonly Token[]): Set<string> {
  const out = new Set<string>();
  const caps = tokens.filter((t) => !t.code);
  for (let i = 0; i < caps.length; i += 1) {
    let initials = '';
    for (let j = i; j < caps.length && j < i + 8; j += 1) {
      const t = caps[j];
      if (j > i && CONNECTOR.test(t.raw)) continue;
      if (!/^\p{Lu}/u.test(t.raw)) break;
      initials += t.lower[0];
      if (initials.length >= 2) out.add(initials);
    }
  }
  return out;
}

/** Whether `entity` appears in `tokens`, alone or spelled across two or three adjacent tokens. */
function mentioned(
  entity: string,
  squashed: readonly string[],
  rawCode: ReadonlySet<string>,
  acronyms: ReadonlySet<string>,
): boolean {
  if (entity.startsWith('`')) return rawCode.has(entity);
  const target = squash(entity);
  if (target.length === 0 || acronyms.has(target)) return true;
  for (let i = 0; i < squashed.length; i += 1) {
    if (sameStem(target, squashed[i])) return true;
    let joined = '';
    for (let j = i; j < Math.min(i + 3, squashed.length); j += 1) {
      joined += squashed[j];
      if (joined === target || joined === `${target}s` || `${joined}s` === target) return true;
    }
  }
  return false;
}

function unmatched(entities: readonly string[], own: string, other: string): string[] {
  const tokens = tokenize(other);
  const squashed = tokens.map((t) => squash(t.code ? t.raw.slice(1, -1) : t.raw));
  const code = new Set(tokens.filter((t) => t.code).map((t) => t.raw));
  // "USA" on one side is matched by "United States of America" on the other, and vice versa.
  const otherAcronyms = spelledAcronyms(tokens);
  const otherNames = new Set(squashed);
  const ownTokens = tokenize(own);
  const coveredByAcronym = new Set<string>();
  for (let i = 0; i < ownTokens.length; i += 1) {
    for (let len = 2; len <= 6 && i + len <= ownTokens.length; len += 1) {
      const run = ownTokens.slice(i, i + len);
      if (isCapitalisedRun(run) && otherNames.has(initialsOf(run))) {
        for (const t of run) coveredByAcronym.add(t.lower);
      }
    }
  }
  return [...new Set(entities)].filter((e) => !coveredByAcronym.has(e) && !mentioned(e, squashed, code, otherAcronyms));
}

const CONNECTOR = /^(?:of|the|and|for|&)$/i;

function isCapitalisedRun(run: readonly Token[]): boolean {
  return run.every((t, i) => /^\p{Lu}/u.test(t.raw) || (i > 0 && i < run.length - 1 && CONNECTOR.test(t.raw)));
}

function initialsOf(run: readonly Token[]): string {
  return run
    .filter((t, i) => i === 0 || !CONNECTOR.test(t.raw))
    .map((t) => t.lower[0])
    .join('');
}

/**
 * Different names: each text names something the other does not mention at all ("install Node
 * on Ubuntu" vs "install Node on macOS", "GPT-4o" vs "Claude", `useState` vs `useEffect`). A
 * name present on one side only (a more specific question) is left to the threshold: only a
 * substitution is vetoed. Case is not trusted in Title Case or ALL CAPS text, nor for the first
 * word of a sentence.
 */
export const entitiesGuard: Guard = {
  name: 'entities',
  description: 'each side names an entity, product, identifier or model the other does not mention',
  check(query: string, candidate: string): GuardVerdict {
    const onlyQuery = unmatched(extractEntities(query, candidate), query, candidate);
    if (onlyQuery.length === 0) return PASS;
    const onlyCandidate = unmatched(extractEntities(candidate, query), candidate, query);
    if (onlyCandidate.length === 0) return PASS;
    return {
      ok: false,
      guard: 'entities',
      detail: `different names: query has [${onlyQuery.join(', ')}], cached has [${onlyCandidate.join(', ')}]`,
    };
  },
};
