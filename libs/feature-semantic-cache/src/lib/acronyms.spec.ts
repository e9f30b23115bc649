import { expandAcronyms } from './acronyms';

describe('expandAcronyms', () => {
  it('spells out an acronym whose letters start the other text’s words, hyphens included', () => {
    expect(expandAcronyms('What is RAG?', 'Can you explain retrieval-augmented generation?')).toBe(
      'What is retrieval augmented generation?',
    );
  });

  it('skips filler words inside the expansion', () => {
    expect(expandAcronyms('Is the ToS strict?', 'Are the terms of service strict?')).toBe(
      'Is the terms of service strict?',
    );
  });

  it('keeps a plural s', () => {
    expect(expandAcronyms('Compare LLMs', 'which large language model is best')).toBe('Compare large language models');
  });

  it('returns null when the other text does not spell the acronym out', () => {
    expect(expandAcronyms('What is RAG?', 'What is the rate limit?')).toBeNull();
    expect(expandAcronyms('What is RAG?', 'What is RAG used for?')).toBeNull();
  });

  it('leaves ordinary capitalised words alone', () => {
    expect(expandAcronyms('How do I reset my password?', 'How do I restore my password?')).toBeNull();
  });
});
