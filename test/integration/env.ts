/**
 * Where the integration tests find the real services. The defaults match `deploy/local/up`;
 * override them to run against other hosts.
 */
export const testEnv = {
  databaseUrl: process.env.TEST_DATABASE_URL ?? 'postgres://deja:deja@127.0.0.1:5432/deja_test',
  kafkaBrokers: (process.env.TEST_KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  otlpEndpoint: process.env.TEST_OTLP_ENDPOINT ?? 'http://127.0.0.1:4318',
  jaegerQueryUrl: process.env.TEST_JAEGER_QUERY_URL ?? 'http://127.0.0.1:16686',
};
