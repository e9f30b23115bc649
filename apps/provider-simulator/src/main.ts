import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { logLevelsFrom } from '@deja/feature-provider-simulator';
import { AppModule } from './app.module';
import { loadConfig } from './config';

/** Fake OpenAI + Anthropic API for local runs and tests (see docs/provider-simulator.md). */
async function bootstrap(): Promise<void> {
  const config = loadConfig();
  // The simulator parses bodies itself (large prompts, provider-format errors).
  const app = await NestFactory.create(AppModule.register({ config }), {
    bodyParser: false,
    logger: logLevelsFrom(config.LOG_LEVEL),
  });
  app.enableShutdownHooks();
  await app.listen(config.PORT, config.HOST);
  new Logger('ProviderSimulator').log(
    `listening on http://${config.HOST}:${config.PORT} (OpenAI baseURL …/v1, Anthropic baseURL …/) latency×${config.SIM_LATENCY_SCALE} faults ${config.SIM_FAULT_RATE}`,
  );
}

void bootstrap();
