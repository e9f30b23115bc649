import { findVolatileContent, volatileWarnings } from './volatile';

const kinds = (text: string) => findVolatileContent([{ where: 'system prompt', text }]).map((f) => f.kind);

describe('volatile content detection', () => {
  it('reports an ISO timestamp with its location, offset and a short excerpt', () => {
    const text = `${'x'.repeat(120)}Current time: 2026-11-27T01:28:52Z.`;
    const warnings = volatileWarnings([{ where: 'system prompt', text }]);
    expect(warnings).toEqual([
      'volatile content in system prompt at char 134: ISO timestamp "2026-11-…" breaks prompt caching',
    ]);
  });

  it.each([
    ['a date with a time', 'Today is Nov 27, 2026 10:15 AM.', 'date with time'],
    ['a slash date with a time', 'As of 27/11/2026 10:15:03 the', 'date with time'],
    ['a UUID', 'session 3f2b8c1e-9a4d-4e1b-8f3a-2c7d9e0f1a2b open', 'UUID'],
    ['a request id assignment', 'request_id: abc123def456', 'request id'],
    ['a prefixed request id', 'trace req_8f3Kx92LmQ1z', 'request id'],
    ['a Unix timestamp', 'generated at 1795740532 by', 'Unix timestamp'],
    ['a long hex token', 'nonce 9f86d081884c7d659a2feaa0c55ad015 end', 'long hex token'],
    ['a nonce-like token', 'csrf aB3dE5fG7hJ9kL1mN3pQ5rS7 end', 'nonce-like token'],
  ])('detects %s', (_name, text, kind) => {
    expect(kinds(text)).toEqual([kind]);
  });

  it('leaves ordinary prose, plain dates, versions and prices alone', () => {
    const text =
      'You are a support agent for Acme (founded 1999). Policy of 2026-01-15, v2.3.1, costs $1,024.50 per seat. Answer in English.';
    expect(kinds(text)).toEqual([]);
  });

  it('does not report one value twice (a UUID is not also a hex token)', () => {
    expect(kinds('id 3f2b8c1e-9a4d-4e1b-8f3a-2c7d9e0f1a2b')).toEqual(['UUID']);
  });

  it('caps the number of warnings and counts the rest', () => {
    const text = Array.from({ length: 9 }, (_, i) => `2026-11-2${i}T10:00:00Z`).join(' ');
    const warnings = volatileWarnings([{ where: 'tool "x"', text }], 5);
    expect(warnings).toHaveLength(6);
    expect(warnings[5]).toBe('volatile content: 4 more finding(s) not listed');
  });
});
