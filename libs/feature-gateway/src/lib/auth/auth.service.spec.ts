import type { TenantsRepository } from '@deja/data-access-jobs';
import type { GatewayOptions } from '../gateway.options';
import { DEVELOPMENT_KEY_SECRET, hashApiKey } from './api-key';
import { AuthService } from './auth.service';

const KEY = 'dj_test_key_0123456789';
const options = { rateLimit: { rps: 10, burst: 20 } } as GatewayOptions;

/** A key store whose answers the test releases one at a time. */
function keyStore() {
  const pending: Array<() => void> = [];
  let lookups = 0;
  const row = {
    id: 'acme',
    rate_limit_rps: null,
    rate_limit_burst: null,
    key_hash: hashApiKey(DEVELOPMENT_KEY_SECRET, KEY),
  };
  const tenants = {
    findByKeyHash: () => {
      lookups++;
      return new Promise((resolve) => pending.push(() => resolve(row)));
    },
  } as unknown as TenantsRepository;
  return { tenants, release: () => pending.shift()?.(), lookups: () => lookups };
}

/** An AuthService over a scripted key store. */
function authOverKeyStore() {
  const store = keyStore();
  return { store, auth: new AuthService(store.tenants, options) };
}

describe('AuthService key cache', () => {
  it('asks the key store again after the tenant is forgotten (an erasure notification)', async () => {
    const { store, auth } = authOverKeyStore();
    const first = auth.resolve(KEY);
    store.release();
    expect(await first).toMatchObject({ kind: 'tenant', tenant: 'acme' });
    expect(await auth.resolve(KEY)).toMatchObject({ tenant: 'acme' });
    expect(store.lookups()).toBe(1);

    auth.forgetTenant('acme');
    const again = auth.resolve(KEY);
    store.release();
    await again;
    expect(store.lookups()).toBe(2);
  });

  it('does not remember a lookup that was under way when the tenant was erased', async () => {
    const { store, auth } = authOverKeyStore();
    const racing = auth.resolve(KEY); // read before the erasure committed
    auth.forgetTenant('acme'); // the erasure's notification arrives meanwhile
    store.release();
    await racing;
    const next = auth.resolve(KEY);
    store.release();
    await next;
    expect(store.lookups()).toBe(2);
  });

  it('forgets every key when notifications may have been missed', async () => {
    const { store, auth } = authOverKeyStore();
    const first = auth.resolve(KEY);
    store.release();
    await first;
    auth.forgetAll();
    const next = auth.resolve(KEY);
    store.release();
    await next;
    expect(store.lookups()).toBe(2);
  });
});
