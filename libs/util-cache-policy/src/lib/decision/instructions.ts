import { tokenize } from '../guards/tokenize';

/**
 * Instructions that ride along with a question ("… Answer in French.", "… Be wrong.", "Keep it
 * short.") change which answer is right while barely moving the sentence embedding: the question
 * dominates the vector. They are found structurally — a clause after the question that starts
 * with an imperative verb, or a reply-language / length constraint anywhere — from closed lists
 * of general English, not from any data set's vocabulary.
 */

/** Verbs that open an instruction to the answerer when they start a clause. */
const IMPERATIVES = new Set(
  (
    'answer reply respond write rewrite rephrase explain describe summarize summarise translate list give provide ' +
    'show tell say use format return output include keep make be act pretend imagine ignore forget avoid ' +
    "don't dont do limit add spell cite elaborate focus assume start begin end speak talk think consider remember " +
    'skip omit put mention exclude only always never stop answer use respond'
  ).split(/\s+/),
);
/** Words that may precede the verb without changing that it is an instruction. */
const LEAD_INS = new Set(['please', 'and', 'also', 'now', 'then', 'but', 'just', 'kindly', 'pls', 'plz']);
/** Human languages an answer can be asked to be written in (a closed class). */
const LANGUAGES = new Set(
  (
    'english french spanish german italian portuguese dutch russian chinese mandarin cantonese japanese korean ' +
    'arabic hindi bengali urdu turkish polish ukrainian greek hebrew swedish norwegian danish finnish czech ' +
    'hungarian romanian vietnamese thai indonesian malay tagalog persian farsi swahili latin'
  ).split(/\s+/),
);
const UNITS_OF_LENGTH = new Set([
  'word',
  'words',
  'sentence',
  'sentences',
  'paragraph',
  'paragraphs',
  'line',
  'lines',
  'bullet',
  'bullets',
  'points',
  'characters',
]);
const CLAUSE_SPLIT = /[.!?;:\n]+|,\s+|\s+[-–—]\s+/;

/**
 * The instructions in a text, each as a normalised string ("be wrong", "in:french",
 * "length:3 sentences"); empty for a plain question. The first clause counts only when a later
 * clause carries the question ("Answer in French: what is …?").
 */
export function instructionSegments(text: string): string[] {
  const clauses = text
    .split(CLAUSE_SPLIT)
    .map((c) => tokenize(c).map((t) => t.lower))
    .filter((words) => words.length > 0);
  const found = new Set<string>();
  clauses.forEach((words, i) => {
    const body = dropLeadIns(words);
    if (body.length === 0 || !IMPERATIVES.has(body[0])) return;
    const laterQuestion = clauses.slice(i + 1).length > 0 && /\?/.test(text);
    if (i > 0 || (clauses.length > 1 && laterQuestion)) found.add(body.join(' '));
  });
  for (const marker of constraintMarkers(clauses.flat())) found.add(marker);
  return [...found].sort();
}

function dropLeadIns(words: readonly string[]): readonly string[] {
  let i = 0;
  while (i < words.length - 1 && LEAD_INS.has(words[i])) i++;
  return words.slice(i);
}

/** "in French", "in 3 sentences", "in one word", "under 50 words": what shape the answer must take. */
function constraintMarkers(words: readonly string[]): string[] {
  const markers: string[] = [];
  words.forEach((w, i) => {
    const next = words[i + 1];
    if ((w === 'in' || w === 'into') && next && LANGUAGES.has(next)) markers.push(`in:${next}`);
    if ((w === 'in' || w === 'under' || w === 'within') && next && UNITS_OF_LENGTH.has(words[i + 2] ?? '')) {
      markers.push(`length:${next} ${words[i + 2]}`);
    }
  });
  return markers;
}
