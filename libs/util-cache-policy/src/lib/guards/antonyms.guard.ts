import type { Guard, GuardVerdict } from './guard';
import { PASS } from './guard';
import { tokenize } from './tokenize';

/**
 * Curated opposite pairs. `|` separates alternatives of one side, `~` asks for the regular verb
 * forms (enable → enables, enabled, enabling), a space makes a phrase. General-purpose English,
 * not any evaluation set's vocabulary: each pair names two actions or properties whose answers
 * differ.
 */
const PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['enable~|activate~|turn on|switch on', 'disable~|deactivate~|turn off|switch off'],
  ['increase~|raise~', 'decrease~|reduce~'],
  ['add~|insert~|create~|install~', 'remove~|delete~|uninstall~'],
  ['add~', 'subtract~'],
  ['before', 'after'],
  ['max|maximum|maximal|maximize~|maximise~', 'min|minimum|minimal|minimize~|minimise~'],
  ['start~|begin|begins|began|beginning', 'stop|stops|stopped|stopping|end~|finish~'],
  ['open|opens|opened|opening', 'close|closes|closed|closing'],
  ['lock~', 'unlock~'],
  ['show~', 'hide|hides|hidden|hiding'],
  ['buy|buys|buying|bought|purchase~', 'sell|sells|selling|sold'],
  ['import~', 'export~'],
  ['upload~', 'download~'],
  ['encrypt~', 'decrypt~'],
  ['encode~', 'decode~'],
  ['compress~|zip~', 'decompress~|unzip~'],
  ['serialize~|serialise~', 'deserialize~|deserialise~'],
  ['push~', 'pull~'],
  ['connect~', 'disconnect~'],
  ['mount~', 'unmount~'],
  ['subscribe~', 'unsubscribe~'],
  ['follow~', 'unfollow~'],
  ['block~', 'unblock~'],
  ['like~', 'dislike~'],
  ['love~', 'hate~'],
  ['accept~', 'reject~|decline~'],
  ['allow~|permit~', 'deny|denies|denied|denying|forbid~|prohibit~'],
  ['include~', 'exclude~'],
  ['win|wins|winning|won', 'lose|loses|losing|lost'],
  ['gain~|profit~', 'loss|losses'],
  ['high|higher|highest', 'low|lower|lowest'],
  ['more', 'less|fewer'],
  ['most', 'least'],
  ['best', 'worst'],
  ['better', 'worse'],
  ['good', 'bad'],
  ['cheap|cheaper|cheapest', 'expensive|costly'],
  ['fast|faster|fastest|quick|quicker|quickest', 'slow|slower|slowest'],
  ['hot|hotter|hottest|warm|warmer', 'cold|colder|coldest|cool|cooler'],
  ['positive', 'negative'],
  ['true', 'false'],
  ['input~', 'output~'],
  ['inside', 'outside'],
  ['above', 'below'],
  ['upper|uppercase', 'lower|lowercase'],
  ['north|northern', 'south|southern'],
  ['east|eastern', 'west|western'],
  ['forward|forwards', 'backward|backwards'],
  ['ascending', 'descending'],
  ['horizontal|horizontally', 'vertical|vertically'],
  ['internal', 'external'],
  ['public', 'private'],
  ['send|sends|sending|sent', 'receive~'],
  ['lend|lends|lending|lent', 'borrow~'],
  ['debit|debits', 'credit|credits'],
  ['past', 'future'],
  ['yesterday', 'tomorrow'],
  ['early|earlier|earliest', 'late|later|latest'],
  ['first', 'last'],
  ['old|older|oldest', 'new|newer|newest'],
  ['young|younger|youngest', 'old|older|oldest'],
  ['rich|richer|richest', 'poor|poorer|poorest'],
  ['male|males', 'female|females'],
  ['man|men', 'woman|women'],
  ['boy|boys', 'girl|girls'],
  ['husband|husbands|boyfriend|boyfriends', 'wife|wives|girlfriend|girlfriends'],
  ['father|fathers|dad|dads', 'mother|mothers|mom|moms|mum|mums'],
  ['brother|brothers', 'sister|sisters'],
  ['son|sons', 'daughter|daughters'],
  ['legal', 'illegal'],
  ['possible', 'impossible'],
  ['safe', 'unsafe|dangerous'],
  ['healthy', 'unhealthy'],
  ['happy', 'sad|unhappy'],
  ['easy|easier|easiest', 'hard|harder|hardest|difficult'],
  ['strong|stronger|strongest', 'weak|weaker|weakest'],
  ['success|successful', 'failure|unsuccessful'],
  ['pass~', 'fail~'],
  ['long|longer|longest', 'short|shorter|shortest'],
  ['big|bigger|biggest|large|larger|largest', 'small|smaller|smallest'],
  ['light', 'dark'],
  ['plus', 'minus'],
  ['multiply|multiplied|multiplying', 'divide~'],
  ['odd', 'even'],
  ['similar', 'different'],
  ['advantage|advantages|pros', 'disadvantage|disadvantages|cons'],
  ['inbound', 'outbound'],
  ['upstream', 'downstream'],
  ['wet', 'dry'],
  ['full', 'empty'],
  ['online', 'offline'],
  ['upgrade~', 'downgrade~'],
  ['expand~', 'collapse~'],
  ['attach~', 'detach~'],
  ['enter~', 'exit~'],
  ['login|log in|sign in', 'logout|log out|sign out'],
  ['arrive~|arrival|arrivals', 'depart~|departure|departures'],
  ['appear~', 'disappear~'],
  ['agree~', 'disagree~'],
  ['approve~', 'disapprove~'],
  ['visible', 'invisible'],
  ['valid', 'invalid'],
  ['correct', 'incorrect'],
  ['complete', 'incomplete'],
  ['synchronous|sync', 'asynchronous|async'],
  ['mutable', 'immutable'],
  ['static', 'dynamic'],
  ['frontend|front-end|front end', 'backend|back-end|back end'],
  ['client-side', 'server-side'],
  ['inhale~', 'exhale~'],
  ['overweight', 'underweight'],
  ['introvert|introverts|introverted', 'extrovert|extroverts|extroverted'],
  ['liberal|liberals', 'conservative|conservatives'],
  ['democrat|democrats|democratic', 'republican|republicans'],
  ['rise|rises|rising|rose|risen', 'fall|falls|falling|fell|fallen'],
];

/** Regular verb forms; over-generation is harmless since the forms are only ever looked up. */
function verbForms(base: string): string[] {
  const forms = [base, `${base}s`, `${base}es`, `${base}ed`, `${base}ing`];
  if (base.endsWith('e')) forms.push(`${base}d`, `${base.slice(0, -1)}ing`);
  if (/[^aeiou]y$/.test(base)) forms.push(`${base.slice(0, -1)}ies`, `${base.slice(0, -1)}ied`);
  // Doubled final consonant: stop → stopped, stopping; zip → zipped.
  if (/^[^aeiou]*[aeiou][bdgklmnprtz]$/.test(base))
    forms.push(`${base}${base.slice(-1)}ed`, `${base}${base.slice(-1)}ing`);
  return forms;
}

interface Side {
  words: Set<string>;
  phrases: string[];
}

function compileSide(spec: string): Side {
  const side: Side = { words: new Set(), phrases: [] };
  for (const alternative of spec.split('|')) {
    if (alternative.includes(' ')) side.phrases.push(alternative);
    else if (alternative.endsWith('~')) for (const form of verbForms(alternative.slice(0, -1))) side.words.add(form);
    else side.words.add(alternative);
  }
  return side;
}

const COMPILED = PAIRS.map(([a, b]) => ({
  a: compileSide(a),
  b: compileSide(b),
  label: `${a.split('|')[0]}/${b.split('|')[0]}`.replace(/~/g, ''),
}));

function mentions(side: Side, words: ReadonlySet<string>, padded: string): string | null {
  for (const word of words) if (side.words.has(word)) return word;
  for (const phrase of side.phrases) if (padded.includes(` ${phrase} `)) return phrase;
  return null;
}

/**
 * Opposites: one text uses one side of a curated pair and the other text the other side, and
 * neither uses both ("enable X" vs "disable X", "increase" vs "decrease", "before" vs "after").
 */
export const antonymsGuard: Guard = {
  name: 'antonyms',
  description: 'one side says X where the other says its opposite (enable/disable, increase/decrease, before/after, …)',
  check(query: string, candidate: string): GuardVerdict {
    const qTokens = tokenize(query).map((t) => t.lower);
    const cTokens = tokenize(candidate).map((t) => t.lower);
    const qWords = new Set(qTokens);
    const cWords = new Set(cTokens);
    const qPadded = ` ${qTokens.join(' ')} `;
    const cPadded = ` ${cTokens.join(' ')} `;
    for (const pair of COMPILED) {
      const qa = mentions(pair.a, qWords, qPadded);
      const qb = mentions(pair.b, qWords, qPadded);
      const ca = mentions(pair.a, cWords, cPadded);
      const cb = mentions(pair.b, cWords, cPadded);
      const flipped = (qa && !qb && cb && !ca) || (qb && !qa && ca && !cb);
      if (flipped) {
        return {
          ok: false,
          guard: 'antonyms',
          detail: `opposites (${pair.label}): query says "${qa ?? qb}", cached says "${ca ?? cb}"`,
        };
      }
    }
    return PASS;
  },
};
