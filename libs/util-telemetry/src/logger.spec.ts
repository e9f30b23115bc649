import { redact } from './logger';

describe('redact', () => {
  it('hides API keys and bearer tokens inside messages', () => {
    expect(redact('calling with Bearer abcdefghijklmnop and sk-ant-api03-XYZXYZXYZ')).toBe(
      'calling with [redacted] and [redacted]',
    );
    // Deja's own tenant keys, wherever they appear (e.g. an x-api-key echoed in an error).
    expect(redact('key dj_Qm9vb2J6eXh3dnV0c3JxcG9uTUxL rejected')).toBe('key [redacted] rejected');
  });

  it('hides the values of secret-looking keys in objects', () => {
    expect(redact({ apiKey: 'x', nested: { Authorization: 'y', model: 'gpt-4o' } })).toEqual({
      apiKey: '[redacted]',
      nested: { Authorization: '[redacted]', model: 'gpt-4o' },
    });
  });
});
