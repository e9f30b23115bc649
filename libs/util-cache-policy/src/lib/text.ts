import { sha256Hex } from './canonical-json';

/**
 * Canonical form of prompt text that belongs to the scope (system prompt, earlier turns, tool
 * descriptions). Only differences a model cannot see as meaning are removed:
 * - Unicode canonical equivalence (NFC: composed and decomposed "é" are one character);
 * - line endings (CRLF / CR → LF);
 * - whitespace at the end of a line, and at the start and end of the whole text.
 *
 * Runs of spaces inside a line and blank lines between paragraphs are kept on purpose: they carry
 * indentation in code, YAML and tables, where they change the answer. NFKC is not applied here
 * either: it rewrites "x²" as "x2" and "½" as "12"-looking text. See docs/cache-decisions.md.
 */
export function canonicalPromptText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\f\v\u00a0]+$/gm, '')
    .trim();
}

// Code spans keep case and spacing: `Foo` and `foo` are different identifiers.
const CODE_SPAN = /(```[\s\S]*?```|`[^`\n]+`)/;
// Characters that carry no meaning: zero-width space, word joiner, byte-order mark, soft hyphen.
const INVISIBLE = /[\u200b\u2060\ufeff\u00ad]/g;
// Superscripts and subscripts: NFKC would turn "10²" into "102", merging two different numbers,
// so a run of them is rewritten as "^2" / "_2" first ("x²" and "x^2" do mean the same).
const SUPERSCRIPT_RUN = /[\u00b2\u00b3\u00b9\u2070-\u207f]+/gu;
const SUBSCRIPT_RUN = /[\u2080-\u209c]+/gu;
// Typographic variants a phone keyboard substitutes; NFKC leaves them alone.
const TYPOGRAPHIC: ReadonlyArray<[RegExp, string]> = [
  [/[\u2018\u2019\u201a\u201b\u2032]/g, "'"],
  [/[\u201c\u201d\u201e\u201f\u2033]/g, '"'],
  [/\u2212/g, '-'], // minus sign → hyphen-minus: "−5" and "-5" are the same number
];

/**
 * Normal form of the query for the exact tier. Two texts that normalise alike must ask the same
 * thing, so this only removes differences of presentation:
 * Unicode compatibility forms (NFKC: full-width letters, ligatures, non-breaking spaces),
 * letter case (full case folding, e.g. "ß" ~ "SS"), super/subscripts spelled with `^`/`_`, typographic quotes, invisible characters,
 * whitespace runs, leading/trailing whitespace, and trailing sentence punctuation (`?`, `!`, `.`).
 *
 * What it never touches: digits, signs, decimal points and every character inside the text
 * (only trailing punctuation goes); code spans in backticks (case and spacing are kept); a `!`
 * right after a digit or `)` (a factorial: "5!" is not "5").
 */
export function normalizeQuery(text: string): string {
  const pieces = text.split(CODE_SPAN);
  const out = pieces
    .map((piece, i) => (i % 2 === 1 ? piece : normalizeProse(piece)))
    .join('')
    .trim();
  return stripTrailingPunctuation(out);
}

/** SHA-256 hex of the normalised query: the exact tier's key within a scope. */
export function queryHash(text: string): string {
  return sha256Hex(normalizeQuery(text));
}

function normalizeProse(text: string): string {
  let s = text
    .replace(SUPERSCRIPT_RUN, (run) => `^${run.normalize('NFKC')}`)
    .replace(SUBSCRIPT_RUN, (run) => `_${run.normalize('NFKC')}`)
    .normalize('NFKC')
    .replace(INVISIBLE, '');
  for (const [pattern, replacement] of TYPOGRAPHIC) s = s.replace(pattern, replacement);
  // toUpperCase().toLowerCase() is JavaScript's closest thing to Unicode full case folding
  // (it folds "ß" with "SS" and final sigma with sigma); both calls are locale-independent.
  s = s.toUpperCase().toLowerCase().normalize('NFKC');
  return s.replace(/\s+/gu, ' ');
}

function stripTrailingPunctuation(text: string): string {
  if (text.endsWith('`')) return text;
  const match = /[\s?!.\u3002]+$/u.exec(text);
  if (!match) return text;
  const head = text.slice(0, match.index);
  const run = match[0];
  // "5!" is a factorial and "(n+1)!" too: keep the first "!" when it touches a digit or ")".
  if (run.startsWith('!') && /[0-9)]$/.test(head)) return `${head}!`;
  return head;
}
