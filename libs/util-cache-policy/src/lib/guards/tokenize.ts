/** One word-like token of a query, with what the guards need to know about it. */
export interface Token {
  /** As written (after Unicode NFKC and quote normalisation). */
  raw: string;
  lower: string;
  /** First word of the text or of a sentence: its capital letter says nothing about it. */
  sentenceInitial: boolean;
  /** A `code span`: compared exactly, case included. */
  code: boolean;
}

// A code span, or a word: letters/digits/underscore joined by ' . - (can't, os.path, gpt-4o),
// optionally ending in ++ or # (C++, C#).
const TOKEN = /`[^`\n]+`|[\p{L}\p{N}_]+(?:['.-][\p{L}\p{N}_]+)*(?:\+\+|#)?/gu;
const SENTENCE_END = /[.!?:;\n]\s*$/;

/** Splits a query into tokens; cheap enough to run on every candidate. */
export function tokenize(text: string): Token[] {
  const clean = text.normalize('NFKC').replace(/[\u2018\u2019\u201b\u2032]/g, "'");
  const tokens: Token[] = [];
  let last = 0;
  for (const match of clean.matchAll(TOKEN)) {
    const raw = match[0];
    const index = match.index ?? 0;
    const between = clean.slice(last, index);
    const sentenceInitial =
      tokens.length === 0 || SENTENCE_END.test(between) || /^[\s"'([]*$/.test(clean.slice(0, index));
    last = index + raw.length;
    const code = raw.startsWith('`');
    tokens.push({ raw, lower: code ? raw : raw.toLowerCase(), sentenceInitial, code });
  }
  return tokens;
}

/** Lower-cased word forms of a text, for "does the other text mention it at all" checks. */
export function wordSet(tokens: readonly Token[]): Set<string> {
  const set = new Set<string>();
  for (const token of tokens) {
    set.add(token.lower);
    // Possessives and plurals name the same thing: "Google's" ~ "Google", "iPhones" ~ "iPhone".
    const base = token.lower.replace(/'s$/, '');
    set.add(base);
    if (base.length > 3 && base.endsWith('s')) set.add(base.slice(0, -1));
  }
  return set;
}

/**
 * Function words: never entities, never content. Kept short and closed-class (articles,
 * pronouns, auxiliaries, prepositions, conjunctions, question words) so it does not encode any
 * data set's vocabulary.
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a an the this that these those some any each every all both either neither such ' +
    'i me my mine myself we us our ours you your yours he him his she her hers it its they them their theirs ' +
    "i'm i've i'd i'll you're you've he's she's it's we're they're that's there's what's who's how's where's why's when's let's " +
    'am is are was were be been being do does did doing done have has had having ' +
    'can could may might must shall should will would ought ' +
    'of in on at by for with about against between into through during before after above below to from up down out off over under ' +
    'again further then once here there when where why how what which who whom whose ' +
    'and but if or because as until while so than too very just also only own same other ' +
    'more most less least much many few several lot lots ' +
    'get gets got getting make makes made way ways thing things something anything ' +
    'please tell know explain best good better really actually possible ever still even yes ok okay ' +
    'vs versus via per etc'
  ).split(/\s+/),
);
