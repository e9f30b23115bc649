export * from './lib/pglite.exception';
export * from './lib/data-dir-lock';
export * from './lib/private-data-dir';
export * from './lib/embedded-database';
export * from './nest/pglite.module';
