export * from './lib/bus-store';
export * from './lib/pg-bus.store';
export * from './lib/partitioner';
export * from './lib/message-bus';
export * from './lib/bus-kafka';
export * from './nest/bus.module';
