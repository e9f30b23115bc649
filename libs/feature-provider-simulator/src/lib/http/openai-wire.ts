import type { OpenAITurn } from '../core/simulator-engine';
import type { SimulatorException } from '../simulator.exception';
import { SimErrorCode } from '../simulator.exception';

/** An HTTP error as one provider sends it. */
export interface WireError {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** OpenAI's error envelope: `{ "error": { message, type, param, code } }`. */
export function openaiError(e: SimulatorException, requestId: string): WireError {
  const envelope = (
    status: number,
    type: string,
    code: string | null,
    headers: Record<string, string> = {},
  ): WireError => ({
    status,
    headers: { 'x-request-id': requestId, ...headers },
    body: { error: { message: e.message, type, param: e.options.param ?? null, code } },
  });
  switch (e.code) {
    case SimErrorCode.InvalidRequest:
      return envelope(400, 'invalid_request_error', null);
    case SimErrorCode.Authentication:
      return envelope(401, 'invalid_request_error', 'invalid_api_key');
    case SimErrorCode.NotFound:
      return envelope(404, 'invalid_request_error', 'model_not_found');
    case SimErrorCode.RateLimited:
      return envelope(429, 'requests', 'rate_limit_exceeded', {
        'retry-after': String(e.options.retryAfterSeconds ?? 1),
      });
    case SimErrorCode.ServerError:
      return envelope(500, 'server_error', null);
    case SimErrorCode.Overloaded:
      // OpenAI has no 529: an overloaded engine answers 503.
      return envelope(503, 'server_error', null);
  }
}

export function openaiUsage(turn: OpenAITurn): Record<string, unknown> {
  const completion = turn.answer.tokens.length;
  return {
    prompt_tokens: turn.promptTokens,
    completion_tokens: completion,
    total_tokens: turn.promptTokens + completion,
    prompt_tokens_details: { cached_tokens: turn.cachedTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

const FINGERPRINT = 'fp_deja_sim';

function openaiToolCall(call: { id: string; name: string; arguments: string }) {
  return {
    id: `call_sim_${call.id}`,
    type: 'function' as const,
    function: { name: call.name, arguments: call.arguments },
  };
}

/** A non-streaming `chat.completion`. */
export function openaiCompletion(turn: OpenAITurn, id: string, created: number): Record<string, unknown> {
  return {
    id,
    object: 'chat.completion',
    created,
    model: turn.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: turn.answer.toolCall ? null : turn.answer.text,
          refusal: null,
          annotations: [],
          ...(turn.answer.toolCall ? { tool_calls: [openaiToolCall(turn.answer.toolCall)] } : {}),
        },
        logprobs: null,
        finish_reason: turn.finishReason,
      },
    ],
    usage: openaiUsage(turn),
    service_tier: 'default',
    system_fingerprint: FINGERPRINT,
  };
}

/**
 * The `chat.completion.chunk` objects of a stream, in order: a role chunk, one chunk per token,
 * a finish chunk, and (with `stream_options.include_usage`) a final chunk with empty `choices`
 * and the usage — every earlier chunk then carries `usage: null`, as the API does.
 */
export function* openaiChunks(
  turn: OpenAITurn,
  id: string,
  created: number,
): Generator<{ chunk: Record<string, unknown>; tokens: number }> {
  const base = {
    id,
    object: 'chat.completion.chunk',
    created,
    model: turn.model,
    service_tier: 'default',
    system_fingerprint: FINGERPRINT,
  };
  const usageNull = turn.includeUsage ? { usage: null } : {};
  const choice = (delta: Record<string, unknown>, finish: string | null) => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...usageNull,
  });
  const call = turn.answer.toolCall;
  yield { chunk: choice({ role: 'assistant', content: call ? null : '', refusal: null }, null), tokens: 0 };
  if (call) {
    const { function: fn, ...head } = openaiToolCall(call);
    yield {
      chunk: choice({ tool_calls: [{ index: 0, ...head, function: { name: fn.name, arguments: '' } }] }, null),
      tokens: 0,
    };
    for (const token of turn.answer.tokens)
      yield { chunk: choice({ tool_calls: [{ index: 0, function: { arguments: token } }] }, null), tokens: 1 };
  } else {
    for (const token of turn.answer.tokens) yield { chunk: choice({ content: token }, null), tokens: 1 };
  }
  yield { chunk: choice({}, turn.finishReason), tokens: 0 };
  if (turn.includeUsage) yield { chunk: { ...base, choices: [], usage: openaiUsage(turn) }, tokens: 0 };
}
