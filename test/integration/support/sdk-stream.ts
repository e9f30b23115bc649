import type OpenAI from 'openai';

/** Streams `body` through the official OpenAI SDK: Deja's `x-deja-cache` header and the text the chunks carried. */
export async function streamOpenAI(
  openai: OpenAI,
  body: OpenAI.ChatCompletionCreateParamsNonStreaming,
): Promise<{ cache: string | null; text: string }> {
  const stream = await openai.chat.completions
    .create({ ...body, stream: true } as OpenAI.ChatCompletionCreateParamsStreaming)
    .withResponse();
  let text = '';
  for await (const chunk of stream.data) text += chunk.choices[0]?.delta?.content ?? '';
  return { cache: stream.response.headers.get('x-deja-cache'), text };
}
