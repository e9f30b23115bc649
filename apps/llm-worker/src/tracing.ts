// First import of main.ts: instrumentations must patch http, express, nest, pg and kafkajs
// before anything requires them.
import { startTracing } from '@deja/util-telemetry';
import { loadConfig } from './config';

const config = loadConfig();
startTracing({
  serviceName: 'deja-llm-worker',
  otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
  enabled: !config.OTEL_SDK_DISABLED,
});
