export * from './lib/cache.repository';
export * from './lib/entry-signer';
