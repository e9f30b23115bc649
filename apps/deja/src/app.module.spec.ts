import { LLM_WORKER_DEFAULTS } from '@deja/feature-llm-worker';
import { SWEEP_DEFAULTS } from '@deja/feature-invalidation';
import { parseConfig, SWEEP_DEFAULTS as CONFIG_SWEEP_DEFAULTS } from '@deja/util-config';
import { embeddedWorkerOptions } from './app.module';
import { EmbeddedConfig } from './config';

/**
 * Regression: embedded mode typed the services' defaults again by hand and left out the miss-age
 * limit, so a miss days old was still sent to the provider there while the llm-worker refused it.
 */
describe('embedded mode runs on the services’ defaults', () => {
  const config = parseConfig('deja', EmbeddedConfig, {});

  it('gives the worker the llm-worker’s miss-age limit, retries and breaker', () => {
    const worker = embeddedWorkerOptions(config);
    expect(worker.maxMissAgeMs).toBe(LLM_WORKER_DEFAULTS.maxMissAgeMs);
    expect(worker.maxMissAgeMs).toBeGreaterThan(0);
    expect(worker.retry).toEqual(LLM_WORKER_DEFAULTS.retry);
    expect(worker.breaker).toEqual(LLM_WORKER_DEFAULTS.breaker);
  });

  it('re-exports one set of sweep defaults', () => {
    expect(SWEEP_DEFAULTS).toBe(CONFIG_SWEEP_DEFAULTS);
  });
});
