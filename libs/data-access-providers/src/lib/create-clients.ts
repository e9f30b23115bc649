import type { Provider } from '@deja/contracts';
import { AnthropicProviderClient } from './anthropic.provider';
import { OpenAIProviderClient } from './openai.provider';
import type { LlmProviderClient, ProviderConnection, SdkLogger } from './provider-client';

/** Key sent to a configured base URL when no API key is set (the simulator accepts any non-empty key). */
export const SIMULATOR_DUMMY_KEY = 'deja-simulator-key';

export interface ProviderSettings {
  readonly apiKey?: string;
  readonly baseURL?: string;
  /** The base URL is declared to be the Deja provider simulator (otherwise it is probed). */
  readonly simulator?: boolean;
}

export interface ProviderClientsOptions {
  readonly openai: ProviderSettings;
  readonly anthropic: ProviderSettings;
  readonly timeoutMs: number;
  readonly logger?: SdkLogger;
  readonly fetch?: typeof fetch;
}

/**
 * One SDK client per configured provider. A provider is configured by an API key, or by a base
 * URL alone (the simulator, a self-hosted server), which gets a placeholder key: a real provider
 * then answers 401, a clear terminal error. Unconfigured providers are absent from the map.
 */
export function createProviderClients(options: ProviderClientsOptions): Map<Provider, LlmProviderClient> {
  const clients = new Map<Provider, LlmProviderClient>();
  const connection = (s: ProviderSettings): ProviderConnection | undefined => {
    const apiKey = s.apiKey ?? (s.baseURL ? SIMULATOR_DUMMY_KEY : undefined);
    if (!apiKey) return undefined;
    return {
      apiKey,
      timeoutMs: options.timeoutMs,
      simulated: s.simulator === true,
      ...(s.baseURL ? { baseURL: s.baseURL } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    };
  };
  const openai = connection(options.openai);
  if (openai) clients.set('openai', new OpenAIProviderClient(openai));
  const anthropic = connection(options.anthropic);
  if (anthropic) clients.set('anthropic', new AnthropicProviderClient(anthropic));
  return clients;
}
