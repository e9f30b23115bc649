export * from './requests';
export * from './results';
export * from './misses';
export * from './completions';
export * from './doc-changes';
export * from './invalidations';
export * from './invalidated';
export * from './dead-letter';
