import 'reflect-metadata';
import { Logger, type INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { configureGatewayHttp } from '@deja/feature-gateway';
import { bootstrapService } from '@deja/feature-ops';
import { startProviderSimulator } from '@deja/feature-provider-simulator';
import { AppModule, embeddedGatewayOptions } from './app.module';
import { banner } from './banner';
import { loadConfig } from './config';
import { resolveKeys } from './keys';
import { simulatedProviders } from './providers';

/**
 * The gateway opens its own LISTEN connection from a database URL, which PGlite does not have.
 * In one process it is not needed: the results handler wakes waiters directly. Stop it before it
 * starts (no connection attempts, no warnings). STOPGAP until the gateway takes its job
 * notifications as an injectable port.
 */
function disableGatewayJobListener(app: INestApplication): void {
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.providers.values()) {
      const instance = wrapper.instance as { onModuleDestroy?: () => Promise<void> } | undefined;
      if (wrapper.metatype?.name === 'JobWaiters' && typeof instance?.onModuleDestroy === 'function') {
        void instance.onModuleDestroy();
        return;
      }
    }
  }
  new Logger('Deja').warn('JobWaiters not found: the gateway may log failed LISTEN connections');
}

async function main(): Promise<void> {
  const config = loadConfig();
  const keys = resolveKeys(config.DEJA_DATA_DIR, { apiKey: config.DEJA_API_KEY, adminKey: config.DEJA_ADMIN_KEY });
  const simulated = simulatedProviders(config);
  const simulator =
    simulated.length > 0 ? await startProviderSimulator({ config: { HOST: '127.0.0.1', SIM_LATENCY_SCALE: config.SIM_LATENCY_SCALE } }) : undefined;
  const gateway = embeddedGatewayOptions(config, keys);
  const app = await bootstrapService({
    service: 'deja',
    module: AppModule.forRoot(config, gateway, simulator),
    port: config.PORT,
    host: config.HOST,
    logLevel: config.LOG_LEVEL,
    consumerGroup: 'deja.embedded',
    partitionsConsumedConcurrently: config.DEJA_CONSUMER_CONCURRENCY,
    configureHttp: (a) => {
      configureGatewayHttp(a, gateway);
      disableGatewayJobListener(a);
    },
  });
  const { port } = app.getHttpServer().address() as AddressInfo;
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
  process.stdout.write(
    banner({
      url: `http://${host}:${port}`,
      dataDir: config.DEJA_DATA_DIR,
      keys,
      keysFromEnv: { api: config.DEJA_API_KEY !== undefined, admin: config.DEJA_ADMIN_KEY !== undefined },
      simulated,
    }),
  );
}

void main();
