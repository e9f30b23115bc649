import { randomUUID } from 'node:crypto';
import { testNames } from '../../integration/env';
import { answeredOnce, runBatchProducer as runExample } from '../support/batch-producer';
import { lastUserText, SimulatedPipeline } from './harness';

describe('examples/batch-producer against real Kafka', () => {
  const tenant = `e2e-batch-${randomUUID().slice(0, 8)}`;
  const pipeline = new SimulatedPipeline(new Set([tenant]));

  beforeAll(async () => {
    pipeline.respond = (r) => ({
      status: 'completed',
      answer: { content: `answer to: ${lastUserText(r)}`, finish_reason: 'stop', simulated: true },
      cache: { outcome: 'miss', tier: null, similarity: null, threshold: 0.93, entry_id: null, rejected_by: null },
      usage: { input_tokens: 10, cache_write_tokens: 0, cache_read_tokens: 0, output_tokens: 5 },
      cost: { usd: 0.0001, uncached_usd: 0.0001, saved_usd: 0 },
      error: null,
    });
    await pipeline.start();
  });
  afterAll(async () => {
    await pipeline.stop();
  });

  it('sends its requests with its own ids and duplicates, honours reply-to, and reports every answer once', async () => {
    // Under the run's prefix, so global teardown deletes it with the run's other topics.
    const replyTo = testNames.topic(`e2e.batch.results.${randomUUID().slice(0, 8)}`);
    const run = await runExample([
      '--n',
      '6',
      '--duplicates',
      '2',
      '--tenant',
      tenant,
      '--reply-to',
      replyTo,
      '--timeout',
      '40',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.summary).toMatchObject({
      ...answeredOnce(6, 2),
      by_status: { completed: 6 },
      by_outcome: { miss: 6 },
    });
    // The pipeline saw 8 messages (6 + 2 duplicates) with the producer's own ids and the reply-to header.
    const mine = pipeline.received.filter((r) => r.tenant === tenant && !r.request_id.startsWith('probe-'));
    expect(mine).toHaveLength(8);
    expect(new Set(mine.map((r) => r.request_id)).size).toBe(6);
    expect(mine.every((r) => r.request_id.startsWith('batch-'))).toBe(true);
  });
});
