/**
 * @jest-environment ./libs/data-access-embeddings/src/testing/onnx-test-environment.js
 */
import { createEmbedder, defaultModelsDir } from './create-embedder';
import { dot } from './embedder';
import { LocalOnnxEmbedder } from './local-onnx.embedder';
import { DEFAULT_LOCAL_MODEL } from './model-manifest';

/**
 * Loads the real default model from DEJA_MODELS_DIR (or ./models). A missing model fails with
 * the message that says to run scripts/setup-model.sh — never a skip.
 */
describe(`LocalOnnxEmbedder with ${DEFAULT_LOCAL_MODEL}`, () => {
  let embedder: LocalOnnxEmbedder;
  const modelsDir = process.env['DEJA_MODELS_DIR'] ?? defaultModelsDir();

  beforeAll(async () => {
    embedder = await LocalOnnxEmbedder.load({ model: DEFAULT_LOCAL_MODEL, modelsDir });
  });
  afterAll(() => embedder?.close());

  const cos = async (a: string, b: string) => {
    const [x, y] = await embedder.embed([a, b]);
    return dot(x, y);
  };

  it('returns one unit vector of the declared dimension per text, in order', async () => {
    const texts = ['short', 'a somewhat longer sentence about caching answers', ''];
    const vectors = await embedder.embed(texts);
    expect(vectors).toHaveLength(3);
    for (const v of vectors) {
      expect(v).toHaveLength(embedder.dimension);
      expect(dot(v, v)).toBeCloseTo(1, 4);
    }
    const [alone] = await embedder.embed([texts[1]]);
    expect(dot(alone, vectors[1])).toBeCloseTo(1, 4);
  });

  it('scores an acronym paraphrase above two unrelated questions', async () => {
    // Small 2023 models do not know "RAG": bge-small-en-v1.5-q gives 0.49 here against 0.46,
    // so this pair would miss at any usable threshold (a safe failure). The margin is small
    // but exact: quantised models run one text per pass, so the scores are deterministic.
    const related = await cos('What is RAG?', 'Can you explain retrieval-augmented generation?');
    const unrelated = await cos('How do I handle authentication errors?', 'What are the rate limits?');
    expect(related).toBeGreaterThan(unrelated + 0.02);
  });

  it('scores the spelled-out paraphrase far above two unrelated questions', async () => {
    const related = await cos(
      'What is RAG (retrieval-augmented generation)?',
      'Can you explain retrieval-augmented generation?',
    );
    const unrelated = await cos('How do I handle authentication errors?', 'What are the rate limits?');
    expect(related).toBeGreaterThan(unrelated + 0.3);
  });

  it('scores a close paraphrase near the top of the scale and above a topic change', async () => {
    const paraphrase = await cos('How do I reset my password?', 'How can I change my password if I forgot it?');
    const otherTopic = await cos('How do I reset my password?', 'How do I export my invoices as PDF?');
    expect(paraphrase).toBeGreaterThan(0.8);
    expect(paraphrase).toBeGreaterThan(otherTopic + 0.1);
  });

  it('gives a text the same vector whatever it is embedded with', async () => {
    const texts = Array.from(
      { length: 40 },
      (_, i) => `question number ${i} about ${'very '.repeat(i % 7)}long topics`,
    );
    const batched = await embedder.embed(texts);
    const single = await Promise.all(texts.slice(0, 5).map(async (t) => (await embedder.embed([t]))[0]));
    single.forEach((v, i) => expect(dot(v, batched[i])).toBeCloseTo(1, 4));
  });

  it('truncates inputs beyond the model window instead of failing', async () => {
    const long = 'cache '.repeat(5000);
    expect(embedder.countTokens([long])[0]).toBeGreaterThan(embedder.maxTokens);
    const [v] = await embedder.embed([long]);
    expect(dot(v, v)).toBeCloseTo(1, 4);
  });

  it('is what createEmbedder builds by default', async () => {
    const built = await createEmbedder({ provider: 'local', modelsDir, threads: 1 });
    expect([built.model, built.dimension]).toEqual([DEFAULT_LOCAL_MODEL, embedder.dimension]);
    const [a] = await built.embed(['same text']);
    const [b] = await embedder.embed(['same text']);
    expect(dot(a, b)).toBeCloseTo(1, 4);
    await (built as LocalOnnxEmbedder).close();
  });
});
