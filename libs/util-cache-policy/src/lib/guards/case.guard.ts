import { caseKeptWords, foldCaseOf, queryWords } from '../text';
import type { Guard, GuardVerdict } from './guard';
import { PASS } from './guard';

/** A word one text keeps in its case that the other writes in another case, if any. */
function caseClash(kept: readonly string[], otherWords: readonly string[]): [string, string] | undefined {
  for (const word of kept) {
    const folded = foldCaseOf(word);
    const other = otherWords.find((w) => w !== word && foldCaseOf(w) === folded);
    if (other !== undefined) return [word, other];
  }
  return undefined;
}

/**
 * The semantic side of the exact tier's case rule: the embedding model is uncased, so
 * "Is the password Hunter2 correct" and "…hunter2…" embed alike (similarity 1) although the
 * exact tier keeps them apart. Vetoes a pair where a word whose case matters (see
 * `caseKeptWords`) appears in the other text in another case.
 */
export const caseGuard: Guard = {
  name: 'case',
  description: 'the same password, string, code or identifier in another case (Hunter2 / hunter2, ABCDEF / abcdef)',
  check(query: string, candidate: string): GuardVerdict {
    const clash =
      caseClash(caseKeptWords(query), queryWords(candidate)) ?? caseClash(caseKeptWords(candidate), queryWords(query));
    return clash ? { ok: false, guard: 'case', detail: `"${clash[0]}" vs "${clash[1]}"` } : PASS;
  },
};
