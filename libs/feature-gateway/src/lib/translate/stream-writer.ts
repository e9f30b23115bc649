import type { GatewayException } from '../gateway.exception';
import type { CompletedAnswer } from './common';

/**
 * The server-sent events of one streamed answer in a provider's format. A live miss and a
 * replayed answer are written by the same writer — `open`, then `text` as pieces arrive, then
 * `close` with the finished answer — so the two can never drift apart.
 */
export interface StreamWriter {
  /** Frames that open the stream; they need nothing of the answer yet. */
  open(): string[];
  /** Frames for a piece of the answer's text. */
  text(piece: string): string[];
  /**
   * Frames after the text written so far: the rest of the answer's text (whose beginning must
   * be the text written so far), its tool calls, the stop reason and usage, and the end.
   */
  close(answer: CompletedAnswer): string[];
  /** Ends a stream that has started with an error, in the form the provider's SDK raises. */
  fail(error: GatewayException): string[];
}
