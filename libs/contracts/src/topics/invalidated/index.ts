export * from './invalidated.v1';
