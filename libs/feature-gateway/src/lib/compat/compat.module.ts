import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { LiveStreams } from '../live/live-streams.service';
import { AnthropicController } from './anthropic.controller';
import { CompatService } from './compat.service';
import { ModelsController } from './models.controller';
import { OpenAiController } from './openai.controller';

/** OpenAI- and Anthropic-compatible endpoints over the jobs pipeline, and the model list. */
@Module({
  imports: [JobsModule],
  controllers: [OpenAiController, AnthropicController, ModelsController],
  providers: [CompatService, LiveStreams],
})
export class CompatModule {}
