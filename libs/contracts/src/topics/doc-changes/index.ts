export * from './doc-changes.v1';
