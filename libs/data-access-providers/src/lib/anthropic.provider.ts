import Anthropic, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import type { Message } from '@anthropic-ai/sdk/resources/messages';
import type { ToolCall } from '@deja/contracts';
import type { ShapedRequest } from '@deja/util-prompt-cache';
import { usageFromAnthropic } from '@deja/util-model-catalog';
import type { LlmProviderClient, ProviderConnection, ProviderResponse, SendOptions } from './provider-client';
import { sdkOptions, SIMULATED_HEADER } from './provider-client';
import { ProviderError, ProviderErrorCode } from './providers.exception';
import { classifySdkError } from './sdk-errors';
import { SimulatorDetector } from './simulator-detector';

const SDK_ERRORS = { APIError, APIConnectionError, APIConnectionTimeoutError, APIUserAbortError };

/** Anthropic Messages through the official SDK, with retries off (they are Deja's). */
export class AnthropicProviderClient implements LlmProviderClient {
  readonly provider = 'anthropic' as const;
  private readonly simulator: SimulatorDetector;
  private readonly client: Anthropic;

  constructor(connection: ProviderConnection) {
    this.client = new Anthropic(sdkOptions(connection));
    this.simulator = new SimulatorDetector(connection.baseURL, connection.simulated === true, connection.fetch);
  }

  async send(request: ShapedRequest, options: SendOptions = {}): Promise<ProviderResponse> {
    if (request.provider !== 'anthropic') {
      throw new ProviderError(
        'anthropic',
        ProviderErrorCode.InvalidRequest,
        `an ${request.provider} request was sent to the Anthropic client`,
      );
    }
    let message: Message;
    let headers: Headers;
    const sdkOptions = options.signal ? { signal: options.signal } : undefined;
    try {
      if (options.onText) {
        // The SDK's MessageStream assembles the Message (tool inputs, usage) from the events; a
        // stream that breaks before `message_stop` rejects `finalMessage()`.
        const stream = this.client.messages.stream(request.body, sdkOptions);
        const onText = options.onText;
        stream.on('text', (delta) => onText(delta));
        const [final, { response }] = await Promise.all([stream.finalMessage(), stream.withResponse()]);
        message = final;
        headers = response.headers;
      } else {
        const { data, response } = await this.client.messages.create(request.body, sdkOptions).withResponse();
        message = data;
        headers = response.headers;
      }
    } catch (error) {
      throw classifySdkError('anthropic', error, SDK_ERRORS);
    }
    return toResponse(message, headers, await this.simulator.isSimulator());
  }
}

function toResponse(message: Message, headers: Headers, simulatedEndpoint: boolean): ProviderResponse {
  if (!Array.isArray(message.content) || !message.usage) {
    throw new ProviderError('anthropic', ProviderErrorCode.BadResponse, 'anthropic: response has no content or usage');
  }
  const texts: string[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of message.content) {
    if (block.type === 'text') texts.push(block.text);
    else if (block.type === 'tool_use')
      toolCalls.push({ id: block.id, name: block.name, arguments: JSON.stringify(block.input ?? {}) });
  }
  return {
    answer: {
      content: texts.join(''),
      finish_reason: message.stop_reason ?? 'unknown',
      ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
      simulated: simulatedEndpoint || headers.get(SIMULATED_HEADER) === 'true',
    },
    usage: usageFromAnthropic(message.usage),
    model: message.model,
    complete: true,
    requestId: headers.get('request-id'),
  };
}
