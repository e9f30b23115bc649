export * from './lib/console.module';
export * from './lib/console.options';
export * from './lib/console-assets.controller';
export * from './lib/scope';
export * from './lib/namespace-settings';
export * from './lib/overview';
export * from './lib/overview.repository';
