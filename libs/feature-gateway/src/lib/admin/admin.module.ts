import { Module } from '@nestjs/common';
import { JobsDataModule } from '@deja/data-access-jobs';
import { JobsModule } from '../jobs/jobs.module';
import { AdminController } from './admin.controller';

/**
 * `/v1/admin/*`. Extend with more admin controllers (e.g. `/v1/admin/invalidations`) by adding
 * them here or in a module of their own that puts `@AdminRoute()` on its controllers — the
 * guard comes from the global AuthModule.
 */
@Module({ imports: [JobsModule, JobsDataModule], controllers: [AdminController] })
export class AdminModule {}
