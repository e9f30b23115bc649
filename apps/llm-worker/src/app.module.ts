import { DynamicModule, Module } from '@nestjs/common';
import { serviceInfrastructure } from '@deja/feature-ops';
import { LlmWorkerModule, MissesHandler } from '@deja/feature-llm-worker';
import { llmWorkerOptions, type LlmWorkerConfig } from './config';

/** Wiring only: the llm-worker's behaviour lives in libs/. */
@Module({})
export class AppModule {
  static forRoot(config: LlmWorkerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [...serviceInfrastructure('llm-worker', config), LlmWorkerModule.forRoot(llmWorkerOptions(config))],
      controllers: [MissesHandler],
    };
  }
}
