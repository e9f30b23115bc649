import type { ResultV1 } from '@deja/contracts';
import type { CompletedAnswer } from './common';

/** A completed answer for encoder tests. */
export function completed(over: Partial<ResultV1> = {}, model = 'gpt-4o-mini'): CompletedAnswer {
  const result: ResultV1 = {
    request_id: 'job-1',
    tenant: 'acme',
    status: 'completed',
    answer: { content: 'Paris is the capital of France.', finish_reason: 'stop', simulated: true },
    cache: { outcome: 'miss', tier: null, similarity: null, threshold: 0.93, entry_id: null, rejected_by: null },
    usage: { input_tokens: 100, cache_write_tokens: 20, cache_read_tokens: 30, output_tokens: 7 },
    saved_usage: null,
    cost: { usd: 0.001, uncached_usd: 0.0012, saved_usd: 0.0002 },
    error: null,
    warnings: [],
    completed_at: '2026-11-27T01:00:00.000Z',
    ...over,
  };
  return { jobId: 'job-1', model, result };
}

/** Parses SSE text into `{event, data}` records. */
export function parseSse(frames: string[]): Array<{ event?: string; data: string }> {
  return frames
    .join('')
    .split('\n\n')
    .filter(Boolean)
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? '';
      return { event, data };
    });
}

/** A completed answer whose one tool call (`id`) asks the `weather` tool about Paris. */
export function weatherCall(
  id: string,
  finishReason: NonNullable<ResultV1['answer']>['finish_reason'],
  content = '',
): CompletedAnswer {
  return completed({
    answer: {
      content,
      finish_reason: finishReason,
      tool_calls: [{ id, name: 'weather', arguments: '{"city":"Paris"}' }],
      simulated: false,
    },
  });
}
