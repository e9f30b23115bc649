import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import { ProviderError, ProviderErrorCode } from './providers.exception';

/**
 * Reads an OpenAI Chat Completions stream (`stream_options.include_usage` on), hands every
 * content delta to `onText` as it arrives, and assembles the `ChatCompletion` a non-streaming
 * call would have returned: content, tool calls (arguments concatenated by index), finish
 * reason, usage, model and fingerprint. A stream that ends without a finish reason was cut:
 * that is a retriable connection failure, never an answer.
 */
export async function assembleOpenAIStream(
  chunks: AsyncIterable<ChatCompletionChunk>,
  onText: (delta: string) => void,
): Promise<ChatCompletion> {
  let content = '';
  let finish: ChatCompletion.Choice['finish_reason'] | null = null;
  let usage: ChatCompletion['usage'];
  let head: Pick<ChatCompletionChunk, 'id' | 'created' | 'model' | 'system_fingerprint'> | undefined;
  const calls = new Map<number, { id: string; name: string; arguments: string }>();
  for await (const chunk of chunks) {
    head ??= chunk;
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices?.[0];
    if (!choice) continue;
    const text = choice.delta?.content;
    if (text) {
      content += text;
      onText(text);
    }
    for (const call of choice.delta?.tool_calls ?? []) {
      const acc = calls.get(call.index) ?? { id: '', name: '', arguments: '' };
      acc.id ||= call.id ?? '';
      acc.name += call.function?.name ?? '';
      acc.arguments += call.function?.arguments ?? '';
      calls.set(call.index, acc);
    }
    if (choice.finish_reason) finish = choice.finish_reason;
  }
  if (!head || finish === null) {
    throw new ProviderError('openai', ProviderErrorCode.Connection, 'openai: the stream ended before the answer did');
  }
  return assembled(head, { content, calls, finish, usage });
}

/** The `ChatCompletion` a non-streaming call would have returned, from what the stream carried. */
function assembled(
  head: Pick<ChatCompletionChunk, 'id' | 'created' | 'model' | 'system_fingerprint'>,
  streamed: {
    content: string;
    calls: ReadonlyMap<number, { id: string; name: string; arguments: string }>;
    finish: ChatCompletion.Choice['finish_reason'];
    usage: ChatCompletion['usage'];
  },
): ChatCompletion {
  const toolCalls = [...streamed.calls.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, c]) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } }));
  return {
    id: head.id,
    object: 'chat.completion',
    created: head.created,
    model: head.model,
    ...(head.system_fingerprint ? { system_fingerprint: head.system_fingerprint } : {}),
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: streamed.content,
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: streamed.finish,
        logprobs: null,
      },
    ],
    ...(streamed.usage ? { usage: streamed.usage } : {}),
  };
}
