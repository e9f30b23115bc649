import type { Pool } from 'pg';
import { GatewayErrorCode, GatewayException, httpStatusFor } from '../gateway.exception';
import { NamespaceBounds } from './namespace-bounds.service';

/** A pool whose `namespaces` table holds `row` (or nothing), counting its queries. */
function poolWith(row?: Record<string, unknown>) {
  const query = jest.fn().mockResolvedValue({ rows: row ? [row] : [] });
  return { pool: { query } as unknown as Pool, query };
}

async function refusal(p: Promise<void>): Promise<GatewayException> {
  try {
    await p;
  } catch (error) {
    return error as GatewayException;
  }
  throw new Error('expected a refusal');
}

describe('NamespaceBounds (gateway check of deja.threshold / deja.ttl_seconds)', () => {
  it('refuses threshold 0.5 in a default namespace as a 400 naming deja.threshold (was 502 and a failed job)', async () => {
    const e = await refusal(new NamespaceBounds(poolWith().pool).check('t', { namespace: 'default', threshold: 0.5 }));
    expect(e).toBeInstanceOf(GatewayException);
    expect(httpStatusFor(e.code)).toBe(400);
    expect(e.retriable).toBe(false);
    expect(e.details.issues?.map((i) => i.path)).toEqual(['deja.threshold']);
  });

  it('refuses ttl_seconds 31536000 (a year) above the 7-day default as a 400 naming deja.ttl_seconds', async () => {
    const e = await refusal(
      new NamespaceBounds(poolWith().pool).check('t', { namespace: 'default', ttl_seconds: 31_536_000 }),
    );
    expect(e.code).toBe(GatewayErrorCode.InvalidRequest);
    expect(e.details.issues?.map((i) => i.path)).toEqual(['deja.ttl_seconds']);
  });

  it("applies the namespace's own stored bounds", async () => {
    const { pool } = poolWith({
      version: 1,
      threshold: 0.7,
      min_threshold: 0.6,
      max_threshold: 0.9,
      ttl_seconds: 60,
      sliding_ttl: false,
    });
    await expect(new NamespaceBounds(pool).check('t', { namespace: 'n', threshold: 0.65 })).resolves.toBeUndefined();
    const e = await refusal(new NamespaceBounds(pool).check('t', { namespace: 'n', threshold: 0.95, ttl_seconds: 61 }));
    expect(e.details.issues?.map((i) => i.path)).toEqual(['deja.threshold', 'deja.ttl_seconds']);
  });

  it('accepts overrides within bounds', async () => {
    await expect(
      new NamespaceBounds(poolWith().pool).check('t', { namespace: 'default', threshold: 0.9, ttl_seconds: 3600 }),
    ).resolves.toBeUndefined();
  });

  it('does not read the namespace when the request overrides nothing it bounds', async () => {
    const { pool, query } = poolWith();
    await new NamespaceBounds(pool).check('t', { namespace: 'default' });
    expect(query).not.toHaveBeenCalled();
  });
});
