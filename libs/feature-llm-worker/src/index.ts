export * from './lib/clock';
export * from './lib/cost';
export * from './lib/retry-policy';
export * from './lib/circuit-breaker';
export * from './lib/coalescer';
export * from './lib/llm-worker';
export * from './lib/llm-worker.metrics';
export * from './lib/llm-worker.module';
