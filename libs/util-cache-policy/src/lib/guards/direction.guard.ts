import type { Guard, GuardVerdict } from './guard';
import { PASS } from './guard';
import { STOPWORDS, tokenize } from './tokenize';

const CONNECTIVES = new Set(['to', 'into']);
const SKIPPABLE = new Set(['a', 'an', 'the', 'my', 'your', 'our', 'their', 'his', 'her', 'its']);

/** An ordered pair the text relates in one direction: "from X to Y", "X into Y", "X → Y". */
interface Arc {
  from: string;
  to: string;
}

function headWord(word: string): string {
  const base = word.replace(/'s$/, '');
  return base.length > 3 && base.endsWith('s') && !base.endsWith('ss') ? base.slice(0, -1) : base;
}

function isContent(word: string | undefined): word is string {
  return word !== undefined && !STOPWORDS.has(word) && !CONNECTIVES.has(word) && word !== 'from' && word !== 'not';
}

function words(text: string): string[] {
  const arrows = text.replace(/\s*(?:->|=>|→|⟶)\s*/g, ' to ');
  return tokenize(arrows)
    .filter((t) => !t.code)
    .map((t) => t.lower);
}

/** Directional arcs of a text; "to" whose neighbours are function words ("how to") gives none. */
export function directionalArcs(text: string): Arc[] {
  const w = words(text);
  const arcs: Arc[] = [];
  const after = (i: number): string | undefined => {
    let j = i + 1;
    while (j < w.length && SKIPPABLE.has(w[j])) j += 1;
    return w[j];
  };
  for (let i = 0; i < w.length; i += 1) {
    if (!CONNECTIVES.has(w[i])) continue;
    const to = after(i);
    const before = w[i - 1];
    // "to Y from X": the source comes after, within a short phrase.
    const laterFrom = w.indexOf('from', i + 1);
    const source = laterFrom > i && laterFrom <= i + 4 ? after(laterFrom) : undefined;
    if (isContent(to) && isContent(source)) arcs.push({ from: headWord(source), to: headWord(to) });
    // "X to Y" and "from X to Y": the source is the word right before the connective.
    else if (isContent(before) && isContent(to)) arcs.push({ from: headWord(before), to: headWord(to) });
  }
  return arcs;
}

/** "A is faster than B": returns B and the content words before "than". */
function comparison(text: string): { subject: Set<string>; object: string } | null {
  const w = words(text);
  const i = w.indexOf('than');
  if (i < 0) return null;
  let j = i + 1;
  while (j < w.length && SKIPPABLE.has(w[j])) j += 1;
  const object = w[j];
  if (!isContent(object)) return null;
  return { subject: new Set(w.slice(0, i).filter(isContent).map(headWord)), object: headWord(object) };
}

// Relations that read the same both ways: "A and B", "A or B", "A vs B", "A with B".
const SYMMETRIC_GAP = new Set(['and', 'or', 'vs', 'versus', 'with', '&', 'between', 'nor']);

/**
 * Swapped roles: "A <relation> B" in one text and "B <relation> A" in the other, with the same
 * relation words in between ("terrorists are Muslims" vs "Muslims are terrorists", "Poles
 * dislike Russians" vs "Russians dislike Poles"). Adjacent words and symmetric relations
 * ("A and B") are not roles.
 */
export function swappedRoles(query: string, candidate: string): [string, string] | null {
  const a = words(query).map(headWord);
  const b = words(candidate).map(headWord);
  const positions = (list: string[]) => {
    const map = new Map<string, number[]>();
    list.forEach((w, i) => map.set(w, [...(map.get(w) ?? []), i]));
    return map;
  };
  const pb = positions(b);
  for (let i = 0; i < a.length; i += 1) {
    if (!isContent(a[i])) continue;
    for (let j = i + 2; j <= Math.min(a.length - 1, i + 4); j += 1) {
      if (!isContent(a[j]) || a[j] === a[i]) continue;
      const gap = a.slice(i + 1, j);
      if (gap.every((w) => SYMMETRIC_GAP.has(w) || SKIPPABLE.has(w))) continue;
      for (const bj of pb.get(a[j]) ?? []) {
        const bi = bj + gap.length + 1;
        if (b[bi] === a[i] && b.slice(bj + 1, bi).join(' ') === gap.join(' ')) {
          // The same ordered pair must not also occur in the other text (then nothing was swapped).
          const alsoForward = (pb.get(a[i]) ?? []).some(
            (k) => b.slice(k + 1, k + 1 + gap.length).join(' ') === gap.join(' ') && b[k + gap.length + 1] === a[j],
          );
          if (!alsoForward) return [a[i], a[j]];
        }
      }
    }
  }
  return null;
}

/**
 * Opposite directions: the same two things related the other way round ("Celsius to
 * Fahrenheit" vs "Fahrenheit to Celsius", "from USD to EUR" vs "to USD from EUR", "is A faster
 * than B" vs "is B faster than A"). "A vs B" and "difference between A and B" are symmetric and
 * are not checked.
 */
export const directionGuard: Guard = {
  name: 'direction',
  description:
    'the same two things in the opposite direction or roles (X to Y vs Y to X, A than B vs B than A, A likes B vs B likes A)',
  check(query: string, candidate: string): GuardVerdict {
    const qa = directionalArcs(query);
    const ca = directionalArcs(candidate);
    for (const q of qa) {
      if (q.from === q.to) continue;
      const reversed = ca.find((c) => c.from === q.to && c.to === q.from);
      if (reversed && !ca.some((c) => c.from === q.from && c.to === q.to)) {
        return {
          ok: false,
          guard: 'direction',
          detail: `query goes ${q.from} → ${q.to}, cached goes ${reversed.from} → ${reversed.to}`,
        };
      }
    }
    const swapped = swappedRoles(query, candidate);
    if (swapped) {
      return {
        ok: false,
        guard: 'direction',
        detail: `roles swapped: query relates ${swapped[0]} → ${swapped[1]}, cached the other way round`,
      };
    }
    const qc = comparison(query);
    const cc = comparison(candidate);
    if (qc && cc && qc.object !== cc.object && cc.subject.has(qc.object) && qc.subject.has(cc.object)) {
      return {
        ok: false,
        guard: 'direction',
        detail: `query compares against ${qc.object}, cached against ${cc.object}`,
      };
    }
    return PASS;
  },
};
