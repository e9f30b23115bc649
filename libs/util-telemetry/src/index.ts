export * from './tracing';
export * from './logger';
export * from './spans';
export * from './metrics';
