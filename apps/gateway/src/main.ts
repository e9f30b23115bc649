import './tracing';
import { configureGatewayHttp } from '@deja/feature-gateway';
import { bootstrapService } from '@deja/feature-ops';
import { AppModule } from './app.module';
import { gatewayInfrastructureOptions, gatewayOptions, loadConfig } from './config';

const config = loadConfig();
const options = gatewayOptions(config);
void bootstrapService({
  service: 'gateway',
  module: AppModule.forRoot(options, gatewayInfrastructureOptions(config), {
    metricsToken: config.DEJA_METRICS_TOKEN,
    traceUiUrl: config.OTEL_SDK_DISABLED ? undefined : config.DEJA_TRACE_UI_URL,
  }),
  port: config.PORT,
  host: config.HOST,
  logLevel: config.LOG_LEVEL,
  // One group for all replicas: each result is persisted once, then NOTIFY wakes every replica.
  consumerGroup: `${config.KAFKA_GROUP_PREFIX}.gateway`,
  configureHttp: (app) => configureGatewayHttp(app, options),
});
