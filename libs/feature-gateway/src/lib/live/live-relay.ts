import type { ChunkV1 } from '@deja/contracts';

/** Why a relay stopped passing chunks on (it then waits for the finished answer). */
export type RelayBreak = 'joined_late' | 'other_attempt' | 'gap';

/**
 * Decides, chunk by chunk, which text of a streamed miss may go to the caller, so the caller's
 * stream is never corrupted: it follows one provider attempt (the first one seen from its
 * sequence 0), drops repeats (redelivery), and stops at the first gap, a chunk of another attempt
 * (a retry or a redelivered miss generates its text anew) or one that arrives with no beginning.
 * Once stopped, only the finished answer can continue the stream — and only if it begins with the
 * text already sent ({@link LiveRelay.rest}).
 */
export class LiveRelay {
  private streamId: string | null = null;
  private nextSeq = 0;
  private sentText = '';
  private stopped: RelayBreak | null = null;

  /** The text to send now for this chunk ('' when nothing: a repeat, or the relay has stopped). */
  accept(chunk: ChunkV1): string {
    if (this.stopped) return '';
    if (this.streamId === null) {
      if (chunk.seq !== 0) return this.stop('joined_late');
      this.streamId = chunk.stream_id;
    } else if (chunk.stream_id !== this.streamId) {
      return this.stop('other_attempt');
    }
    if (chunk.seq < this.nextSeq) return '';
    if (chunk.seq > this.nextSeq) return this.stop('gap');
    this.nextSeq++;
    this.sentText += chunk.delta;
    return chunk.delta;
  }

  /** The text sent so far. */
  get sent(): string {
    return this.sentText;
  }

  /** Why chunks stopped being relayed, or null while they flow. */
  get broken(): RelayBreak | null {
    return this.stopped;
  }

  /**
   * What is left to send of the finished answer's text: the part after what was sent, or null when
   * the sent text is not its beginning (another attempt answered differently) — the stream must
   * then end with an error, never with a spliced answer.
   */
  rest(content: string): string | null {
    return content.startsWith(this.sentText) ? content.slice(this.sentText.length) : null;
  }

  private stop(reason: RelayBreak): string {
    this.stopped = reason;
    return '';
  }
}
