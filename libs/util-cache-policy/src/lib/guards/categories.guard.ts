import type { Guard, GuardVerdict } from './guard';
import { PASS } from './guard';
import { tokenize } from './tokenize';

/**
 * Closed classes whose members exclude each other: asking about one member is a different
 * question from asking about another, and people often type them in lower case, where the
 * entities guard cannot see them. `|` joins spellings of one member; a space makes a phrase.
 * Words with a common second meaning ("go", "c", "may", "march", "swift", "fall", "sun",
 * "min", single letters) are left out.
 */
const CATEGORIES: Record<string, readonly string[]> = {
  month: [
    'january|jan',
    'february|feb',
    'april|apr',
    'june',
    'july',
    'august|aug',
    'september|sept|sep',
    'october|oct',
    'november|nov',
    'december|dec',
  ],
  weekday: ['monday', 'tuesday|tue|tues', 'wednesday', 'thursday|thu|thurs', 'friday|fri', 'saturday', 'sunday'],
  season: ['spring', 'summer', 'autumn', 'winter'],
  temperature: ['celsius|centigrade', 'fahrenheit', 'kelvin'],
  length: [
    'meter|meters|metre|metres',
    'kilometer|kilometers|kilometre|kilometres|km',
    'centimeter|centimeters|centimetre|centimetres|cm',
    'millimeter|millimeters|millimetre|millimetres|mm',
    'mile|miles',
    'foot|feet|ft',
    'inch|inches',
    'yard|yards|yd',
  ],
  mass: [
    'kilogram|kilograms|kg|kgs|kilo|kilos',
    'gram|grams',
    'pound|pounds|lb|lbs',
    'ounce|ounces|oz',
    'stone|stones',
  ],
  volume: [
    'liter|liters|litre|litres',
    'milliliter|milliliters|millilitre|millilitres|ml',
    'gallon|gallons|gal',
    'cup|cups',
    'pint|pints',
    'quart|quarts',
  ],
  duration: [
    'second|seconds|secs',
    'minute|minutes|mins',
    'hour|hours|hr|hrs',
    'day|days',
    'week|weeks',
    'month|months',
    'year|years',
  ],
  data: ['kb|kilobyte|kilobytes', 'mb|megabyte|megabytes', 'gb|gigabyte|gigabytes', 'tb|terabyte|terabytes'],
  currency: [
    'dollar|dollars|usd',
    'euro|euros|eur',
    'yen|jpy',
    'rupee|rupees|inr',
    'yuan|rmb|cny',
    'bitcoin|bitcoins|btc',
    'ethereum|eth',
    'peso|pesos',
    'ruble|rubles|rouble|roubles',
    'franc|francs',
  ],
  language: [
    'python',
    'java',
    'javascript|js',
    'typescript',
    'c++|cpp',
    'c#|csharp',
    'golang',
    'rust',
    'ruby',
    'php',
    'kotlin',
    'scala',
    'perl',
    'haskell',
    'matlab',
    'fortran',
    'cobol',
    'lua',
    'dart',
    'elixir',
    'erlang',
    'clojure',
    'sql',
    'html',
    'css',
  ],
  os: ['windows', 'linux', 'macos|mac|osx|os x', 'ubuntu', 'debian', 'fedora', 'android', 'ios', 'chromeos|chrome os'],
  colour: ['red', 'orange', 'yellow', 'green', 'blue', 'purple|violet', 'pink', 'brown', 'black', 'white', 'grey|gray'],
  planet: ['mercury', 'venus', 'earth', 'mars', 'jupiter', 'saturn', 'uranus', 'neptune', 'pluto'],
  continent: [
    'africa|african',
    'asia|asian',
    'europe|european',
    'australia|australian',
    'antarctica',
    'north america|north american',
    'south america|south american',
  ],
  meal: ['breakfast', 'lunch', 'dinner|supper'],
  direction_of_travel: ['north', 'south', 'east', 'west'],
};

interface Member {
  category: string;
  label: string;
  words: string[];
  phrases: string[];
}

const MEMBERS: Member[] = Object.entries(CATEGORIES).flatMap(([category, members]) =>
  members.map((spec) => {
    const spellings = spec.split('|');
    return {
      category,
      label: spellings[0],
      words: spellings.filter((s) => !s.includes(' ')),
      phrases: spellings.filter((s) => s.includes(' ')),
    };
  }),
);

/** Category members a text mentions, as `category:member`. */
export function categoryMembers(text: string): Set<string> {
  const tokens = tokenize(text).map((t) => t.lower);
  const words = new Set(tokens);
  const padded = ` ${tokens.join(' ')} `;
  const found = new Set<string>();
  for (const m of MEMBERS) {
    if (m.words.some((w) => words.has(w)) || m.phrases.some((p) => padded.includes(` ${p} `)))
      found.add(`${m.category}:${m.label}`);
  }
  return found;
}

/**
 * Substitution inside a closed class: "Celsius" vs "Kelvin", "Monday" vs "Friday", "Python" vs
 * "Java", "Windows" vs "Linux" — each side names a member the other does not.
 */
export const categoriesGuard: Guard = {
  name: 'categories',
  description:
    'each side names a different member of one closed class (unit, month, weekday, currency, language, OS, …)',
  check(query: string, candidate: string): GuardVerdict {
    const q = categoryMembers(query);
    const c = categoryMembers(candidate);
    for (const member of q) {
      if (c.has(member)) continue;
      const category = member.slice(0, member.indexOf(':'));
      const other = [...c].find((m) => m.startsWith(`${category}:`) && !q.has(m));
      if (other) {
        return {
          ok: false,
          guard: 'categories',
          detail: `${category}: query says ${member.slice(category.length + 1)}, cached says ${other.slice(category.length + 1)}`,
        };
      }
    }
    return PASS;
  },
};
