import { Client } from 'pg';
import pgvector from 'pgvector/pg';
import { migrate } from '@deja/data-access-postgres';
import { testEnv } from '../env';

describe('Postgres with pgvector (real server)', () => {
  let client: Client;

  beforeAll(async () => {
    client = new Client({ connectionString: testEnv.databaseUrl });
    await client.connect();
    await migrate({ databaseUrl: testEnv.databaseUrl });
    await pgvector.registerTypes(client);
  });

  afterAll(async () => {
    await client?.end();
  });

  it('has pgvector 0.8 or newer', async () => {
    const { rows } = await client.query<{ extversion: string }>(
      "SELECT extversion FROM pg_extension WHERE extname = 'vector'",
    );
    const [major, minor] = rows[0].extversion.split('.').map(Number);
    expect(major * 100 + minor).toBeGreaterThanOrEqual(8);
  });

  it('returns the nearest row for <=> through an HNSW cosine index', async () => {
    await client.query('CREATE TEMP TABLE items (id int PRIMARY KEY, embedding vector(3))');
    await client.query('CREATE INDEX ON items USING hnsw (embedding vector_cosine_ops)');
    const rows: Array<[number, number[]]> = [
      [1, [1, 0, 0]],
      [2, [0, 1, 0]],
      [3, [0, 0, 1]],
      [4, [0.7, 0.7, 0]],
    ];
    for (const [id, v] of rows) await client.query('INSERT INTO items VALUES ($1, $2)', [id, pgvector.toSql(v)]);
    await client.query('SET enable_seqscan = off');
    const plan = await client.query("EXPLAIN SELECT id FROM items ORDER BY embedding <=> '[0.1,0.9,0.05]' LIMIT 1");
    expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/Index Scan using .*hnsw|items_embedding_idx/);
    const { rows: nearest } = await client.query<{ id: number; distance: number }>(
      'SELECT id, embedding <=> $1 AS distance FROM items ORDER BY embedding <=> $1 LIMIT 1',
      [pgvector.toSql([0.1, 0.9, 0.05])],
    );
    expect(nearest[0].id).toBe(2);
    expect(nearest[0].distance).toBeLessThan(0.02);
  });
});
