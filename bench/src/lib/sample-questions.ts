import { readPairs } from './pairs';

/** Questions of typical length, for timing the embedder when no --data file is given. */
const BUILT_IN = [
  'How do I reset my password?',
  'What is the monthly price of the Pro plan, and does it include support?',
  'How can I export my billing history as a CSV file?',
  'Why does my deployment fail with a timeout error after upgrading to the latest version?',
  'What is retrieval-augmented generation?',
  'How do I rotate my API keys without downtime?',
  'Which regions does the service run in?',
  'Can I cancel my subscription at any time and get a refund for the unused part of the month?',
  'How do I convert Fahrenheit to Celsius?',
  'What is the best way to learn Spanish quickly?',
  'How do I add a new user to my team?',
  'Is there a limit on the number of requests per minute?',
  'What happens to my data when I delete my account?',
  'How do I connect the app to my Slack workspace?',
  'Why is the sky blue?',
  'What are the symptoms of the flu, and how long do they usually last?',
];

/** `count` question texts: the text_b side of the data file's pairs, or the built-in list repeated. */
export function sampleQuestions(count: number, data?: string): string[] {
  const pool = data ? readPairs(data).pairs.map((p) => p.textB) : BUILT_IN;
  if (pool.length === 0) throw new Error(`${data}: no questions`);
  return Array.from({ length: count }, (_, i) => pool[i % pool.length]);
}
