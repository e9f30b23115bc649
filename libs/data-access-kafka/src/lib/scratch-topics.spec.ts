import { scratchPrefix, staleScratchTopics } from './scratch-topics';

describe('scratch topic prefixes', () => {
  const at = new Date('2026-12-03T08:53:12.345Z');

  it('carries the kind, the start time and a random part, and ends with a dot', () => {
    expect(scratchPrefix('deja-test', at, 'a1b2c3')).toBe('deja-test-20261203085312-a1b2c3.');
    expect(scratchPrefix('deja-test', at)).toMatch(/^deja-test-20261203085312-[0-9a-f]{6}\.$/);
  });

  it('refuses a kind that would make an odd topic name', () => {
    expect(() => scratchPrefix('Deja test', at)).toThrow(/must be/);
  });

  it('finds only the topics of runs of that kind that started before the cut-off', () => {
    const old = scratchPrefix('deja-test', new Date('2026-12-03T02:00:00Z'), '000001');
    const recent = scratchPrefix('deja-test', new Date('2026-12-03T08:00:00Z'), '000002');
    const bench = scratchPrefix('deja-bench', new Date('2026-12-01T00:00:00Z'), '000003');
    const topics = [
      `${old}deja.requests.v1`,
      `${old}deja.results.v1`,
      `${recent}deja.requests.v1`,
      `${bench}deja.requests.v1`,
      'deja.requests.v1',
      '__consumer_offsets',
    ];
    expect(staleScratchTopics(topics, 'deja-test', new Date('2026-12-03T05:00:00Z'))).toEqual([
      `${old}deja.requests.v1`,
      `${old}deja.results.v1`,
    ]);
  });
});
