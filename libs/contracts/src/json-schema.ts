import { z } from 'zod';
import { ALL_TOPICS } from './registry';

/**
 * JSON Schema of every topic's value, for producers written in other languages.
 * `io: 'input'` describes what a producer may send (defaults are optional there).
 */
export function topicJsonSchemas(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const t of ALL_TOPICS) {
    out[t.name] = {
      description: t.description,
      key: z.toJSONSchema(t.key, { io: 'input', unrepresentable: 'any' }),
      value: z.toJSONSchema(t.value, { io: 'input', unrepresentable: 'any' }),
    };
  }
  return out;
}
