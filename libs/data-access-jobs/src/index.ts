export * from './lib/jobs.repository';
export * from './lib/tenants.repository';
export * from './lib/erasure.repository';
export * from './lib/feedback.repository';
export * from './lib/job-listener';
export * from './nest/jobs-data.module';
