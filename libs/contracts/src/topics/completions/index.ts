export * from './completions.v1';
