import type { RunningSimulator } from '@deja/feature-provider-simulator';
import type { LlmWorkerModuleOptions } from '@deja/feature-llm-worker';
import type { EmbeddedConfig } from './config';

type ProviderSettings = LlmWorkerModuleOptions['providers']['openai'];

/** Which providers are real and which the in-process simulator answers (its answers say `simulated: true`). */
export function simulatedProviders(config: EmbeddedConfig): Array<'openai' | 'anthropic'> {
  const out: Array<'openai' | 'anthropic'> = [];
  if (config.DEJA_SIMULATE_PROVIDERS || !config.OPENAI_API_KEY) out.push('openai');
  if (config.DEJA_SIMULATE_PROVIDERS || !config.ANTHROPIC_API_KEY) out.push('anthropic');
  return out;
}

/** The llm-worker's provider settings: a real key and endpoint, or the simulator's URL (it takes any key). */
export function providerSettings(
  config: EmbeddedConfig,
  simulator: RunningSimulator | undefined,
): LlmWorkerModuleOptions['providers'] {
  const simulated = new Set(simulatedProviders(config));
  const pick = (
    name: 'openai' | 'anthropic',
    apiKey: string | undefined,
    baseURL: string | undefined,
    simURL: string | undefined,
  ): ProviderSettings =>
    simulated.has(name)
      ? { apiKey: 'deja-embedded-simulator', baseURL: simURL, simulator: true }
      : { apiKey, baseURL, simulator: false };
  return {
    timeoutMs: config.PROVIDER_TIMEOUT_MS,
    openai: pick('openai', config.OPENAI_API_KEY, config.OPENAI_BASE_URL, simulator?.openaiBaseURL),
    anthropic: pick('anthropic', config.ANTHROPIC_API_KEY, config.ANTHROPIC_BASE_URL, simulator?.url),
  };
}
