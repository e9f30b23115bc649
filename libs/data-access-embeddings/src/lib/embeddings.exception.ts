import { DejaError } from '@deja/util-errors';

/** Why an embedding could not be produced. */
export enum EmbeddingErrorCode {
  /** The local model's files are not in the models folder (run scripts/setup-model.sh). */
  ModelMissing = 'model_missing',
  /** The files are there but unusable: bad manifest, corrupt ONNX graph, wrong output shape. */
  ModelInvalid = 'model_invalid',
  /** The configuration names an unknown provider or model, or a bad value. */
  BadConfig = 'bad_config',
  /** The provider refused the request for good (bad key, unknown model, input too long). */
  ProviderRejected = 'provider_rejected',
  /** The provider failed in a way that may pass (timeout, 5xx, rate limit, network). */
  ProviderUnavailable = 'provider_unavailable',
}

const RETRIABLE: Readonly<Record<EmbeddingErrorCode, boolean>> = {
  [EmbeddingErrorCode.ModelMissing]: false,
  [EmbeddingErrorCode.ModelInvalid]: false,
  [EmbeddingErrorCode.BadConfig]: false,
  [EmbeddingErrorCode.ProviderRejected]: false,
  [EmbeddingErrorCode.ProviderUnavailable]: true,
};

/** An error from an embedder; `retriable` says whether trying again later may succeed. */
export class EmbeddingException extends DejaError<EmbeddingErrorCode> {
  constructor(code: EmbeddingErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, RETRIABLE[code], options);
  }
}
