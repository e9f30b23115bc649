import { z } from 'zod';
import type { ConfigError } from './load-config';
import { parseConfig } from './load-config';
import { kafkaConfig, port } from './fragments';

const schema = z.object({ PORT: port(8080), ...kafkaConfig, API_KEY: z.string().min(8) });

describe('parseConfig', () => {
  it('applies defaults and coerces values', () => {
    const cfg = parseConfig('svc', schema, { API_KEY: 'abcdefgh' });
    expect(cfg.PORT).toBe(8080);
    expect(cfg.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
  });

  it('names every bad key at once', () => {
    expect.assertions(3);
    try {
      parseConfig('svc', schema, { PORT: 'eighty', KAFKA_BROKERS: 'nohost' });
    } catch (e) {
      const err = e as ConfigError;
      expect(err.problems.map((p) => p.key).sort()).toEqual(['API_KEY', 'KAFKA_BROKERS.0', 'PORT']);
      expect(err.message).toContain('API_KEY: is required but not set');
      expect(err.message).toContain('"eighty"');
    }
  });

  it('never echoes a secret value', () => {
    expect(() => parseConfig('svc', schema, { API_KEY: 'short' })).toThrow(/API_KEY: (?!.*short)/);
  });
});

describe('DEJA_TOPIC_PREFIX', () => {
  it('defaults to no prefix', () => {
    expect(parseConfig('svc', schema, { API_KEY: 'abcdefgh' }).DEJA_TOPIC_PREFIX).toBe('');
  });

  it('is a start-up error naming the key when Kafka would refuse the topic names', () => {
    expect(() => parseConfig('svc', schema, { API_KEY: 'abcdefgh', DEJA_TOPIC_PREFIX: 'acme prod/' })).toThrow(
      /DEJA_TOPIC_PREFIX: may contain only letters, digits/,
    );
    expect(() => parseConfig('svc', schema, { API_KEY: 'abcdefgh', DEJA_TOPIC_PREFIX: 'x'.repeat(240) })).toThrow(
      /DEJA_TOPIC_PREFIX: must be at most \d+ characters/,
    );
  });
});
