import { tokenize } from '@deja/util-model-catalog';
import { seededRandom, sha256 } from './hash';
import { valueForSchema, type OutputPlan } from './structured-output';

export interface SimulatedAnswer {
  /** The answer split into tokens (streamed one delta per token). */
  readonly tokens: readonly string[];
  readonly text: string;
  /** True when `maxTokens` cut the answer short. */
  readonly truncated: boolean;
  /** A call of one of the request's tools (then `text` is empty and `tokens` are its arguments). */
  readonly toolCall?: { readonly id: string; readonly name: string; readonly arguments: string };
}

const FILLER = ['cache', 'prefix', 'token', 'answer', 'model', 'result', 'stream', 'value', 'request', 'simulated'];
const QUESTION_CHARS = 300;

/**
 * The deterministic answer: a function of the model and the whole prompt only, so the same
 * request always gets the same text and any change to the prompt changes the `[sim:…]` tag.
 * `outputTokens` pads (with words drawn from the prompt hash) or cuts the answer to exactly
 * that many tokens; `maxTokens` then caps it like the real `max_tokens`.
 */
export function simulatedAnswer(input: {
  model: string;
  promptHash: string;
  lastUserText: string;
  outputTokens?: number;
  maxTokens?: number;
  /** Text (default), a tool call, or JSON: what the request's tool_choice / response format asks for. */
  plan?: OutputPlan;
}): SimulatedAnswer {
  const tag = sha256(input.model, input.promptHash).slice(0, 8);
  const question = input.lastUserText.replace(/\s+/g, ' ').trim();
  const shown =
    question.length > QUESTION_CHARS ? `${question.slice(0, QUESTION_CHARS)}…` : question || '(no question)';
  const sentence = `Simulated answer to: ${shown} [sim:${tag}]`;
  const plan = input.plan ?? { kind: 'text' };
  if (plan.kind === 'tool') {
    // Arguments satisfy the tool's schema; they are the output, as at the providers.
    const args = JSON.stringify(valueForSchema(plan.schema, `${tag}:${plan.name}`, tag));
    const all = tokenize(args);
    const truncated = input.maxTokens !== undefined && all.length > input.maxTokens;
    const tokens = truncated ? all.slice(0, input.maxTokens) : all;
    return { tokens, text: '', truncated, toolCall: { id: tag, name: plan.name, arguments: tokens.join('') } };
  }
  const body =
    plan.kind === 'json'
      ? JSON.stringify(plan.schema === null ? { answer: sentence } : valueForSchema(plan.schema, tag, tag))
      : sentence;
  let tokens = tokenize(body);
  if (plan.kind === 'text' && input.outputTokens !== undefined) {
    const random = seededRandom(tag);
    while (tokens.length < input.outputTokens) tokens.push(` ${FILLER[Math.floor(random() * FILLER.length)]}`);
    tokens = tokens.slice(0, input.outputTokens);
  }
  const truncated = input.maxTokens !== undefined && tokens.length > input.maxTokens;
  if (truncated) tokens = tokens.slice(0, input.maxTokens);
  return { tokens, text: tokens.join(''), truncated };
}
