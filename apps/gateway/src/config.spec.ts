import { join } from 'node:path';
import type { ConfigError } from '@deja/util-config';
import { parseConfig } from '@deja/util-config';
import { GatewayConfig, gatewayOptions } from './config';

describe('gateway configuration: DEJA_KEY_SECRET', () => {
  it('is a start-up error naming the key when unset and the gateway listens beyond loopback', () => {
    expect.assertions(2);
    try {
      parseConfig('gateway', GatewayConfig, { HOST: '0.0.0.0' });
    } catch (error) {
      expect((error as ConfigError).problems.map((p) => p.key)).toEqual(['DEJA_KEY_SECRET']);
      expect((error as ConfigError).message).toMatch(
        /DEJA_KEY_SECRET: is required when the gateway listens beyond loopback/,
      );
    }
  });

  it.each(['127.0.0.1', 'localhost', '::1'])(
    'leaves it unset on loopback (%s): local use, where the feature falls back to its development secret',
    (HOST) => {
      expect(gatewayOptions(parseConfig('gateway', GatewayConfig, { HOST })).keySecret).toBeUndefined();
    },
  );

  it('uses the secret it is given', () => {
    const config = parseConfig('gateway', GatewayConfig, {
      HOST: '0.0.0.0',
      DEJA_KEY_SECRET: 'a-real-secret-0123456789',
    });
    expect(gatewayOptions(config).keySecret).toBe('a-real-secret-0123456789');
  });
});

describe('every service config loads before tracing starts', () => {
  // tracing.ts imports config.ts before the OpenTelemetry SDK starts: if config.ts loads pg,
  // kafkajs, express or Nest (e.g. through a value import of a feature), they stay unpatched and
  // the service's spans silently leave the job's trace (it happened: the gateway's Kafka send and
  // pg spans went missing from the pipeline test's trace).
  const INSTRUMENTED = ['pg', 'kafkajs', 'express', '@nestjs/core'];

  it.each(['gateway', 'embedding-service', 'llm-worker', 'invalidation-service'])(
    '%s: loading config.ts loads none of pg, kafkajs, express, @nestjs/core',
    (app) => {
      const loaded: string[] = [];
      jest.isolateModules(() => {
        for (const name of INSTRUMENTED)
          jest.doMock(name, () => {
            loaded.push(name);
            return jest.requireActual(name);
          });
        jest.requireActual(join(__dirname, '..', '..', app, 'src', 'config.ts'));
      });
      for (const name of INSTRUMENTED) jest.dontMock(name);
      expect(loaded).toEqual([]);
    },
  );
});
