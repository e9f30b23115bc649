import { DEVELOPMENT_KEY_SECRET } from '@deja/feature-gateway';
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
    'falls back to the development secret on loopback (%s): local use',
    (HOST) => {
      expect(gatewayOptions(parseConfig('gateway', GatewayConfig, { HOST })).keySecret).toBe(DEVELOPMENT_KEY_SECRET);
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
