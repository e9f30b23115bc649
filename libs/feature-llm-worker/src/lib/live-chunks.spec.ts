import type { ChunkV1 } from '@deja/contracts';
import { LiveChunks, MAX_CHUNK_CHARS } from './live-chunks';

const ids = { request_id: 'r-1', tenant: 't1', outcome: 'miss' as const };

function streamIds() {
  let n = 0;
  return () => `s${++n}`;
}

/** A LiveChunks whose sends are recorded in `sent`, in order. */
function recording(): { sent: ChunkV1[]; live: LiveChunks } {
  const sent: ChunkV1[] = [];
  return {
    sent,
    live: new LiveChunks(
      ids,
      async (c) => void sent.push(...c),
      () => undefined,
      streamIds(),
    ),
  };
}

describe('LiveChunks', () => {
  it('gathers text that arrives while a publish is on its way into the next chunk, in order', async () => {
    const sent: ChunkV1[][] = [];
    let release: () => void = () => undefined;
    const send = jest.fn(async (chunks: ChunkV1[]) => {
      sent.push(chunks);
      if (sent.length === 1) await new Promise<void>((r) => (release = r));
    });
    const live = new LiveChunks(ids, send, () => undefined, streamIds());
    const emit = live.attempt();
    emit('a');
    emit('b');
    emit('c');
    release();
    await live.drain();
    expect(sent.flat().map((c) => [c.seq, c.delta])).toEqual([
      [0, 'a'],
      [1, 'bc'],
    ]);
    expect(sent.flat().every((c) => c.stream_id === 's1' && c.request_id === 'r-1')).toBe(true);
  });

  it('gives each provider attempt its own stream id, starting at sequence 0', async () => {
    const { sent, live } = recording();
    live.attempt()('first try');
    await live.drain();
    live.attempt()('second try');
    await live.drain();
    expect(sent.map((c) => [c.stream_id, c.seq])).toEqual([
      ['s1', 0],
      ['s2', 0],
    ]);
  });

  it('stops an attempt at its first failed publish and reports it, without throwing', async () => {
    const errors: unknown[] = [];
    const send = jest.fn().mockRejectedValue(new Error('broker down'));
    const live = new LiveChunks(ids, send, (e) => errors.push(e), streamIds());
    const emit = live.attempt();
    emit('a');
    await live.drain();
    emit('b');
    await live.drain();
    expect(send).toHaveBeenCalledTimes(1);
    expect(errors).toHaveLength(1);
  });

  it('cuts text longer than a chunk may be into several, never inside a surrogate pair', async () => {
    const { sent, live } = recording();
    const text = `${'x'.repeat(MAX_CHUNK_CHARS - 1)}😀${'y'.repeat(10)}`;
    live.attempt()(text);
    await live.drain();
    expect(sent.length).toBe(2);
    expect(sent.map((c) => c.delta).join('')).toBe(text);
    expect(sent.every((c) => c.delta.length <= MAX_CHUNK_CHARS)).toBe(true);
    expect(sent[1]!.delta.startsWith('😀')).toBe(true);
  });
});
