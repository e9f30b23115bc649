import type { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import type { Clock } from './core/clock';
import { ProviderSimulatorModule } from './provider-simulator.module';
import type { SimulatorConfig } from './simulator.config';
import { simulatorConfig } from './simulator.config';
import { SimulatorService } from './simulator.service';

const LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** Nest log levels at and above `level` (Nest lists the ones to show). */
export function logLevelsFrom(level: SimulatorConfig['LOG_LEVEL']): LogLevel[] {
  return LEVELS.slice(0, LEVELS.indexOf(level) + 1);
}

export interface RunningSimulator {
  readonly app: INestApplication;
  readonly service: SimulatorService;
  /** `http://host:port` — Anthropic SDK `baseURL`. */
  readonly url: string;
  /** `http://host:port/v1` — OpenAI SDK `baseURL`. */
  readonly openaiBaseURL: string;
  close(): Promise<void>;
}

/**
 * Creates the simulator app (body parsing is the module's own, so Nest's is off) without
 * listening. The app's `main.ts` and `startProviderSimulator` both use it.
 */
export async function createSimulatorApp(options: {
  config: SimulatorConfig;
  clock?: Clock;
  logger?: false | LogLevel[];
}) {
  const app = await NestFactory.create(
    ProviderSimulatorModule.forRoot({ config: options.config, ...(options.clock ? { clock: options.clock } : {}) }),
    { bodyParser: false, logger: options.logger ?? logLevelsFrom(options.config.LOG_LEVEL) },
  );
  app.enableShutdownHooks();
  return app;
}

/**
 * Starts a simulator in this process, on an ephemeral port unless `config.PORT` says otherwise —
 * for tests of services that call providers. Logging is off unless asked for.
 */
export async function startProviderSimulator(
  options: { config?: Partial<SimulatorConfig>; clock?: Clock; logger?: false | LogLevel[] } = {},
): Promise<RunningSimulator> {
  const config = simulatorConfig({ PORT: 0, SIM_LATENCY_SCALE: 0, ...options.config });
  const app = await createSimulatorApp({
    config,
    ...(options.clock ? { clock: options.clock } : {}),
    logger: options.logger ?? false,
  });
  await app.listen(config.PORT, config.HOST);
  const { port } = app.getHttpServer().address() as AddressInfo;
  const url = `http://${config.HOST}:${port}`;
  return { app, service: app.get(SimulatorService), url, openaiBaseURL: `${url}/v1`, close: () => app.close() };
}
