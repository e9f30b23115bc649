import './tracing';
import { bootstrapService } from '@deja/feature-ops';
import { AppModule } from './app.module';
import { loadConfig } from './config';

const config = loadConfig();
void bootstrapService({
  service: 'embedding-service',
  module: AppModule.forRoot(config),
  port: config.PORT,
  host: config.HOST,
  logLevel: config.LOG_LEVEL,
  consumerGroup: `${config.KAFKA_GROUP_PREFIX}.embedding-service`,
  partitionsConsumedConcurrently: config.DEJA_CONSUMER_CONCURRENCY,
});
