import { errorBody } from '../http/error-dialects';
import type { GatewayException } from '../gateway.exception';
import { chunkText, sseFrame, stopKind, type CompletedAnswer } from './common';
import { anthropicUsage, contentBlocks, messageId, STOP } from './anthropic';
import type { StreamWriter } from './stream-writer';

const NO_USAGE = { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 };

/**
 * Anthropic Messages events: `message_start`, one `content_block_start` / `_delta`… / `_stop` per
 * block (the text first, then tool uses), `message_delta` with the stop reason and the cumulative
 * usage, `message_stop`. An error after the start is an `event: error`, which the SDK raises.
 */
export class AnthropicStreamWriter implements StreamWriter {
  private written = 0;
  private textOpen = false;

  /** `usage` goes in `message_start`: a replay knows it, a live stream reports it in `message_delta`. */
  constructor(
    private readonly meta: { jobId: string; model: string },
    private readonly usage: Record<string, number> = NO_USAGE,
  ) {}

  open(): string[] {
    const message = {
      id: messageId(this.meta.jobId),
      type: 'message',
      role: 'assistant',
      model: this.meta.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...this.usage, output_tokens: 0 },
    };
    return [sseFrame({ type: 'message_start', message }, 'message_start')];
  }

  text(piece: string): string[] {
    const frames = this.textOpen ? [] : [this.blockStart(0, { type: 'text', text: '' })];
    this.textOpen = true;
    this.written += piece.length;
    frames.push(
      sseFrame(
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } },
        'content_block_delta',
      ),
    );
    return frames;
  }

  close(a: CompletedAnswer): string[] {
    const blocks = contentBlocks(a);
    const frames: string[] = [];
    let index = 0;
    for (const block of blocks) {
      if (block.type === 'text') {
        const rest = block.text.slice(this.written);
        if (!this.textOpen) frames.push(this.blockStart(0, { type: 'text', text: '' }));
        this.textOpen = true;
        for (const piece of chunkText(rest)) frames.push(...this.text(piece));
      } else {
        frames.push(this.blockStart(index, { type: 'tool_use', id: block.id, name: block.name, input: {} }));
        for (const partial_json of chunkText(JSON.stringify(block.input), 64))
          frames.push(
            sseFrame(
              { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } },
              'content_block_delta',
            ),
          );
      }
      frames.push(sseFrame({ type: 'content_block_stop', index }, 'content_block_stop'));
      index++;
    }
    frames.push(
      sseFrame(
        {
          type: 'message_delta',
          delta: { stop_reason: STOP[stopKind(a.result.answer?.finish_reason ?? 'stop')], stop_sequence: null },
          // Cumulative, as Anthropic sends it: the SDK takes every counter from here.
          usage: anthropicUsage(a),
        },
        'message_delta',
      ),
      sseFrame({ type: 'message_stop' }, 'message_stop'),
    );
    return frames;
  }

  fail(error: GatewayException): string[] {
    return [sseFrame(errorBody(error, 'anthropic'), 'error')];
  }

  private blockStart(index: number, block: Record<string, unknown>): string {
    return sseFrame({ type: 'content_block_start', index, content_block: block }, 'content_block_start');
  }
}

/** A completed answer replayed as Anthropic SSE events. */
export function anthropicStreamFrames(a: CompletedAnswer): string[] {
  const writer = new AnthropicStreamWriter({ jobId: a.jobId, model: a.model }, anthropicUsage(a));
  return [...writer.open(), ...writer.close(a)];
}
