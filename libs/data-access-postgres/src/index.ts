export * from './lib/pool';
export * from './lib/migrate';
export * from './lib/jsonb';
export * from './lib/transaction';
export * from './nest/postgres.module';
export * from './lib/pg-errors';
