import { ConfigError, parseConfig } from '@deja/util-config';
import { EmbeddingServiceConfig } from './config';

const base = { DATABASE_URL: 'postgres://deja:deja@127.0.0.1:5432/deja', KAFKA_BROKERS: '127.0.0.1:9092' };

describe('embedding-service config: degraded mode per namespace', () => {
  it('reads namespace=mode pairs', () => {
    const c = parseConfig('embedding-service', EmbeddingServiceConfig, {
      ...base,
      DEJA_DB_DOWN_MODE: 'bypass',
      DEJA_DB_DOWN_MODE_NAMESPACES: 'payments=fail, drafts=retry',
    });
    expect(c.DEJA_DB_DOWN_MODE_NAMESPACES).toEqual({ payments: 'fail', drafts: 'retry' });
    expect(parseConfig('embedding-service', EmbeddingServiceConfig, base).DEJA_DB_DOWN_MODE_NAMESPACES).toEqual({});
  });

  it('refuses a bad pair at start-up, naming the key', () => {
    expect(() =>
      parseConfig('embedding-service', EmbeddingServiceConfig, {
        ...base,
        DEJA_DB_DOWN_MODE_NAMESPACES: 'payments=explode',
      }),
    ).toThrow(ConfigError);
    expect(() =>
      parseConfig('embedding-service', EmbeddingServiceConfig, {
        ...base,
        DEJA_DB_DOWN_MODE_NAMESPACES: 'payments=explode',
      }),
    ).toThrow(/DEJA_DB_DOWN_MODE_NAMESPACES/);
  });
});
