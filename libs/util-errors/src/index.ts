export * from './lib/deja-error';
