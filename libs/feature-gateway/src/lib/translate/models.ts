import { ChatRequest } from '@deja/contracts';
import { findModel, listModels, providerOf, UNKNOWN_MODEL_DEFAULTS, type ModelFacts } from '@deja/util-model-catalog';
import { shapeAnthropicRequest } from '@deja/util-prompt-cache';
import { GatewayErrorCode, GatewayException } from '../gateway.exception';
import { anthropicToNeutral } from './anthropic';
import { parseOrThrow } from './common';

/** The catalog has no release dates; a fixed epoch keeps the objects stable and honest about it. */
const NO_DATE = 0;

/**
 * `GET /v1/models` in the caller's shape: OpenAI's list of its chat models, or — when the request
 * carries `anthropic-version`, as the Anthropic SDK's `models.list()` does — Anthropic's page of
 * Claude models. Only chat models: Deja answers chat, not embeddings.
 */
export function modelList(dialect: 'openai' | 'anthropic'): Record<string, unknown> {
  const models = listModels({ provider: dialect, kind: 'chat' });
  if (dialect === 'openai') return { object: 'list', data: models.map(openAiModel) };
  const data = models.map(anthropicModel);
  return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}

/** `GET /v1/models/{id}`: a chat model of the catalog (by id or alias), in the caller's shape; else 404. */
export function modelById(id: string, dialect: 'openai' | 'anthropic'): Record<string, unknown> {
  const model = findModel(id);
  if (!model || model.kind !== 'chat') {
    throw new GatewayException(GatewayErrorCode.NotFound, `The model '${id}' does not exist or is not served by Deja`, {
      issues: [{ path: 'model', message: 'unknown model' }],
    });
  }
  return dialect === 'openai' ? openAiModel(model) : anthropicModel(model);
}

function openAiModel(m: ModelFacts): { id: string; object: 'model'; created: number; owned_by: string } {
  return { id: m.id, object: 'model', created: NO_DATE, owned_by: m.provider === 'openai' ? 'openai' : 'anthropic' };
}

function anthropicModel(m: ModelFacts): { type: 'model'; id: string; display_name: string; created_at: string } {
  return { type: 'model', id: m.id, display_name: m.displayName, created_at: new Date(NO_DATE).toISOString() };
}

/**
 * `POST /v1/messages/count_tokens`: `{input_tokens}` of the prompt as Deja would send it (tools,
 * system, messages), counted with the catalog's tokenizer — the count the simulator bills and the
 * worker plans prompt caching with; a real Claude tokenizer differs by a few per cent.
 * The body is a Messages request without `max_tokens`; its fields are checked like one.
 */
export function countTokens(body: unknown): { input_tokens: number } {
  const withMax = typeof body === 'object' && body !== null && !Array.isArray(body) ? { max_tokens: 1, ...body } : body;
  const { request: neutral } = anthropicToNeutral(withMax);
  const request = parseOrThrow(ChatRequest, neutral);
  if (providerOf(request.model) !== 'anthropic') {
    throw new GatewayException(GatewayErrorCode.NotFound, `model: ${request.model}`, {
      issues: [{ path: 'model', message: 'not an Anthropic model' }],
    });
  }
  const facts = findModel(request.model) ?? { id: request.model, ...UNKNOWN_MODEL_DEFAULTS.anthropic };
  const shaped = shapeAnthropicRequest(request, { facts, defaultMaxTokens: 1 });
  return { input_tokens: shaped.promptTokens };
}
