import { simulatedAnswer } from './answer';
import { simulatedEmbedding } from './embeddings';

const cosine = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * (b[i] ?? 0), 0);

describe('simulatedAnswer', () => {
  it('is a function of model and prompt: same inputs, same answer; another prompt, another tag', () => {
    const a = simulatedAnswer({ model: 'm', promptHash: 'p1', lastUserText: 'Why?' });
    expect(simulatedAnswer({ model: 'm', promptHash: 'p1', lastUserText: 'Why?' })).toEqual(a);
    expect(simulatedAnswer({ model: 'm', promptHash: 'p2', lastUserText: 'Why?' }).text).not.toBe(a.text);
    expect(a.text).toMatch(/^Simulated answer to: Why\? \[sim:[0-9a-f]{8}\]$/);
  });

  it('pads or cuts to exactly outputTokens, then respects maxTokens', () => {
    expect(simulatedAnswer({ model: 'm', promptHash: 'p', lastUserText: 'q', outputTokens: 500 }).tokens).toHaveLength(
      500,
    );
    const capped = simulatedAnswer({
      model: 'm',
      promptHash: 'p',
      lastUserText: 'q',
      outputTokens: 500,
      maxTokens: 20,
    });
    expect(capped.tokens).toHaveLength(20);
    expect(capped.truncated).toBe(true);
  });
});

describe('simulatedEmbedding', () => {
  it('is deterministic and unit length', () => {
    const v = simulatedEmbedding('text-embedding-3-small', 'How do I reset my password?', 1536);
    expect(simulatedEmbedding('text-embedding-3-small', 'How do I reset my password?', 1536)).toEqual(v);
    expect(Math.hypot(...v)).toBeCloseTo(1, 9);
  });

  it('puts texts sharing words closer than unrelated texts', () => {
    const e = (t: string) => simulatedEmbedding('text-embedding-3-small', t, 1536);
    const q = e('How do I reset my password?');
    expect(cosine(q, e('how do I reset my password'))).toBeGreaterThan(0.95);
    expect(cosine(q, e('How can I reset the password?'))).toBeGreaterThan(
      cosine(q, e('What is the weather in Paris today?')),
    );
    expect(cosine(q, e('What is the weather in Paris today?'))).toBeLessThan(0.3);
  });

  it('shortens to `dimensions` and renormalises', () => {
    const v = simulatedEmbedding('text-embedding-3-small', 'hello world', 1536, 256);
    expect(v).toHaveLength(256);
    expect(Math.hypot(...v)).toBeCloseTo(1, 9);
  });
});
