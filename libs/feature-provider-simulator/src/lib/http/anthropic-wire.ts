import type { AnthropicTurn } from '../core/simulator-engine';
import type { SimulatorException } from '../simulator.exception';
import { SimErrorCode } from '../simulator.exception';
import type { WireError } from './openai-wire';

/** Anthropic's error envelope: `{ type: "error", error: { type, message }, request_id }`. */
export function anthropicError(e: SimulatorException, requestId: string): WireError {
  const envelope = (status: number, type: string, headers: Record<string, string> = {}): WireError => ({
    status,
    headers: { 'request-id': requestId, ...headers },
    body: { type: 'error', error: { type, message: e.message }, request_id: requestId },
  });
  switch (e.code) {
    case SimErrorCode.InvalidRequest:
      return envelope(400, 'invalid_request_error');
    case SimErrorCode.Authentication:
      return envelope(401, 'authentication_error');
    case SimErrorCode.NotFound:
      return envelope(404, 'not_found_error');
    case SimErrorCode.RateLimited:
      return envelope(429, 'rate_limit_error', { 'retry-after': String(e.options.retryAfterSeconds ?? 1) });
    case SimErrorCode.ServerError:
      return envelope(500, 'api_error');
    case SimErrorCode.Overloaded:
      return envelope(529, 'overloaded_error');
  }
}

function usage(turn: AnthropicTurn, outputTokens: number): Record<string, unknown> {
  return {
    input_tokens: turn.usage.input_tokens,
    cache_creation_input_tokens: turn.usage.cache_creation_input_tokens,
    cache_read_input_tokens: turn.usage.cache_read_input_tokens,
    cache_creation: turn.usage.cache_creation,
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
}

/** Tool input as an object; arguments cut short by max_tokens are not JSON, and are sent as what was produced. */
function toolInput(args: string): unknown {
  try {
    return JSON.parse(args);
  } catch {
    return { _partial: args };
  }
}

/** A non-streaming `message`. */
export function anthropicMessage(turn: AnthropicTurn, id: string): Record<string, unknown> {
  return {
    id,
    type: 'message',
    role: 'assistant',
    model: turn.model,
    content: [
      turn.answer.toolCall
        ? {
            type: 'tool_use',
            id: `toolu_sim_${turn.answer.toolCall.id}`,
            name: turn.answer.toolCall.name,
            input: toolInput(turn.answer.toolCall.arguments),
          }
        : { type: 'text', text: turn.answer.text },
    ],
    stop_reason: turn.stopReason,
    stop_sequence: null,
    usage: usage(turn, turn.answer.tokens.length),
  };
}

export function anthropicUsage(turn: AnthropicTurn): Record<string, unknown> {
  return usage(turn, turn.answer.tokens.length);
}

/**
 * The server-sent events of a streamed message, in the documented order: `message_start`
 * (input usage, `output_tokens` 1), `content_block_start`, `ping`, one `content_block_delta`
 * per token, `content_block_stop`, `message_delta` (stop reason, cumulative usage),
 * `message_stop`.
 */
export function* anthropicEvents(
  turn: AnthropicTurn,
  id: string,
): Generator<{ event: string; data: Record<string, unknown>; tokens: number }> {
  yield {
    event: 'message_start',
    data: {
      type: 'message_start',
      message: {
        id,
        type: 'message',
        role: 'assistant',
        model: turn.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: usage(turn, 1),
      },
    },
    tokens: 0,
  };
  const call = turn.answer.toolCall;
  const block = call
    ? { type: 'tool_use', id: `toolu_sim_${call.id}`, name: call.name, input: {} }
    : { type: 'text', text: '' };
  yield {
    event: 'content_block_start',
    data: { type: 'content_block_start', index: 0, content_block: block },
    tokens: 0,
  };
  yield { event: 'ping', data: { type: 'ping' }, tokens: 0 };
  for (const token of turn.answer.tokens) {
    const delta = call ? { type: 'input_json_delta', partial_json: token } : { type: 'text_delta', text: token };
    yield { event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta }, tokens: 1 };
  }
  yield { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 }, tokens: 0 };
  const { service_tier: _tier, cache_creation: _split, ...cumulative } = usage(turn, turn.answer.tokens.length);
  yield {
    event: 'message_delta',
    data: { type: 'message_delta', delta: { stop_reason: turn.stopReason, stop_sequence: null }, usage: cumulative },
    tokens: 0,
  };
  yield { event: 'message_stop', data: { type: 'message_stop' }, tokens: 0 };
}
