import type { Guard, GuardVerdict } from './guard';
import { PASS } from './guard';

const UNITS: Record<string, number> = {
  zero: 0,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};
const SCALES: Record<string, number> = { hundred: 100, thousand: 1_000, million: 1_000_000, billion: 1_000_000_000 };

// "one" is left out on purpose: "which one is better" is not a quantity.
const NUMBER_WORD = new RegExp(
  `\\b(?:${[...Object.keys(UNITS), ...Object.keys(SCALES)].join('|')})(?:[\\s-]+(?:${[...Object.keys(UNITS), ...Object.keys(SCALES), 'one', 'and'].join('|')}))*\\b`,
  'gi',
);

// A digit group with decimal/version/time separators: 3, 3.11, 1,000, 10:30, 2.0.1.
// A leading minus counts when it is a sign ("-5", "−5"), not a hyphen ("COVID-19").
const NUMERAL = /(?<![\p{L}\p{N}])[-\u2212]?\d+(?:[.,:]\d+)*|\d+(?:[.,:]\d+)*/gu;

/** Numbers of a text: `strong` ones state a quantity, `weak` ones may be part of a name. */
export interface NumbersFound {
  /** Free-standing numerals and number phrases: "3.11", "-5", "1,000", "twenty five". */
  strong: string[];
  /** Digits glued to letters ("MP4", "CO2", "python3"), a lone "one", a bare scale word. */
  weak: string[];
}

/**
 * The numbers a text mentions, normalised: digits as written (thousands separators removed,
 * leading zeros of integers dropped), number words as their value ("ten" → 10).
 */
export function extractNumbers(text: string): NumbersFound {
  const found: NumbersFound = { strong: [], weak: [] };
  const clean = text.normalize('NFKC');
  for (const match of clean.matchAll(NUMERAL)) {
    const index = match.index ?? 0;
    const letterBefore = /\p{L}/u.test(clean[index - 1] ?? '');
    const letterAfter = /\p{L}/u.test(clean[index + match[0].length] ?? '');
    const partOfName = letterBefore || (letterAfter && !ORDINAL_OR_UNIT.test(clean.slice(index)));
    (partOfName ? found.weak : found.strong).push(...normalizeNumeral(match[0]));
  }
  for (const match of clean.matchAll(NUMBER_WORD)) {
    const value = wordsToNumber(match[0]);
    if (value === null) continue;
    // A bare "hundred"/"million" ("13.4 billion", "hundreds") only scales a numeral already counted.
    const bareScale = /^(?:hundred|thousand|million|billion)$/i.test(match[0]);
    (bareScale ? found.weak : found.strong).push(String(value));
  }
  // "one" is often a pronoun ("which one"), so it only ever matches a 1 on the other side.
  if (/\bone\b/i.test(clean)) found.weak.push('1');
  return found;
}

// A numeral followed by an ordinal suffix or a unit is still a quantity: "5th", "10kg", "24hrs".
const ORDINAL_OR_UNIT =
  /^[\d.,:]+(?:st|nd|rd|th|s|k|m|b|x|am|pm|kg|g|mg|km|cm|mm|ml|l|lb|lbs|gb|mb|tb|kb|hrs?|mins?|h|yrs?|mph|fps|p|%)\b/i;

function normalizeNumeral(raw: string): string[] {
  let s = raw.replace('\u2212', '-');
  if (/^-?\d{1,3}(,\d{3})+$/.test(s)) s = s.replace(/,/g, '');
  // A comma that is not a thousands separator separates a list: "1,2,3" is 1, 2 and 3.
  return s.split(',').map((n) => (/^-?\d+$/.test(n) ? n.replace(/^(-?)0+(?=\d)/, '$1') : n));
}

function wordsToNumber(phrase: string): number | null {
  let total = 0;
  let current = 0;
  let seen = false;
  for (const word of phrase.toLowerCase().split(/[\s-]+/)) {
    if (word === 'and') continue;
    if (word === 'one') {
      current += 1;
      seen = true;
      continue;
    }
    if (word in UNITS) {
      current += UNITS[word];
      seen = true;
      continue;
    }
    if (word in SCALES) {
      const scale = SCALES[word];
      if (scale === 100) current = (current || 1) * 100;
      else {
        total += (current || 1) * scale;
        current = 0;
      }
      seen = true;
    }
  }
  return seen ? total + current : null;
}

/** Different numbers, quantities, versions or years: "Python 3.11" vs "Python 3.12", "top 5" vs "top 10". */
export const numbersGuard: Guard = {
  name: 'numbers',
  description: 'numbers, quantities, versions and years must be the same on both sides',
  check(query: string, candidate: string): GuardVerdict {
    const a = extractNumbers(query);
    const b = extractNumbers(candidate);
    // Every stated quantity must appear on the other side, stated or as part of a name.
    const allA = new Set([...a.strong, ...a.weak]);
    const allB = new Set([...b.strong, ...b.weak]);
    const onlyA = [...new Set(a.strong)].filter((n) => !allB.has(n));
    const onlyB = [...new Set(b.strong)].filter((n) => !allA.has(n));
    if (onlyA.length === 0 && onlyB.length === 0) return PASS;
    return {
      ok: false,
      guard: 'numbers',
      detail: `numbers differ: query has [${onlyA.join(', ')}], cached has [${onlyB.join(', ')}]`,
    };
  },
};
