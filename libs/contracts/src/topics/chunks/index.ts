export * from './chunks.v1';
