export * from './lib/stable-json';
export * from './lib/volatile';
export * from './lib/breakpoints';
export * from './lib/segments';
export * from './lib/anthropic-request';
export * from './lib/openai-request';
export * from './lib/shape';
export * from './lib/provider-fields';
