import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { assembleOpenAIStream } from './openai-stream';
import { ProviderError, ProviderErrorCode } from './providers.exception';

const head = { id: 'c1', object: 'chat.completion.chunk' as const, created: 1, model: 'gpt-4.1' };
const chunk = (choice: Partial<ChatCompletionChunk.Choice> | null, usage?: ChatCompletionChunk['usage']) =>
  ({
    ...head,
    choices: choice ? [{ index: 0, delta: {}, finish_reason: null, ...choice }] : [],
    ...(usage ? { usage } : {}),
  }) as ChatCompletionChunk;

async function* of(chunks: ChatCompletionChunk[]) {
  for (const c of chunks) yield c;
}

describe('assembleOpenAIStream', () => {
  it('hands each content delta over as it comes and assembles the completion with its usage', async () => {
    const seen: string[] = [];
    const completion = await assembleOpenAIStream(
      of([
        chunk({ delta: { role: 'assistant', content: '' } }),
        chunk({ delta: { content: 'Hel' } }),
        chunk({ delta: { content: 'lo' } }),
        chunk({ delta: {}, finish_reason: 'stop' }),
        chunk(null, { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 }),
      ]),
      (d) => seen.push(d),
    );
    expect(seen).toEqual(['Hel', 'lo']);
    expect(completion.choices[0]).toMatchObject({ message: { content: 'Hello' }, finish_reason: 'stop' });
    expect(completion.usage).toMatchObject({ completion_tokens: 2 });
  });

  it('joins tool call arguments by index', async () => {
    const completion = await assembleOpenAIStream(
      of([
        chunk({
          delta: { tool_calls: [{ index: 0, id: 't1', type: 'function', function: { name: 'w', arguments: '' } }] },
        }),
        chunk({ delta: { tool_calls: [{ index: 0, function: { arguments: '{"a":' } }] } }),
        chunk({ delta: { tool_calls: [{ index: 0, function: { arguments: '1}' } }] } }),
        chunk({ delta: {}, finish_reason: 'tool_calls' }),
      ]),
      () => undefined,
    );
    expect(completion.choices[0]!.message.tool_calls).toEqual([
      { id: 't1', type: 'function', function: { name: 'w', arguments: '{"a":1}' } },
    ]);
  });

  it('treats a stream that ends before a finish reason as a cut connection (retriable), not an answer', async () => {
    const error = await assembleOpenAIStream(of([chunk({ delta: { content: 'Hal' } })]), () => undefined).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProviderError);
    expect([(error as ProviderError).code, (error as ProviderError).retriable]).toEqual([
      ProviderErrorCode.Connection,
      true,
    ]);
  });
});
