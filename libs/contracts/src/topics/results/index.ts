export * from './results.v1';
