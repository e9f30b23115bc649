export * from './misses.v1';
