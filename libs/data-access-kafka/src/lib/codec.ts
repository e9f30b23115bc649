import type { IHeaders } from 'kafkajs';
import type { z } from 'zod';
import { MessageErrorCode, MessageHandlingException } from './kafka.exception';

/**
 * Decodes and validates one Kafka value against its topic schema. Framework-free so the
 * validation rules are unit-tested without a broker.
 */
export function decodeValue<S extends z.ZodType>(schema: S, value: Buffer | null): z.infer<S> {
  if (value === null)
    throw new MessageHandlingException(MessageErrorCode.MalformedJson, 'message has no value (tombstone)', false);
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
    throw new MessageHandlingException(
      MessageErrorCode.MalformedJson,
      `value is not JSON: ${(error as Error).message}`,
      false,
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({
      path: i.path.map(String).join('.') || '(root)',
      message: i.message,
    }));
    throw new MessageHandlingException(
      MessageErrorCode.SchemaViolation,
      `value does not match schema: ${issues
        .slice(0, 5)
        .map((i) => `${i.path}: ${i.message}`)
        .join('; ')}`,
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

/**
 * Largest slice of the original value kept in a dead-letter record. JSON escaping can grow text
 * six-fold (control characters), so 64 KiB keeps the record well under the broker's 1 MB limit.
 */
export const DEAD_LETTER_VALUE_BYTES = 64 * 1024;

/**
 * The original bytes as text when they are UTF-8, base64 otherwise, for the dead-letter record;
 * cut to {@link DEAD_LETTER_VALUE_BYTES} so a huge poison message cannot make its own dead letter
 * too large to publish (which would stop the consumer).
 */
export function preserveValue(value: Buffer | null): {
  value: string | null;
  value_encoding: 'utf8' | 'base64';
  value_truncated: boolean;
  original_bytes: number;
} {
  if (value === null) return { value: null, value_encoding: 'utf8', value_truncated: false, original_bytes: 0 };
  const truncated = value.length > DEAD_LETTER_VALUE_BYTES;
  const kept = truncated ? value.subarray(0, DEAD_LETTER_VALUE_BYTES) : value;
  const meta = { value_truncated: truncated, original_bytes: value.length };
  try {
    // A cut may split a multi-byte character: decode leniently only then.
    return { value: new TextDecoder('utf-8', { fatal: !truncated }).decode(kept), value_encoding: 'utf8', ...meta };
  } catch {
    return { value: kept.toString('base64'), value_encoding: 'base64', ...meta };
  }
}
