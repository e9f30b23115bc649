export * from './lib/providers.exception';
export * from './lib/provider-client';
export * from './lib/sdk-errors';
export * from './lib/anthropic.provider';
export * from './lib/openai.provider';
export * from './lib/create-clients';
export * from './lib/simulator-detector';
