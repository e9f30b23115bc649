import { dot } from '../lib/embedder';
import { HashingTestEmbedder } from './hashing-embedder';

describe('HashingTestEmbedder (test double)', () => {
  it('is deterministic, unit-length and says it is a test model', async () => {
    const e = new HashingTestEmbedder(32);
    const [a, b] = await e.embed(['Hello world', 'hello, WORLD']);
    expect(e.model).toBe('test-hashing-32');
    expect(dot(a, b)).toBeCloseTo(1, 6);
    expect(dot(a, a)).toBeCloseTo(1, 6);
  });
});
