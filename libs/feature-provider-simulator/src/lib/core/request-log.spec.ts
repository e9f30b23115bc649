import { RequestLog } from './request-log';

const record = (path = '/v1/messages') => ({
  provider: 'anthropic' as const,
  method: 'POST',
  path,
  model: 'claude-haiku-4-5',
  stream: false,
  prompt_hash: 'h',
  last_user_text: 'x'.repeat(800),
  prompt_cache_key: null,
  status: 200,
  fault: null,
  error: null,
  usage: null,
  tokens: { input_tokens: 5, cache_write_tokens: 0, cache_read_tokens: 100, output_tokens: 7 },
  ttft_ms: 1,
});

describe('RequestLog', () => {
  it('keeps only the newest `limit` records, oldest first', () => {
    const log = new RequestLog(3, () => 0);
    for (let i = 0; i < 5; i++) log.add(record());
    expect(log.since().map((r) => r.seq)).toEqual([3, 4, 5]);
    expect(log.since(4).map((r) => r.seq)).toEqual([5]);
  });

  it('truncates the last user text to 500 characters', () => {
    const log = new RequestLog(3, () => 0);
    expect(log.add(record()).last_user_text).toHaveLength(500);
  });

  it('counts requests, cache hits and tokens, and forgets them on clear without reusing numbers', () => {
    const log = new RequestLog(10, () => 0);
    log.add(record());
    log.add(record('/v1/chat/completions'));
    expect(log.snapshot()).toMatchObject({
      requests: 2,
      cache_hits: 2,
      tokens: { input: 10, cache_read: 200, output: 14 },
    });
    log.clear();
    expect(log.snapshot().requests).toBe(0);
    expect(log.add(record()).seq).toBe(3);
  });
});
