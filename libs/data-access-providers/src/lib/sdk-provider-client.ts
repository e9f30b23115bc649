import type { Provider } from '@deja/contracts';
import type { ShapedRequest } from '@deja/util-prompt-cache';
import type { LlmProviderClient, ProviderConnection, ProviderResponse, SendOptions } from './provider-client';
import { ProviderError, ProviderErrorCode } from './providers.exception';
import { classifySdkError, type SdkErrorClasses } from './sdk-errors';
import { SimulatorDetector } from './simulator-detector';

/** A provider's answer as its SDK returned it, with the HTTP response headers. */
export interface SdkAnswer<Answer> {
  readonly data: Answer;
  readonly headers: Headers;
}

/**
 * What both official SDK clients do around their call: refuse a request shaped for the other
 * provider, classify every SDK error, and mark answers from the provider simulator. A subclass
 * says only how it calls its SDK and reads the answer.
 */
export abstract class SdkProviderClient<P extends Provider, Answer> implements LlmProviderClient {
  private readonly simulator: SimulatorDetector;

  protected constructor(
    readonly provider: P,
    /** The provider's name in messages ("OpenAI", "Anthropic"). */
    private readonly label: string,
    private readonly sdkErrors: SdkErrorClasses,
    connection: ProviderConnection,
  ) {
    this.simulator = new SimulatorDetector(connection.baseURL, connection.simulated === true, connection.fetch);
  }

  async send(request: ShapedRequest, options: SendOptions = {}): Promise<ProviderResponse> {
    if (request.provider !== this.provider)
      throw new ProviderError(
        this.provider,
        ProviderErrorCode.InvalidRequest,
        `an ${request.provider} request was sent to the ${this.label} client`,
      );
    let answer: SdkAnswer<Answer>;
    try {
      answer = await this.call(request as Extract<ShapedRequest, { provider: P }>, options);
    } catch (error) {
      throw classifySdkError(this.provider, error, this.sdkErrors);
    }
    return this.toResponse(answer, await this.simulator.isSimulator());
  }

  /** One call through the SDK, streamed to `options.onText` when it is set. */
  protected abstract call(
    request: Extract<ShapedRequest, { provider: P }>,
    options: SendOptions,
  ): Promise<SdkAnswer<Answer>>;

  /** The neutral response; throws `BadResponse` for an answer Deja cannot read. */
  protected abstract toResponse(answer: SdkAnswer<Answer>, simulatedEndpoint: boolean): ProviderResponse;
}
