import { errorBody } from '../http/error-dialects';
import type { GatewayException } from '../gateway.exception';
import { chunkText, sseFrame, stopKind, type CompletedAnswer } from './common';
import { completionId, FINISH, openAiUsage } from './openai';
import type { StreamWriter } from './stream-writer';

/** What an OpenAI chunk carries before the answer is known. */
export interface OpenAiStreamMeta {
  jobId: string;
  model: string;
  /** Unix seconds. */
  created: number;
  /** `stream_options.include_usage`: every chunk has `usage: null` and a last one has the usage. */
  includeUsage: boolean;
}

/**
 * OpenAI `chat.completion.chunk` frames: the role, content pieces, tool calls, the finish reason,
 * usage when asked for, then `data: [DONE]`. An error after the start is a `data: {"error": …}`
 * frame, which the SDK raises as an `APIError` while iterating.
 */
export class OpenAiStreamWriter implements StreamWriter {
  private written = 0;

  constructor(private readonly meta: OpenAiStreamMeta) {}

  open(): string[] {
    return [this.chunk({ role: 'assistant', content: '', refusal: null })];
  }

  text(piece: string): string[] {
    this.written += piece.length;
    return [this.chunk({ content: piece })];
  }

  close(a: CompletedAnswer): string[] {
    const answer = a.result.answer ?? { content: '', finish_reason: 'stop', tool_calls: undefined };
    const frames = chunkText(answer.content.slice(this.written)).flatMap((piece) => this.text(piece));
    (answer.tool_calls ?? []).forEach((tc, index) => {
      frames.push(
        this.chunk({
          tool_calls: [{ index, id: tc.id, type: 'function', function: { name: tc.name, arguments: '' } }],
        }),
      );
      for (const piece of chunkText(tc.arguments, 64))
        frames.push(this.chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    });
    frames.push(this.chunk({}, FINISH[stopKind(answer.finish_reason)]));
    if (this.meta.includeUsage) frames.push(sseFrame({ ...this.base(), choices: [], usage: openAiUsage(a) }));
    frames.push(sseFrame('[DONE]'));
    return frames;
  }

  fail(error: GatewayException): string[] {
    return [sseFrame(errorBody(error, 'openai'))];
  }

  private base() {
    return {
      id: completionId(this.meta.jobId),
      object: 'chat.completion.chunk',
      created: this.meta.created,
      model: this.meta.model,
      system_fingerprint: null,
    };
  }

  private chunk(delta: Record<string, unknown>, finish: string | null = null): string {
    return sseFrame({
      ...this.base(),
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...(this.meta.includeUsage ? { usage: null } : {}),
    });
  }
}

/** A completed answer replayed as OpenAI `chat.completion.chunk` SSE frames. */
export function openAiStreamFrames(a: CompletedAnswer, includeUsage: boolean): string[] {
  const created = Math.floor(Date.parse(a.result.completed_at) / 1000);
  const writer = new OpenAiStreamWriter({ jobId: a.jobId, model: a.model, created, includeUsage });
  return [...writer.open(), ...writer.close(a)];
}
