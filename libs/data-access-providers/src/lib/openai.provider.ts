import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import type { ToolCall } from '@deja/contracts';
import type { ShapedRequest } from '@deja/util-prompt-cache';
import { usageFromOpenAI } from '@deja/util-model-catalog';
import type { LlmProviderClient, ProviderConnection, ProviderResponse, SendOptions } from './provider-client';
import { sdkOptions, SIMULATED_HEADER, SIMULATOR_FINGERPRINT } from './provider-client';
import { ProviderError, ProviderErrorCode } from './providers.exception';
import { assembleOpenAIStream } from './openai-stream';
import { classifySdkError } from './sdk-errors';
import { SimulatorDetector } from './simulator-detector';

const SDK_ERRORS = { APIError, APIConnectionError, APIConnectionTimeoutError, APIUserAbortError };

/** OpenAI Chat Completions through the official SDK, with retries off (they are Deja's). */
export class OpenAIProviderClient implements LlmProviderClient {
  readonly provider = 'openai' as const;
  private readonly simulator: SimulatorDetector;
  private readonly client: OpenAI;

  constructor(connection: ProviderConnection) {
    this.client = new OpenAI(sdkOptions(connection));
    this.simulator = new SimulatorDetector(connection.baseURL, connection.simulated === true, connection.fetch);
  }

  async send(request: ShapedRequest, options: SendOptions = {}): Promise<ProviderResponse> {
    if (request.provider !== 'openai') {
      throw new ProviderError(
        'openai',
        ProviderErrorCode.InvalidRequest,
        `an ${request.provider} request was sent to the OpenAI client`,
      );
    }
    let completion: ChatCompletion;
    let headers: Headers;
    const sdkOptions = options.signal ? { signal: options.signal } : undefined;
    try {
      if (options.onText) {
        // Usage comes in a last chunk only when asked for; cost accounting needs it.
        const body = { ...request.body, stream: true as const, stream_options: { include_usage: true } };
        const { data, response } = await this.client.chat.completions.create(body, sdkOptions).withResponse();
        headers = response.headers;
        completion = await assembleOpenAIStream(data, options.onText);
      } else {
        const { data, response } = await this.client.chat.completions.create(request.body, sdkOptions).withResponse();
        completion = data;
        headers = response.headers;
      }
    } catch (error) {
      throw classifySdkError('openai', error, SDK_ERRORS);
    }
    return toResponse(completion, headers, await this.simulator.isSimulator());
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
