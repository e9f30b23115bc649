export * from './lib/versions';
export * from './lib/selectors';
export * from './lib/invalidation.repository';
