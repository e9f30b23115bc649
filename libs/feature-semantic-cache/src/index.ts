export * from './lib/semantic-cache';
export * from './lib/exact-tier';
export * from './lib/cache-metrics';
export * from './lib/results';
export * from './lib/semantic-cache.module';
export * from './lib/cache.handler';
