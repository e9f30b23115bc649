import { ConsoleLogger, type ConsoleLoggerOptions, type LogLevel } from '@nestjs/common';
import { trace } from '@opentelemetry/api';

const SECRET_KEYS = /authorization|api[-_]?key|secret|password|token/i;
const SECRET_VALUES =
  /\b(sk-[A-Za-z0-9_-]{8,}|sk-ant-[A-Za-z0-9_-]{8,}|dj_[A-Za-z0-9_-]{16,}|Bearer\s+[A-Za-z0-9._~+/=-]{8,})/g;

/**
 * Structured JSON logs with the active trace and span id, so a log line leads to its trace in
 * Jaeger. API keys and bearer tokens are redacted wherever they appear in a message.
 */
export class TraceJsonLogger extends ConsoleLogger {
  constructor(options: ConsoleLoggerOptions & { service: string }) {
    super({ ...options, json: true, prefix: options.service });
  }

  protected override getJsonLogObject(
    message: unknown,
    options: { context: string; logLevel: LogLevel; writeStreamType?: 'stdout' | 'stderr'; errorStack?: unknown },
  ): ReturnType<ConsoleLogger['getJsonLogObject']> {
    const obj = super.getJsonLogObject(redact(message), options);
    const ctx = trace.getActiveSpan()?.spanContext();
    return ctx ? Object.assign(obj, { trace_id: ctx.traceId, span_id: ctx.spanId }) : obj;
  }
}

/** Redacts secrets in strings and in the values of secret-looking keys of objects. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.replace(SECRET_VALUES, '[redacted]');
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Error) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.test(k) ? '[redacted]' : redact(v, depth + 1)]),
  );
}
