import { GatewayErrorCode, GatewayException } from '../gateway.exception';
import { AnthropicStreamWriter, anthropicStreamFrames } from './anthropic-stream';
import { completed, parseSse } from './fixtures';
import { OpenAiStreamWriter, openAiStreamFrames } from './openai-stream';

const failure = new GatewayException(GatewayErrorCode.UpstreamFailed, 'the provider stream broke', { jobId: 'job-1' });

describe('OpenAiStreamWriter (live)', () => {
  const meta = { jobId: 'job-1', model: 'gpt-4o-mini', created: 1, includeUsage: true };

  it('ends a live stream with only the rest of the answer after the text already written', () => {
    const w = new OpenAiStreamWriter(meta);
    const frames = [...w.open(), ...w.text('Paris is '), ...w.close(completed())];
    const chunks = parseSse(frames)
      .slice(0, -1)
      .map((e) => JSON.parse(e.data));
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Paris is the capital of France.');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: 7 } });
  });

  it('writes the same frames as the replay when no text came live', () => {
    const a = completed();
    const created = Math.floor(Date.parse(a.result.completed_at) / 1000);
    const w = new OpenAiStreamWriter({ ...meta, created });
    expect([...w.open(), ...w.close(a)]).toEqual(openAiStreamFrames(a, true));
  });

  it('fails with a data frame holding an OpenAI error object, which the SDK raises', () => {
    const [frame] = parseSse(new OpenAiStreamWriter(meta).fail(failure));
    expect(frame!.event).toBeUndefined();
    expect(JSON.parse(frame!.data)).toMatchObject({
      error: { message: 'the provider stream broke', type: 'server_error', job_id: 'job-1' },
    });
  });
});

describe('AnthropicStreamWriter (live)', () => {
  it('opens the text block with the first piece and closes it with the rest, then message_delta with the usage', () => {
    const w = new AnthropicStreamWriter({ jobId: 'job-1', model: 'claude-sonnet-4-6' });
    const a = completed({}, 'claude-sonnet-4-6');
    const events = parseSse([...w.open(), ...w.text('Paris '), ...w.close(a)]);
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      ...events.slice(3, -3).map(() => 'content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const text = events
      .filter((e) => e.event === 'content_block_delta')
      .map((e) => JSON.parse(e.data).delta.text)
      .join('');
    expect(text).toBe('Paris is the capital of France.');
    expect(JSON.parse(events.at(-2)!.data).usage).toMatchObject({ output_tokens: 7 });
  });

  it('writes the same frames as the replay when no text came live, tool uses included', () => {
    const a = completed(
      {
        answer: {
          content: 'Checking.',
          finish_reason: 'tool_use',
          tool_calls: [{ id: 'toolu_1', name: 'weather', arguments: '{"city":"Paris"}' }],
          simulated: false,
        },
      },
      'claude-sonnet-4-6',
    );
    expect(parseSse(anthropicStreamFrames(a)).map((e) => e.event)).toContain('content_block_stop');
    const live = new AnthropicStreamWriter({ jobId: a.jobId, model: a.model });
    const replayEvents = parseSse(anthropicStreamFrames(a)).slice(1);
    expect(parseSse([...live.open(), ...live.close(a)]).slice(1)).toEqual(replayEvents);
  });

  it('fails with an `event: error` in Anthropic’s envelope', () => {
    const [frame] = parseSse(new AnthropicStreamWriter({ jobId: 'job-1', model: 'm' }).fail(failure));
    expect(frame!.event).toBe('error');
    expect(JSON.parse(frame!.data)).toMatchObject({ type: 'error', error: { type: 'api_error' } });
  });
});
