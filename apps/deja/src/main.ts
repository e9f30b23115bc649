import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { configureGatewayHttp } from '@deja/feature-gateway';
import { bootstrapService } from '@deja/feature-ops';
import { startProviderSimulator } from '@deja/feature-provider-simulator';
import { AppModule, embeddedGatewayOptions } from './app.module';
import { banner } from './banner';
import { privateDataDir } from './data-dir';
import { loadConfig } from './config';
import { resolveKeys } from './keys';
import { simulatedProviders } from './providers';

async function main(): Promise<void> {
  const config = loadConfig();
  privateDataDir(config.DEJA_DATA_DIR);
  const keys = resolveKeys(config.DEJA_DATA_DIR, {
    apiKey: config.DEJA_API_KEY,
    adminKey: config.DEJA_ADMIN_KEY,
    signingKey: config.DEJA_ENTRY_SIGNING_KEY,
  });
  const simulated = simulatedProviders(config);
  const simulator =
    simulated.length > 0
      ? await startProviderSimulator({ config: { HOST: '127.0.0.1', SIM_LATENCY_SCALE: config.SIM_LATENCY_SCALE } })
      : undefined;
  const app = await bootstrapService({
    service: 'deja',
    module: AppModule.forRoot(config, keys, simulator),
    port: config.PORT,
    host: config.HOST,
    logLevel: config.LOG_LEVEL,
    consumerGroup: 'deja.embedded',
    partitionsConsumedConcurrently: config.DEJA_CONSUMER_CONCURRENCY,
    configureHttp: (a) => configureGatewayHttp(a, embeddedGatewayOptions(config, keys)),
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
