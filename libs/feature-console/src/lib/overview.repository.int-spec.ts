import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbeddedDatabase, type EmbeddedDatabase } from '@deja/data-access-pglite';
import { OVERVIEW_WINDOWS } from './overview';
import { OverviewRepository, type OverviewRow } from './overview.repository';

/**
 * The Overview's roll-up against a database of its own (PGlite with Deja's migrations, as embedded
 * mode runs them): what it reads from rolled-up hours equals what it read from the raw jobs.
 */
describe('Overview roll-up', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deja-overview-'));
  let db: EmbeddedDatabase;
  let repo: OverviewRepository;

  beforeAll(async () => {
    db = await openEmbeddedDatabase({ dataDir: dir, runMigrations: true });
    repo = new OverviewRepository(db.pool);
    // 300 jobs completed over the last 30 hours, in two tenants and two namespaces; hits, misses,
    // coalesced misses and bypasses; latencies from 3 ms to 9 s; some with prompt-cache savings.
    await db.pool.query(
      `INSERT INTO jobs (id, tenant, status, request, result, created_at, updated_at, completed_at)
       SELECT 'job-' || i, 't' || (i % 2), 'completed',
         jsonb_build_object('cache', jsonb_build_object('namespace', 'ns' || (i / 2 % 2))),
         jsonb_build_object(
           'cache', jsonb_build_object('outcome', (ARRAY['hit', 'hit', 'miss', 'miss', 'bypass'])[i % 5 + 1],
             'tier', CASE i % 5 WHEN 0 THEN 'exact' WHEN 1 THEN 'semantic' END, 'coalesced', i % 5 = 3 AND i % 3 = 0),
           'usage', jsonb_build_object('cache_read_tokens', i % 4 * 10),
           'saved_usage', jsonb_build_object('input_tokens', i % 7, 'output_tokens', i % 11),
           'cost', jsonb_build_object('saved_usd', (i % 13) * 0.000137)),
         c - (3 + (i * 37) % 9000) * interval '1 ms', c, c
       FROM (SELECT i, now() - (i * 6) * interval '1 minute' AS c FROM generate_series(0, 299) AS i) s`,
    );
  });

  afterAll(async () => {
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the same day and week Overview from rolled-up hours as from the raw jobs', async () => {
    const scopes = [
      [undefined, undefined],
      ['t0', undefined],
      ['t1', 'ns1'],
    ] as const;
    const read = () =>
      Promise.all(
        scopes.flatMap(([tenant, ns]) => [
          repo.overview(tenant, ns, OVERVIEW_WINDOWS.day),
          repo.overview(tenant, ns, OVERVIEW_WINDOWS.week),
        ]),
      );
    const live = await read();

    let hours = 0;
    for (let step; (step = await repo.rollUp(7)) > 0;) hours += step;
    const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM console_hourly');

    expect(hours).toBeGreaterThanOrEqual(29);
    expect(rows[0]?.n).toBeGreaterThan(100);
    expect(await read()).toEqual(live.map((rowsOf) => rowsOf.map((r) => ({ ...r, ...floats(r) }))));
    expect(live[1]?.reduce((n, r) => n + r.requests, 0)).toBe(300); // the week holds every job
  });

  it('rolls an hour up once: a second pass finds nothing to do', async () => {
    while ((await repo.rollUp(24)) > 0);
    expect(await repo.rollUp(24)).toBe(0);
  });
});

/** The sums of USD and tokens, summed in another order, may differ in the last bits. */
function floats(r: OverviewRow): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of [
    'saved_usd',
    'saved_usd_cache',
    'saved_usd_prompt_cache',
    'saved_tokens',
    'prompt_cache_read_tokens',
  ])
    out[k] = expect.closeTo(r[k as keyof OverviewRow] as number, 12);
  return out;
}
