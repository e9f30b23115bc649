/**
 * Small sentence embedders do not know most acronyms: "What is RAG?" and "Can you explain
 * retrieval-augmented generation?" score about 0.5 with bge-small, although they ask the same.
 * When one text holds an acronym whose letters are the initials of a run of words in the other,
 * the acronym is replaced by those words and the pair is compared again (re-embedded). Guards
 * then judge the expanded texts, so a real difference still refuses the hit.
 */

const ACRONYM = /\b([A-Z][A-Za-z]?[A-Z0-9]{0,4}[A-Z])(s?)\b/g;
const FILLERS = new Set(['of', 'and', 'the', 'for', 'to', 'in', 'on', 'a', 'an', '&']);

/** Returns `text` with each acronym that `other` spells out replaced by its expansion, or null when none is. */
export function expandAcronyms(text: string, other: string): string | null {
  const words = other
    .split(/[\s\-–/]+/)
    .map((w) => w.replace(/[^\p{L}\p{N}&]/gu, ''))
    .filter((w) => w.length > 0);
  let changed = false;
  const expanded = text.replace(ACRONYM, (match, acronym: string, plural: string) => {
    const letters = acronym.toLowerCase().replace(/[^a-z0-9]/g, '');
    if (letters.length < 2 || letters.length > 6) return match;
    const phrase = findExpansion(letters, words);
    if (!phrase) return match;
    changed = true;
    return phrase + plural;
  });
  return changed ? expanded : null;
}

/** The first run of words in `words` whose initials (fillers may be skipped) spell `letters`. */
function findExpansion(letters: string, words: readonly string[]): string | null {
  for (let start = 0; start < words.length; start++) {
    if (words[start][0]?.toLowerCase() !== letters[0]) continue;
    let li = 0;
    let wi = start;
    while (wi < words.length && li < letters.length) {
      const w = words[wi].toLowerCase();
      if (w[0] === letters[li]) li++;
      else if (!FILLERS.has(w)) break;
      wi++;
    }
    // The run must be spelled out (not the acronym itself) and consume every letter.
    if (li === letters.length && wi - start >= 2) return words.slice(start, wi).join(' ');
  }
  return null;
}
