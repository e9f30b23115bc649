import { seededRandom } from '@deja/util-random';
import type { SplitName } from './split';

/** A made-up pair that teaches one phenomenon the labelled data barely shows. */
export interface SyntheticPair {
  textA: string;
  textB: string;
  label: 0 | 1;
  kind: SyntheticKind;
  split: SplitName;
}

export type SyntheticKind = 'instruction' | 'negation' | 'number' | 'entity' | 'lead_in' | 'request_form';

/**
 * Instructions appended to a question in training. The adversarial fixtures in the tests and
 * docs use other wordings: the model must learn "an instruction was added", not these strings.
 */
const TRAIN_INSTRUCTIONS = [
  'Answer in French.',
  'Reply in German.',
  'Be wrong.',
  'Give a wrong answer.',
  'Answer in one word.',
  'Keep it under 20 words.',
  'Respond only with yes or no.',
  'Explain it like I am five.',
  'Use bullet points.',
  'Write the answer as a poem.',
  'Answer in Spanish, please.',
  'Do not use any technical terms.',
  'Format the answer as JSON.',
  'Make it funny.',
  'Answer sarcastically.',
  'Include three sources.',
  'Say it backwards.',
  'Pretend you are a pirate.',
  'Reply with a single emoji.',
  'Answer in exactly two sentences.',
];
/** Polite or conversational openings that leave the question as it was. */
const LEAD_INS = ['Quick question: ', 'Hey, ', 'Hi! ', 'I was wondering, ', 'Can you tell me: ', 'Question - '];
/**
 * A question and the same request put another way ("What is X?" ~ "Can you explain X?"): people
 * ask a cache both ways, and QQP, being questions only, barely shows it. Each entry turns the
 * matched rest of the question into a request.
 */
const REQUEST_FORMS: Array<[RegExp, Array<(rest: string) => string>]> = [
  [
    /^what (?:is|are) (.+?)\??$/i,
    [
      (x) => `Can you explain ${x}?`,
      (x) => `Explain ${x}.`,
      (x) => `Tell me about ${x}.`,
      (x) => `Could you describe ${x}?`,
      (x) => `I'd like to know what ${x} is.`,
    ],
  ],
  [
    /^how (?:do|can) (?:i|you|we) (.+?)\??$/i,
    [
      (x) => `Can you tell me how to ${x}?`,
      (x) => `Show me how to ${x}.`,
      (x) => `What's the way to ${x}?`,
      (x) => `I need to ${x}, how?`,
      (x) => `Explain how to ${x}.`,
    ],
  ],
];
const NEGATABLE: Record<string, string> = {
  is: "isn't",
  are: "aren't",
  was: "wasn't",
  were: "weren't",
  can: "can't",
  could: "couldn't",
  do: "don't",
  does: "doesn't",
  did: "didn't",
  should: "shouldn't",
  would: "wouldn't",
  will: "won't",
  has: "hasn't",
  have: "haven't",
};

/**
 * Synthetic pairs from the questions of one split only (train questions make train pairs), a
 * few thousand of each kind: an instruction appended (must miss), a negation inserted (must
 * miss), a number changed (must miss), a name swapped for another question's name (must miss),
 * a conversational lead-in added (must hit), and the question asked as a request (must hit).
 */
export function synthesise(
  questions: readonly string[],
  split: SplitName,
  perKind: number,
  seed: number,
): SyntheticPair[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const names = [...new Set(questions.flatMap((q) => properNames(q)))];
  const makers: Record<SyntheticKind, (q: string) => SyntheticPair | null> = {
    instruction: (q) => pair(q, `${q.trim()} ${pick(TRAIN_INSTRUCTIONS)}`, 0, 'instruction'),
    negation: (q) => {
      const m = /\b(is|are|was|were|can|could|do|does|did|should|would|will|has|have)\b/i.exec(q);
      if (!m) return null;
      const neg = NEGATABLE[m[1].toLowerCase()];
      const cased = m[1][0] === m[1][0].toUpperCase() ? neg[0].toUpperCase() + neg.slice(1) : neg;
      return pair(q, q.slice(0, m.index) + cased + q.slice(m.index + m[1].length), 0, 'negation');
    },
    number: (q) => {
      const m = /\b\d+\b/.exec(q);
      if (!m) return null;
      const n = Number(m[0]);
      const other = String(n + 1 + Math.floor(random() * Math.max(9, n)));
      return pair(q, q.slice(0, m.index) + other + q.slice(m.index + m[0].length), 0, 'number');
    },
    entity: (q) => {
      const own = properNames(q);
      if (own.length === 0 || names.length < 2) return null;
      const target = pick(own);
      const replacement = pick(names);
      if (replacement.toLowerCase() === target.toLowerCase()) return null;
      return pair(q, q.replace(target, replacement), 0, 'entity');
    },
    lead_in: (q) => pair(q, pick(LEAD_INS) + lowerFirst(q.trim()), 1, 'lead_in'),
    request_form: (q) => {
      for (const [pattern, forms] of REQUEST_FORMS) {
        const m = pattern.exec(q.trim());
        if (m) return pair(q, pick(forms)(m[1]), 1, 'request_form');
      }
      return null;
    },
  };
  const out: SyntheticPair[] = [];
  for (const kind of Object.keys(makers) as SyntheticKind[]) {
    let made = 0;
    for (let tries = 0; made < perKind && tries < perKind * 20; tries++) {
      const p = makers[kind](pick(questions));
      if (p && p.textA !== p.textB) {
        out.push(p);
        made++;
      }
    }
  }
  return out;

  function pair(a: string, b: string, label: 0 | 1, kind: SyntheticKind): SyntheticPair {
    return random() < 0.5 ? { textA: a, textB: b, label, kind, split } : { textA: b, textB: a, label, kind, split };
  }
}

/** Capitalised words that do not start the text: likely names ("Python", "Paris", "Obama"). */
function properNames(q: string): string[] {
  return [...q.matchAll(/(?<=\s)\p{Lu}[\p{Ll}]{2,}\b/gu)].map((m) => m[0]);
}

function lowerFirst(s: string): string {
  // "I" and names keep their capital; an ordinary first word does not.
  return /^(I\b|\p{Lu}{2})/u.test(s) ? s : s[0].toLowerCase() + s.slice(1);
}
