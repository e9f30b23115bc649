import fc from 'fast-check';
import type { GuardName } from './guards';
import { GUARDS, GUARD_NAMES, extractNumbers, runGuards, selectGuards } from './guards';

function vetoes(name: GuardName, a: string, b: string): boolean {
  const guard = GUARDS.find((g) => g.name === name);
  if (!guard) throw new Error(name);
  return !guard.check(a, b).ok;
}

describe('false-hit guards', () => {
  it.each<[GuardName, string, string]>([
    ['numbers', 'What is new in Python 3.11?', 'What is new in Python 3.12?'],
    ['numbers', 'List the top 5 movies', 'List the top 10 movies'],
    ['numbers', 'List the top five movies', 'List the top 10 movies'],
    ['numbers', 'Is -5 a valid input?', 'Is 5 a valid input?'],
    ['numbers', 'Events in 2019', 'Events in 2020'],
    ['case', 'Is the password Hunter2 correct', 'Is the password hunter2 correct'],
    [
      'case',
      'How many uppercase letters are in the string ABCDEF',
      'How many uppercase letters are in the string abcdef',
    ],
    ['case', 'Is the password "Secret" right?', 'is the password "secret" right'],
    ['case', 'What does `getUser` return', 'What does `getuser` return'],
    ['negation', 'Why does my build work?', "Why doesn't my build work?"],
    ['negation', 'Coffee with sugar', 'Coffee without sugar'],
    ['negation', 'Can I do this?', "Can't I do this?"],
    ['antonyms', 'How to enable dark mode', 'How to disable dark mode'],
    ['antonyms', 'How do I increase the timeout?', 'How do I decrease the timeout?'],
    ['antonyms', 'Add a user to the group', 'Remove a user from the group'],
    ['antonyms', 'Take it before meals?', 'Take it after meals?'],
    ['antonyms', 'What is the max heap size', 'What is the min heap size'],
    ['antonyms', 'How to turn on wifi', 'How to turn off wifi'],
    ['direction', 'Convert Celsius to Fahrenheit', 'Convert Fahrenheit to Celsius'],
    ['direction', 'Translate from English to French', 'Translate to English from French'],
    ['direction', 'Migrate MySQL → Postgres', 'Migrate Postgres to MySQL'],
    ['direction', 'Is Rust faster than Go?', 'Is Go faster than Rust?'],
    ['direction', 'What percentage of terrorists are Muslim?', 'What percentage of Muslims are terrorists?'],
    ['direction', 'Why do cats chase dogs?', 'Why do dogs chase cats?'],
    ['entities', 'How do I install Node on Ubuntu?', 'How do I install Node on Fedora?'],
    ['entities', 'What does `useState` do?', 'What does `useEffect` do?'],
    ['entities', 'Is GPT-4o better for this?', 'Is Claude better for this?'],
    ['entities', 'What is the capital of France?', 'What is the capital of Germany?'],
    ['categories', 'How do I learn python quickly', 'How do I learn java quickly'],
    ['categories', 'convert 30 celsius', 'convert 30 kelvin'],
    ['categories', 'Is the office open on monday', 'Is the office open on friday'],
  ])('%s vetoes %j vs %j (both ways)', (name, a, b) => {
    expect(vetoes(name, a, b)).toBe(true);
    expect(vetoes(name, b, a)).toBe(true);
  });

  it.each<[string, string]>([
    ['How do I reset my password?', 'How can I reset my password'],
    ['What are good tips for self study?', 'What are the smart tips for self studying?'],
    ['Which one is better?', 'Which is better?'],
    ['Python 3 tutorial', 'python3 tutorial'],
    ['Top 10 movies', 'top ten movies'],
    ['How do I learn Python?', 'How can I learn python programming?'],
    ['Is Python hard to learn?', 'Python: is it hard to learn?'],
    ['What does Google do?', 'What is googling?'],
    ['Is it safe, yes or no?', 'Is it safe? Whether or not?'],
    ['Life in the USA', 'Life in the United States of America'],
    ['How to convert PDF to Word', 'How can I convert a PDF to Word'],
    ['Difference between Python and Java', 'Difference between Java and Python'],
    ['How do I overcome my inferiority complex?', 'I have an inferiority complex, how do I overcome it?'],
    ['Should I mix milk with coffee?', 'Should I mix coffee with milk?'],
    ['How To Learn Machine Learning Fast', 'How to learn machine learning fast'],
    ['Where can I download MP4 files?', 'Where to download mp4 files'],
    ['What is the capital of France', 'what is the capital of france?'],
    ['Can I reset my password?', 'can i reset my password'],
    ['Does my iPhone support eSIM', 'does my iphone support esim'],
    ['Can I see who viewed my profile on WhatsApp?', 'Who visited my profile on whatsapp?'],
  ])('lets a paraphrase through: %j ~ %j', (a, b) => {
    expect(runGuards(a, b)).toEqual({ ok: true });
    expect(runGuards(b, a)).toEqual({ ok: true });
  });

  it('explains a veto with the guard name and the difference', () => {
    expect(runGuards('Python 3.11', 'Python 3.12')).toEqual({
      ok: false,
      guard: 'numbers',
      detail: expect.stringContaining('3.11'),
    });
  });

  it('runs only the selected subset, so each guard is measurable alone', () => {
    expect(runGuards('enable 5', 'disable 6', selectGuards(['antonyms'])).ok).toBe(false);
    expect(runGuards('enable 5', 'disable 6', selectGuards(['antonyms']))).toMatchObject({ guard: 'antonyms' });
    expect(runGuards('enable 5', 'disable 5', selectGuards(['numbers'])).ok).toBe(true);
    expect(() => selectGuards(['nope'])).toThrow(/unknown guard/);
    expect(GUARD_NAMES).toEqual(['numbers', 'case', 'negation', 'antonyms', 'direction', 'categories', 'entities']);
  });

  it('reads numbers as quantities, names and words', () => {
    expect(extractNumbers('1,000 users and CO2 on day twenty five')).toEqual({ strong: ['1000', '25'], weak: ['2'] });
  });

  const words = fc.constantFrom(
    'how',
    'to',
    'enable',
    'disable',
    'Python',
    'java',
    '3',
    '10',
    'not',
    'from',
    'Celsius',
    'Fahrenheit',
    'than',
    'faster',
    'the',
    'Ubuntu',
    'is',
    '?',
  );
  const sentence = fc.array(words, { minLength: 1, maxLength: 9 }).map((w) => w.join(' '));

  it('never vetoes a text against itself', () => {
    fc.assert(
      fc.property(sentence, (s) => expect(runGuards(s, s)).toEqual({ ok: true })),
      { numRuns: 1000 },
    );
  });

  it('is symmetric: swapping query and cached text gives the same verdict', () => {
    fc.assert(
      fc.property(sentence, sentence, (a, b) => {
        for (const guard of GUARDS) expect(guard.check(a, b).ok).toBe(guard.check(b, a).ok);
      }),
      { numRuns: 1000 },
    );
  });
});
