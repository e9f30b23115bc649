import { Agent } from 'node:http';
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

export interface TracingOptions {
  serviceName: string;
  /** OTLP/HTTP base URL, e.g. http://127.0.0.1:4318 (traces go to `/v1/traces`). */
  otlpEndpoint: string;
  enabled: boolean;
  /** Extra processors (tests use an in-memory one). */
  extraSpanProcessors?: SpanProcessor[];
  diagLogger?: DiagLogger;
}

/** Paths that are polled by orchestrators and scrapers: never traced. */
const UNTRACED_PATHS = new Set(['/health', '/metrics']);

let sdk: NodeSDK | undefined;

/**
 * Starts the OpenTelemetry SDK. Must run before Nest, Express, pg or kafkajs are required so
 * their instrumentations can patch them — each service's `tracing.ts` is its first import.
 * Trace context crosses Kafka in message headers (kafkajs instrumentation), so one job is one
 * trace across services.
 */
export function startTracing(options: TracingOptions): NodeSDK | undefined {
  if (!options.enabled || sdk) return sdk;
  if (options.diagLogger) diag.setLogger(options.diagLogger, DiagLogLevel.WARN);
  // An explicit agent factory: the exporter's default loads `http` with a dynamic import,
  // which fails under VM-based runners such as Jest.
  const exporter = new OTLPTraceExporter({
    url: `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces`,
    httpAgentOptions: async () => new Agent({ keepAlive: true }),
  });
  sdk = new NodeSDK({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName, [ATTR_SERVICE_VERSION]: '0.1.0' }),
    spanProcessors: [
      new BatchSpanProcessor(exporter, { scheduledDelayMillis: 500 }),
      ...(options.extraSpanProcessors ?? []),
    ],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.has((req.url ?? '').split('?')[0]),
      }),
      new ExpressInstrumentation(),
      new NestInstrumentation(),
      new PgInstrumentation({ enhancedDatabaseReporting: false }),
      new KafkaJsInstrumentation(),
    ],
  });
  sdk.start();
  return sdk;
}

/** Flushes and stops the SDK (graceful shutdown, tests). */
export async function stopTracing(): Promise<void> {
  const current = sdk;
  sdk = undefined;
  await current?.shutdown();
}
