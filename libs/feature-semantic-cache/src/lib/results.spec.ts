import { MAX_CANDIDATE_QUESTION_CHARS, MAX_NEAR_CANDIDATES, NearCandidate } from '@deja/contracts';
import { nearCandidates } from './results';

describe('nearCandidates', () => {
  const found = Array.from({ length: 8 }, (_, i) => ({
    id: `e${i}`,
    queryText: `question ${i}`,
    similarity: 0.5 + i / 20,
  }));

  it('keeps the most similar few, each with the verdict the decision gave it', () => {
    const near = nearCandidates(found, [
      { entryId: 'e7', similarity: 0.85, probability: 0.123456, rejectedBy: null },
      { entryId: 'e6', similarity: 0.8, probability: null, rejectedBy: 'numbers' },
    ]);
    expect(near).toHaveLength(MAX_NEAR_CANDIDATES);
    expect(near.map((c) => c.entry_id)).toEqual(['e7', 'e6', 'e5', 'e4', 'e3']);
    expect(near[0]).toEqual({
      entry_id: 'e7',
      question: 'question 7',
      similarity: 0.85,
      probability: 0.1235,
      rejected_by: null,
    });
    expect(near[1]).toMatchObject({ probability: null, rejected_by: 'numbers' });
    expect(near[2]).toMatchObject({ probability: null, rejected_by: null });
  });

  it('lets a later verdict on an entry win (the acronym second look)', () => {
    const near = nearCandidates(found.slice(0, 1), [
      { entryId: 'e0', similarity: 0.5, probability: null, rejectedBy: 'entities' },
      { entryId: 'e0', similarity: 0.7, probability: 0.99, rejectedBy: null },
    ]);
    expect(near[0]).toMatchObject({ similarity: 0.5, probability: 0.99, rejected_by: null });
  });

  it('cuts a long question on a character boundary and stays inside the contract', () => {
    const long = 'a'.repeat(MAX_CANDIDATE_QUESTION_CHARS - 1) + '😀 and more';
    const [c] = nearCandidates([{ id: 'e', queryText: long, similarity: 1.0000001 }], []);
    expect(c?.question).toBe('a'.repeat(MAX_CANDIDATE_QUESTION_CHARS - 1));
    expect(NearCandidate.safeParse(c).success).toBe(true);
  });
});
