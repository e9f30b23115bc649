export * from './lib/invalidation.exception';
export * from './lib/invalidation.metrics';
export * from './lib/invalidator';
export * from './lib/sweeper';
export * from './lib/messages';
export * from './lib/invalidation.module';
export * from './lib/admin/invalidation-admin.controller';
export * from './lib/admin/invalidation-admin.module';
