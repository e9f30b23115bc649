import { Module } from '@nestjs/common';
import { PG_POOL } from '@deja/data-access-postgres';
import { Pool } from 'pg';
import { ErasureRepository } from '../lib/erasure.repository';
import { FeedbackRepository } from '../lib/feedback.repository';
import { JobsRepository } from '../lib/jobs.repository';
import { TenantsRepository } from '../lib/tenants.repository';

/** Jobs, tenants, erasure and feedback repositories over the global pg pool (`PostgresModule.forRoot` must be imported by the app). */
@Module({
  providers: [
    { provide: JobsRepository, inject: [PG_POOL], useFactory: (pool: Pool) => new JobsRepository(pool) },
    { provide: TenantsRepository, inject: [PG_POOL], useFactory: (pool: Pool) => new TenantsRepository(pool) },
    { provide: ErasureRepository, inject: [PG_POOL], useFactory: (pool: Pool) => new ErasureRepository(pool) },
    { provide: FeedbackRepository, inject: [PG_POOL], useFactory: (pool: Pool) => new FeedbackRepository(pool) },
  ],
  exports: [JobsRepository, TenantsRepository, ErasureRepository, FeedbackRepository],
})
export class JobsDataModule {}
