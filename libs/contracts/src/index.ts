export * from './common/primitives';
export * from './common/chat';
export * from './topics';
export * from './registry';
export * from './json-schema';
export * from './topic-names';
/** Fixtures of topic values (a request, a miss's lookup, a completion): for tests only. */
export * as ContractsTesting from './testing';
