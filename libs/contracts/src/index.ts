export * from './common/primitives';
export * from './common/chat';
export * from './topics';
export * from './registry';
export * from './json-schema';
export * from './topic-names';
