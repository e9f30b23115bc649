export * from './lib/close-on-shutdown';
