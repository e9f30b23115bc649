import { COMPLETIONS_V1, MISSES_V1, type CompletionV1, type MissV1 } from '@deja/contracts';
import type { InboundMessage, TopicPublisher } from '@deja/data-access-kafka';
import type { LlmWorker } from './llm-worker';
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
    expect(worker.complete).toHaveBeenCalledWith(miss, 's:q');
    expect(publish.mock.calls[0][0].name).toBe(COMPLETIONS_V1);
    expect(publish.mock.calls[0][1]).toEqual([
      { key: 's:q', value: completion, headers: { 'reply-to': 'my.results' } },
    ]);
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
