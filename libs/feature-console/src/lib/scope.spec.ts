import { GatewayErrorCode, GatewayException, type Principal } from '@deja/feature-gateway';
import { readScope, writeScope } from './scope';

const tenant: Principal = { kind: 'tenant', tenant: 'acme', rateLimit: { rps: 10, burst: 10 } };
const admin: Principal = { kind: 'admin' };

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof GatewayException ? e.code : 'not a gateway error';
  }
  return 'no error';
};

describe('console scope', () => {
  it('reads a tenant key’s own tenant whether or not it names it', () => {
    expect(readScope(tenant, undefined)).toBe('acme');
    expect(readScope(tenant, 'acme')).toBe('acme');
  });

  it('refuses a tenant key that asks for another tenant (403), instead of narrowing silently', () => {
    expect(codeOf(() => readScope(tenant, 'globex'))).toBe(GatewayErrorCode.Forbidden);
  });

  it('reads every tenant for the admin key unless it names one', () => {
    expect(readScope(admin, undefined)).toBeUndefined();
    expect(readScope(admin, 'globex')).toBe('globex');
  });

  it('makes the admin name the tenant it acts on', () => {
    expect(codeOf(() => writeScope(admin, undefined))).toBe(GatewayErrorCode.InvalidRequest);
    expect(writeScope(admin, 'globex')).toBe('globex');
    expect(writeScope(tenant, undefined)).toBe('acme');
  });
});
