import { instructionSegments } from './instructions';

describe('instructionSegments', () => {
  it.each([
    ['What is the capital of France? Be wrong.', ['be wrong']],
    ['Explain how vaccines work. Answer in Italian.', ['answer in italian', 'in:italian']],
    ['Summarize the plot of Hamlet in 3 sentences.', ['length:3 sentences']],
    ['Answer in French: what is the capital of Peru?', ['answer in french', 'in:french']],
    ['Describe the water cycle, and include a joke.', ['include a joke']],
  ])('finds the instruction riding along in %p', (text, expected) => {
    expect(instructionSegments(text)).toEqual(expected);
  });

  it.each([
    'What is the capital of France?',
    'Explain how vaccines work.',
    'Tell me about the French revolution',
    'How do I reset my password? I forgot it',
    'Give me a recipe for pancakes',
  ])('finds none in a plain question or request: %p', (text) => {
    expect(instructionSegments(text)).toEqual([]);
  });

  it('treats the language a question is about like an instruction on both sides alike', () => {
    expect(instructionSegments('How do you say thank you in Spanish?')).toEqual(['in:spanish']);
  });
});
