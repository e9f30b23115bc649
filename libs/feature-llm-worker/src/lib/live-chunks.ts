import { randomUUID } from 'node:crypto';
import type { ChunkV1 } from '@deja/contracts';
import type { LiveText } from './llm-worker';

/** Publishes chunks (to `deja.chunks.v1` in the services); resolves once they are on the wire. */
export type ChunkSender = (chunks: ChunkV1[]) => Promise<void>;

/** Longest delta per chunk, in characters: keeps every record far below the broker's message size. */
export const MAX_CHUNK_CHARS = 64_000;

/**
 * The live text of one streamed miss, as sequenced chunks. Text that arrives while a publish is
 * on its way is gathered into the next chunk, so a fast provider costs fewer, larger messages
 * instead of a queue of one message per token (the broker round trip paces the chunks).
 *
 * Chunks are best effort: the finished answer on `deja.results.v1` is what is stored and what a
 * gateway falls back to. A publish that fails ends this attempt's chunks (a gap would follow
 * anyway) and is reported to `onError`; it never fails the miss.
 */
export class LiveChunks implements LiveText {
  private readonly pumps: Promise<void>[] = [];

  constructor(
    private readonly ids: Pick<ChunkV1, 'request_id' | 'tenant' | 'outcome'>,
    private readonly send: ChunkSender,
    private readonly onError: (error: unknown) => void,
    private readonly newStreamId: () => string = randomUUID,
  ) {}

  attempt(): (delta: string) => void {
    const streamId = this.newStreamId();
    let seq = 0;
    let buffered = '';
    let pumping = false;
    let broken = false;
    const pump = async () => {
      pumping = true;
      try {
        while (buffered.length > 0 && !broken) {
          const pieces = split(buffered);
          buffered = '';
          const chunks = pieces.map((delta) => ({ ...this.ids, stream_id: streamId, seq: seq++, delta }));
          await this.send(chunks);
        }
      } catch (error) {
        broken = true;
        this.onError(error);
      } finally {
        pumping = false;
      }
    };
    return (delta: string) => {
      if (broken || delta.length === 0) return;
      buffered += delta;
      if (!pumping) this.pumps.push(pump());
    };
  }

  /** Resolves once every chunk handed over so far is published (or its publish has failed). */
  async drain(): Promise<void> {
    while (this.pumps.length > 0) await Promise.all(this.pumps.splice(0));
  }
}

/** Cuts long text into pieces of at most MAX_CHUNK_CHARS, never between the halves of a surrogate pair. */
function split(text: string): string[] {
  const pieces: string[] = [];
  let start = 0;
  while (text.length - start > MAX_CHUNK_CHARS) {
    let end = start + MAX_CHUNK_CHARS;
    if (/[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end--;
    pieces.push(text.slice(start, end));
    start = end;
  }
  pieces.push(text.slice(start));
  return pieces;
}
