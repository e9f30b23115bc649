import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { AnthropicController } from './anthropic.controller';
import { CompatService } from './compat.service';
import { OpenAiController } from './openai.controller';

/** OpenAI- and Anthropic-compatible endpoints over the jobs pipeline. */
@Module({
  imports: [JobsModule],
  controllers: [OpenAiController, AnthropicController],
  providers: [CompatService],
})
export class CompatModule {}
