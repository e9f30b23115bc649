export * from './lib/canonical-json';
export * from './lib/text';
export * from './lib/scope';
export * from './lib/guards';
export * from './lib/threshold';
export * from './lib/evaluate';
export * from './lib/cache-policy.exception';
