import Anthropic, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import type { Message } from '@anthropic-ai/sdk/resources/messages';
import type { ToolCall } from '@deja/contracts';
import type { ShapedAnthropicRequest } from '@deja/util-prompt-cache';
import { usageFromAnthropic } from '@deja/util-model-catalog';
import type { ProviderConnection, ProviderResponse, SendOptions } from './provider-client';
import { sdkOptions, SIMULATED_HEADER } from './provider-client';
import { ProviderError, ProviderErrorCode } from './providers.exception';
import { SdkProviderClient, type SdkAnswer } from './sdk-provider-client';

const SDK_ERRORS = { APIError, APIConnectionError, APIConnectionTimeoutError, APIUserAbortError };

/** Anthropic Messages through the official SDK, with retries off (they are Deja's). */
export class AnthropicProviderClient extends SdkProviderClient<'anthropic', Message> {
  private readonly client: Anthropic;

  constructor(connection: ProviderConnection) {
    super('anthropic', 'Anthropic', SDK_ERRORS, connection);
    this.client = new Anthropic(sdkOptions(connection));
  }

  protected async call(request: ShapedAnthropicRequest, options: SendOptions): Promise<SdkAnswer<Message>> {
    const sdkOptions = options.signal ? { signal: options.signal } : undefined;
    if (!options.onText) {
      const { data, response } = await this.client.messages.create(request.body, sdkOptions).withResponse();
      return { data, headers: response.headers };
    }
    // The SDK's MessageStream assembles the Message (tool inputs, usage) from the events; a
    // stream that breaks before `message_stop` rejects `finalMessage()`.
    const stream = this.client.messages.stream(request.body, sdkOptions);
    const onText = options.onText;
    stream.on('text', (delta) => onText(delta));
    const [data, { response }] = await Promise.all([stream.finalMessage(), stream.withResponse()]);
    return { data, headers: response.headers };
  }

  protected toResponse({ data, headers }: SdkAnswer<Message>, simulatedEndpoint: boolean): ProviderResponse {
    return toResponse(data, headers, simulatedEndpoint);
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
