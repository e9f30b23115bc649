export * from './invalidations.v1';
