export * from './dead-letter.v1';
