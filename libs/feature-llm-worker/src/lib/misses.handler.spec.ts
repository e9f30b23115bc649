import { CHUNKS_V1, COMPLETIONS_V1, MISSES_V1, type CompletionV1, type MissV1 } from '@deja/contracts';
import type { InboundMessage, TopicPublisher } from '@deja/data-access-kafka';
import type { LiveText, LlmWorker } from './llm-worker';
import { MissesHandler } from './misses.handler';

const miss = { request_id: 'r-1', lookup: { scope_hash: 's', query_hash: 'q' } } as MissV1;
const completion = { request_id: 'r-1', status: 'completed' } as CompletionV1;

function inbound(key: string | null, headers: Record<string, string> = {}): InboundMessage<MissV1> {
  return { topic: MISSES_V1, partition: 0, offset: '7', key, value: miss, headers, timestamp: '0' };
}

function setup(publish: jest.Mock) {
  const worker = { complete: jest.fn().mockResolvedValue(completion) };
  const handler = new MissesHandler(worker as unknown as LlmWorker, { publish } as unknown as TopicPublisher);
  return { handler, worker };
}

describe('MissesHandler', () => {
  it('publishes the completion to deja.completions.v1 under the miss key, forwarding reply-to', async () => {
    const publish = jest.fn().mockResolvedValue(undefined);
    const { handler, worker } = setup(publish);
    await handler.onMiss(inbound('s:q', { 'reply-to': 'my.results' }));
    expect(worker.complete).toHaveBeenCalledWith(miss, 's:q', undefined);
    expect(publish.mock.calls[0][0].name).toBe(COMPLETIONS_V1);
    expect(publish.mock.calls[0][1]).toEqual([
      { key: 's:q', value: completion, headers: { 'reply-to': 'my.results' } },
    ]);
  });

  it('streams a miss whose caller streams: its chunks are on deja.chunks.v1 before the completion is published', async () => {
    const publish = jest.fn().mockResolvedValue(undefined);
    const streamed = { ...miss, tenant: 't1', stream: true, lookup: { ...miss.lookup, outcome: 'miss' } } as MissV1;
    const worker = {
      complete: jest.fn(async (_m: MissV1, _k: string, live: LiveText) => {
        const emit = live.attempt();
        emit('Hello');
        emit(', world');
        return completion;
      }),
    };
    const handler = new MissesHandler(worker as unknown as LlmWorker, { publish } as unknown as TopicPublisher);
    await handler.onMiss({ ...inbound('s:q'), value: streamed });
    const topics = publish.mock.calls.map((c) => c[0].name);
    expect(topics[topics.length - 1]).toBe(COMPLETIONS_V1);
    const chunks = publish.mock.calls
      .filter((c) => c[0].name === CHUNKS_V1)
      .flatMap((c) => c[1] as Array<{ key: string; value: { seq: number; delta: string; outcome: string } }>);
    expect(chunks.every((c) => c.key === 'r-1' && c.value.outcome === 'miss')).toBe(true);
    expect(chunks.map((c) => c.value.seq)).toEqual(chunks.map((_, i) => i));
    expect(chunks.map((c) => c.value.delta).join('')).toBe('Hello, world');
  });

  it('falls back to scope and query hash when the miss has no key', async () => {
    const publish = jest.fn().mockResolvedValue(undefined);
    await setup(publish).handler.onMiss(inbound(null));
    expect(publish.mock.calls[0][1][0].key).toBe('s:q');
  });

  it('does not resolve before the publish does, and fails when it fails (the offset stays uncommitted)', async () => {
    let release: () => void = () => undefined;
    const publish = jest.fn().mockReturnValue(new Promise<void>((r) => (release = r)));
    let resolved = false;
    const done = setup(publish)
      .handler.onMiss(inbound('s:q'))
      .then(() => (resolved = true));
    await new Promise((r) => setImmediate(r));
    expect(resolved).toBe(false);
    release();
    await done;
    expect(resolved).toBe(true);

    const failing = jest.fn().mockRejectedValue(Object.assign(new Error('broker down'), { retriable: true }));
    await expect(setup(failing).handler.onMiss(inbound('s:q'))).rejects.toThrow('broker down');
  });
});
