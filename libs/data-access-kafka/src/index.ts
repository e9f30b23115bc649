export * from './lib/kafka.exception';
export * from './lib/codec';
export * from './lib/kafka-client';
export * from './lib/publisher';
export * from './lib/consumer-runner';
export * from './nest/kafka.module';
export * from './nest/kafka-consumer.server';
export * from './nest/rpc-passthrough.filter';
