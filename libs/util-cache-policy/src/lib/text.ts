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

// Quoted text keeps its case: 'Is "Hunter" the password' asks about that exact string. Double
// quotes pair anywhere; a single quote opens only after a space or bracket and closes before one,
// so the apostrophes of "don't" and "users'" never open a span.
const QUOTED = /("[^"]*"|(?<=^|[\s([{])'[^']*'(?=$|[\s.,;:!?)\]}]))/u;
const HAS_DIGIT = /\p{N}/u;
const UPPER = /[\p{Lu}\p{Lt}]/u;
const CASED_LETTER = /[\p{Lu}\p{Lt}\p{Ll}]/gu;
// A word without its edge punctuation: letters, digits, marks and joiners inside (can't, os.path).
// A question about the exact characters, where ABCDEF and abcdef (or WhatsApp and whatsapp) are
// different answers. Kept narrow: "capital" alone (of France) or "case" alone (in case) is not one.
const LITERAL_CUE =
  /\b(?:upper[- ]?case|lower[- ]?case|capital letters?|capitali[sz](?:e|es|ed|ing|ation)|case[- ]sensitiv\w*|strings?|passwords?|passphrases?|passcodes?|usernames?|spell(?:ed|ing|s)?|hex)\b/i;
const WORD = /[\p{L}\p{M}\p{N}_]+(?:['.-][\p{L}\p{M}\p{N}_]+)*/gu;

/**
 * Normal form of the query for the exact tier. Two texts that normalise alike must ask the same
 * thing, so this only removes differences of presentation:
 * Unicode compatibility forms (NFKC: full-width letters, ligatures, non-breaking spaces),
 * the case of ordinary words (see {@link foldWord}), super/subscripts spelled with `^`/`_`,
 * typographic quotes, invisible characters, whitespace runs, leading/trailing whitespace, and
 * trailing sentence punctuation (`?`, `!`, `.`).
 *
 * What it never touches: digits, signs, decimal points and every character inside the text
 * (only trailing punctuation goes); code spans in backticks (case and spacing are kept); the case
 * of quoted text, of words with a digit (`Hunter2`, `Q3`), of words with a capital after their
 * first letter (`ABCDEF`, `iPhone`, `getUser`, `U.S.`) and of a lone capital letter inside a
 * sentence (`variable X`); a `!` right after a digit or `)` (a factorial: "5!" is not "5").
 */
export function normalizeQuery(text: string): string {
  const pieces = text.split(CODE_SPAN);
  const out = pieces
    .map((piece, i) => (i % 2 === 1 ? piece : normalizeProse(piece)))
    .join('')
    .trim();
  return stripTrailingPunctuation(out);
}

/**
 * A question longer than this is matched by the exact tier only. The embedding model reads 512
 * tokens (about 2,000 characters of English): past that, text that differs is invisible to the
 * vector, so two long prompts that share their opening would look identical to it; and the
 * decision stage was trained and calibrated on question-length text (its lexical features grow
 * with the length — one 900 KB prompt held an embedding-service's event loop for seconds, and
 * every other tenant's lookup behind it). A long paste is still served when repeated exactly
 * (see {@link exactQueryForm}).
 */
export const MAX_SEMANTIC_QUERY_CHARS = 2000;

/**
 * The exact tier's form of a query. Question-length text: {@link normalizeQuery}. A longer text
 * is a paste (code, a document, a transcript): it keeps its case and spacing, with only
 * {@link canonicalPromptText}'s changes — indentation and case carry meaning there, and
 * normalizeQuery's word-by-word folding costs about half a second per megabyte.
 */
export function exactQueryForm(text: string): string {
  return text.length > MAX_SEMANTIC_QUERY_CHARS ? canonicalPromptText(text) : normalizeQuery(text);
}

/** SHA-256 hex of the query's exact form: the exact tier's key within a scope. */
export function queryHash(text: string): string {
  return sha256Hex(exactQueryForm(text));
}

/**
 * The words of a query whose case matters to what it asks, for the `case` guard (the embedding
 * model is uncased, so only a lexical check sees them): code spans always; and, when the text is
 * about the exact characters (case, strings, passwords, spelling), quoted words and every word
 * the exact tier keeps in its case, that hold a capital (`"Secret"`, `Hunter2`, `ABCDEF`,
 * `iPhone`, a lone `X`). Elsewhere such words are names and acronyms people type either way (`WhatsApp` ~
 * `whatsapp`, `MP4` ~ `mp4`): they do not count here, although the exact tier keeps them apart.
 */
export function caseKeptWords(text: string): string[] {
  const out: string[] = [];
  const literal = LITERAL_CUE.test(text);
  text.split(CODE_SPAN).forEach((piece, i) => {
    if (i % 2 === 1) return out.push(...[...piece.matchAll(WORD)].map((m) => m[0]).filter((w) => UPPER.test(w)));
    presentation(piece)
      .split(QUOTED)
      .forEach((part, j) => {
        for (const { word, sentenceStart } of wordsOf(part, i === 0 && j === 0)) {
          if (!UPPER.test(word)) continue;
          if (literal && (j % 2 === 1 || foldWord(word, sentenceStart) === word)) out.push(word);
        }
      });
  });
  return out;
}

/** Every word of a text (edge punctuation trimmed), for comparison with {@link caseKeptWords}. */
export function queryWords(text: string): string[] {
  return [...presentation(text).matchAll(WORD)].map((m) => m[0]);
}

/**
 * Full case folding: toUpperCase().toLowerCase() is JavaScript's closest thing to Unicode's (it
 * folds "ß" with "SS" and final sigma with sigma); both calls are locale-independent.
 */
export function foldCaseOf(word: string): string {
  return word.toUpperCase().toLowerCase();
}

function presentation(text: string): string {
  let s = text
    .replace(SUPERSCRIPT_RUN, (run) => `^${run.normalize('NFKC')}`)
    .replace(SUBSCRIPT_RUN, (run) => `_${run.normalize('NFKC')}`)
    .normalize('NFKC')
    .replace(INVISIBLE, '');
  for (const [pattern, replacement] of TYPOGRAPHIC) s = s.replace(pattern, replacement);
  return s;
}

function wordsOf(prose: string, startsText: boolean): Array<{ word: string; sentenceStart: boolean }> {
  return [...prose.matchAll(WORD)].map((m) => {
    const before = prose.slice(0, m.index).trimEnd();
    return { word: m[0], sentenceStart: (startsText && before === '') || /[.?!:]$/.test(before) };
  });
}

function normalizeProse(text: string): string {
  let s = presentation(text);
  s = s
    .split(QUOTED)
    .map((piece, i) => (i % 2 === 1 ? piece : foldCase(piece, i === 0)))
    .join('')
    .normalize('NFKC');
  return s.replace(/\s+/gu, ' ');
}

function foldCase(prose: string, startsText: boolean): string {
  return prose.replace(/\S+/gu, (word, offset: number) => {
    const before = prose.slice(0, offset).trimEnd();
    const sentenceStart = (startsText && before === '') || /[.?!:]$/.test(before);
    return foldWord(word, sentenceStart);
  });
}

/**
 * Folds the case of a word only where case cannot change what is asked: lower-case words and
 * capitalised ones ("What", "France": a sentence start or a name typed either way). Kept as
 * typed: words with a digit (passwords, codes, versions: `Hunter2` is not `hunter2`), words with
 * a capital after their first letter (`ABCDEF` vs `abcdef` is a different string; acronyms,
 * identifiers, camelCase), and a lone capital inside a sentence (a variable, a grade) except the
 * pronoun "I". So shouting in ALL CAPS misses the exact tier: the semantic tier still sees it.
 */
function foldWord(word: string, sentenceStart: boolean): string {
  if (HAS_DIGIT.test(word)) return word;
  const cased = word.match(CASED_LETTER) ?? [];
  if (cased.slice(1).some((c) => UPPER.test(c))) return word;
  if (cased.length === 1 && UPPER.test(cased[0]) && !sentenceStart && cased[0] !== 'I') return word;
  return foldCaseOf(word);
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
