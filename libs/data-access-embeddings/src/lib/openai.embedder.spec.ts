import { EmbeddingErrorCode, EmbeddingException } from './embeddings.exception';
import { OpenAiEmbedder } from './openai.embedder';

interface Captured {
  url: string;
  body: { model: string; input: string[]; dimensions?: number; encoding_format?: string };
}

/** A fetch that answers like the embeddings endpoint, with vectors in reverse index order. */
function fakeFetch(captured: Captured[], dims: number, status = 200): typeof fetch {
  return (async (url: string | URL | Request, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body)) as Captured['body'];
    captured.push({ url: String(url), body });
    if (status !== 200) {
      return new Response(JSON.stringify({ error: { message: 'nope', type: 'x' } }), {
        status,
        headers: { 'content-type': 'application/json' },
      });
    }
    const data = body.input.map((_text, index) => ({
      object: 'embedding',
      index,
      embedding: Array.from({ length: dims }, (_, d) => (d === index % dims ? 2 : 0)),
    }));
    return new Response(
      JSON.stringify({
        object: 'list',
        model: body.model,
        data: data.reverse(),
        usage: { prompt_tokens: 1, total_tokens: 1 },
      }),
      {
        status: 200,
        headers: { 'content-type': 'application/json' },
      },
    );
  }) as typeof fetch;
}

async function rejection(p: Promise<unknown>): Promise<EmbeddingException> {
  try {
    await p;
  } catch (e) {
    if (e instanceof EmbeddingException) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

describe('OpenAiEmbedder', () => {
  it('defaults to text-embedding-3-small at its native 1536 dimensions', () => {
    const e = new OpenAiEmbedder({ apiKey: 'k', fetch: fakeFetch([], 1536) });
    expect([e.model, e.dimension]).toEqual(['text-embedding-3-small', 1536]);
  });

  it('sends the configured dimension and base URL, and returns vectors in input order, normalised', async () => {
    const captured: Captured[] = [];
    const e = new OpenAiEmbedder({
      apiKey: 'k',
      dimension: 4,
      baseURL: 'http://127.0.0.1:9/v1',
      fetch: fakeFetch(captured, 4),
    });
    const vectors = await e.embed(['a', 'b', 'c']);
    expect(captured[0].url).toBe('http://127.0.0.1:9/v1/embeddings');
    expect(captured[0].body).toMatchObject({
      model: 'text-embedding-3-small',
      dimensions: 4,
      encoding_format: 'float',
    });
    expect(vectors.map((v) => Array.from(v))).toEqual([
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
    ]);
  });

  it('splits large inputs into requests of batchSize', async () => {
    const captured: Captured[] = [];
    const e = new OpenAiEmbedder({ apiKey: 'k', dimension: 2, batchSize: 2, fetch: fakeFetch(captured, 2) });
    expect(await e.embed(['a', 'b', 'c', 'd', 'e'])).toHaveLength(5);
    expect(captured.map((c) => c.body.input.length)).toEqual([2, 2, 1]);
  });

  it('marks rate limiting as retriable', async () => {
    const e = new OpenAiEmbedder({ apiKey: 'k', dimension: 2, maxRetries: 0, fetch: fakeFetch([], 2, 429) });
    const error = await rejection(e.embed(['a']));
    expect([error.code, error.retriable]).toEqual([EmbeddingErrorCode.ProviderUnavailable, true]);
  });

  it('marks a refused key as terminal', async () => {
    const e = new OpenAiEmbedder({ apiKey: 'k', dimension: 2, maxRetries: 0, fetch: fakeFetch([], 2, 401) });
    const error = await rejection(e.embed(['a']));
    expect([error.code, error.retriable]).toEqual([EmbeddingErrorCode.ProviderRejected, false]);
  });

  it('fails when the provider returns another dimension than configured', async () => {
    const e = new OpenAiEmbedder({ apiKey: 'k', dimension: 8, fetch: fakeFetch([], 4) });
    expect((await rejection(e.embed(['a']))).message).toContain('returned 4 dimensions');
  });

  it('refuses to start without an API key or with an unknown model and no dimension', () => {
    expect(() => new OpenAiEmbedder({})).toThrow(/API key/);
    expect(() => new OpenAiEmbedder({ apiKey: 'k', model: 'my-embedder' })).toThrow(/dimension/);
  });
});
