import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import type { ToolCall } from '@deja/contracts';
import type { ShapedOpenAIRequest } from '@deja/util-prompt-cache';
import { usageFromOpenAI } from '@deja/util-model-catalog';
import type { ProviderConnection, ProviderResponse, SendOptions } from './provider-client';
import { sdkOptions, SIMULATED_HEADER, SIMULATOR_FINGERPRINT } from './provider-client';
import { ProviderError, ProviderErrorCode } from './providers.exception';
import { assembleOpenAIStream } from './openai-stream';
import { SdkProviderClient, type SdkAnswer } from './sdk-provider-client';

const SDK_ERRORS = { APIError, APIConnectionError, APIConnectionTimeoutError, APIUserAbortError };

/** OpenAI Chat Completions through the official SDK, with retries off (they are Deja's). */
export class OpenAIProviderClient extends SdkProviderClient<'openai', ChatCompletion> {
  private readonly client: OpenAI;

  constructor(connection: ProviderConnection) {
    super('openai', 'OpenAI', SDK_ERRORS, connection);
    this.client = new OpenAI(sdkOptions(connection));
  }

  protected async call(request: ShapedOpenAIRequest, options: SendOptions): Promise<SdkAnswer<ChatCompletion>> {
    const sdkOptions = options.signal ? { signal: options.signal } : undefined;
    if (!options.onText) {
      const { data, response } = await this.client.chat.completions.create(request.body, sdkOptions).withResponse();
      return { data, headers: response.headers };
    }
    // Usage comes in a last chunk only when asked for; cost accounting needs it.
    const body = { ...request.body, stream: true as const, stream_options: { include_usage: true } };
    const { data, response } = await this.client.chat.completions.create(body, sdkOptions).withResponse();
    return { data: await assembleOpenAIStream(data, options.onText), headers: response.headers };
  }

  protected toResponse({ data, headers }: SdkAnswer<ChatCompletion>, simulatedEndpoint: boolean): ProviderResponse {
    return toResponse(data, headers, simulatedEndpoint);
  }
}

function toResponse(completion: ChatCompletion, headers: Headers, simulatedEndpoint: boolean): ProviderResponse {
  const choice = completion.choices?.[0];
  if (!choice || !completion.usage) {
    throw new ProviderError('openai', ProviderErrorCode.BadResponse, 'openai: response has no choices or no usage');
  }
  const toolCalls: ToolCall[] = (choice.message.tool_calls ?? []).flatMap((call) =>
    call.type === 'function' ? [{ id: call.id, name: call.function.name, arguments: call.function.arguments }] : [],
  );
  return {
    answer: {
      content: choice.message.content ?? '',
      finish_reason: choice.finish_reason ?? 'unknown',
      ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
      simulated:
        simulatedEndpoint ||
        completion.system_fingerprint === SIMULATOR_FINGERPRINT ||
        headers.get(SIMULATED_HEADER) === 'true',
    },
    usage: usageFromOpenAI(completion.usage),
    model: completion.model,
    complete: true,
    requestId: headers.get('x-request-id'),
  };
}
