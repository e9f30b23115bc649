import { DynamicModule, Logger, Module } from '@nestjs/common';
import { Registry } from 'prom-client';
import { createProviderClients, type ProviderClientsOptions } from '@deja/data-access-providers';
import { LlmWorker, type LlmWorkerObserver, type LlmWorkerOptions } from './llm-worker';
import { LlmWorkerMetrics } from './llm-worker.metrics';

export interface LlmWorkerModuleOptions {
  readonly worker: LlmWorkerOptions;
  readonly providers: Omit<ProviderClientsOptions, 'logger'>;
}

/**
 * The Nest edge of the use case: builds the SDK clients and the `LlmWorker`, with metrics on the
 * registry `OpsModule` provides.
 */
@Module({})
export class LlmWorkerModule {
  static forRoot(options: LlmWorkerModuleOptions): DynamicModule {
    return {
      module: LlmWorkerModule,
      providers: [
        {
          provide: LlmWorker,
          inject: [Registry],
          useFactory: (registry: Registry) => createLlmWorker(options, registry),
        },
      ],
      exports: [LlmWorker],
    };
  }
}

/** The SDK clients, a log line saying which providers are configured, and the worker observed by metrics and logs. */
function createLlmWorker(options: LlmWorkerModuleOptions, registry: Registry): LlmWorker {
  const log = new Logger('LlmWorker');
  const sdk = new Logger('ProviderSDK');
  const clients = createProviderClients({
    ...options.providers,
    logger: {
      error: (m) => sdk.error(m),
      warn: (m) => sdk.warn(m),
      info: (m) => sdk.debug(m),
      debug: (m) => sdk.verbose(m),
    },
  });
  for (const provider of ['openai', 'anthropic'] as const) {
    const settings = options.providers[provider];
    if (!settings.apiKey && settings.baseURL)
      log.warn(`${provider}: no API key set, a placeholder key is sent to ${settings.baseURL}`);
  }
  const configured = [...clients.keys()];
  log.log(
    `providers configured: ${configured.length > 0 ? configured.join(', ') : 'none (every miss will fail with provider_not_configured)'}`,
  );
  return new LlmWorker(clients, options.worker, { observer: observer(new LlmWorkerMetrics(registry), log) });
}

/** Metrics for everything; a warning for each failed completion and breaker change. */
function observer(metrics: LlmWorkerMetrics, log: Logger): LlmWorkerObserver {
  return {
    ...bind(metrics),
    completion: (completion, role) => {
      metrics.completion(completion, role);
      if (completion.error)
        log.warn(`request ${completion.request_id} failed: ${completion.error.code}: ${completion.error.message}`);
    },
    breakerState: (provider, state) => {
      metrics.breakerState(provider, state);
      log.warn(`circuit breaker for ${provider} is now ${state}`);
    },
  };
}

function bind(m: LlmWorkerMetrics) {
  return {
    providerCall: m.providerCall.bind(m),
    providerError: m.providerError.bind(m),
    retry: m.retry.bind(m),
  };
}
