import { Module } from '@nestjs/common';
import { JobsDataModule } from '@deja/data-access-jobs';
import { FeedbackController } from './feedback.controller';
import { FeedbackService } from './feedback.service';

/** `POST /v1/feedback`: verdicts on answers; a wrong one retires the entry. */
@Module({
  imports: [JobsDataModule],
  controllers: [FeedbackController],
  providers: [FeedbackService],
})
export class FeedbackModule {}
