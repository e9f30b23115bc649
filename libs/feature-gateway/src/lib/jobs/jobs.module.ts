import { Module } from '@nestjs/common';
import { JobsDataModule } from '@deja/data-access-jobs';
import { JobExpiry } from './job-expiry.service';
import { JobWaiters } from './job-waiters.service';
import { JobsController } from './jobs.controller';
import { JobsService } from './jobs.service';
import { NamespaceBounds } from './namespace-bounds.service';
import { ResultsHandler } from './results.handler';

/** The jobs API and the `deja.results.v1` consumer that completes jobs. */
@Module({
  imports: [JobsDataModule],
  controllers: [JobsController, ResultsHandler],
  providers: [JobsService, JobWaiters, JobExpiry, NamespaceBounds],
  exports: [JobsService, JobWaiters],
})
export class JobsModule {}
