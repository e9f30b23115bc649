export * from './lib/cache.repository';
