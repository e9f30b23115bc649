export * from './health';
export * from './health.controller';
export * from './metrics.controller';
export * from './ops.module';
export * from './bootstrap';
export * from './service-infrastructure';
