import type { IHeaders } from 'kafkajs';
import type { z } from 'zod';
import { MessageErrorCode, MessageHandlingException } from './kafka.exception';

/**
 * Decodes and validates one Kafka value against its topic schema. Framework-free so the
 * validation rules are unit-tested without a broker.
 */
export function decodeValue<S extends z.ZodType>(schema: S, value: Buffer | null): z.infer<S> {
  if (value === null) throw new MessageHandlingException(MessageErrorCode.MalformedJson, 'message has no value (tombstone)', false);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(value);
  } catch {
    throw new MessageHandlingException(MessageErrorCode.MalformedJson, 'value is not valid UTF-8', false);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new MessageHandlingException(MessageErrorCode.MalformedJson, `value is not JSON: ${(error as Error).message}`, false);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
    throw new MessageHandlingException(
      MessageErrorCode.SchemaViolation,
      `value does not match schema: ${issues.slice(0, 5).map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      false,
      issues,
    );
  }
  return parsed.data;
}

/** Headers as plain strings (kafkajs gives Buffers, arrays or undefined). */
export function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined) continue;
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined) out[k] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return out;
}

/** The original bytes as text when they are UTF-8, base64 otherwise, for the dead-letter record. */
export function preserveValue(value: Buffer | null): { value: string | null; value_encoding: 'utf8' | 'base64' } {
  if (value === null) return { value: null, value_encoding: 'utf8' };
  try {
    return { value: new TextDecoder('utf-8', { fatal: true }).decode(value), value_encoding: 'utf8' };
  } catch {
    return { value: value.toString('base64'), value_encoding: 'base64' };
  }
}
