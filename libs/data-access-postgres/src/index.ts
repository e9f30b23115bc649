export * from './lib/pool';
export * from './lib/migrate';
export * from './nest/postgres.module';
