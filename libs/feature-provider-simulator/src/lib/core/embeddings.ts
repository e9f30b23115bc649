import { seededRandom, sha256 } from './hash';

/** Signed positions each feature touches (sparse random projection). */
const TOUCHES = 8;

function features(text: string): Array<[string, number]> {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const out: Array<[string, number]> = words.map((w) => [`w:${w}`, 1]);
  for (let i = 1; i < words.length; i++) out.push([`b:${words[i - 1]} ${words[i]}`, 0.5]);
  return out;
}

/**
 * A deterministic unit vector for `text`: a function of model and text only. It hashes word
 * unigrams and bigrams into signed positions (feature hashing), so texts sharing words are
 * close in cosine similarity and word order matters a little — enough to exercise a semantic
 * cache, with none of a real model's understanding (synonyms do not match). `dimensions`
 * shortens the native vector and renormalises it, as text-embedding-3 does.
 */
export function simulatedEmbedding(
  model: string,
  text: string,
  nativeDimensions: number,
  dimensions = nativeDimensions,
): number[] {
  const vector = new Float64Array(nativeDimensions);
  for (const [feature, weight] of features(text)) {
    const random = seededRandom(`${model}\u0000${feature}`);
    for (let t = 0; t < TOUCHES; t++) {
      const position = Math.floor(random() * nativeDimensions);
      vector[position] = (vector[position] ?? 0) + (random() < 0.5 ? -weight : weight);
    }
  }
  // A small text-specific component keeps different texts apart and empty text non-zero.
  const noise = seededRandom(sha256(model, text));
  for (let i = 0; i < nativeDimensions; i++) vector[i] = (vector[i] ?? 0) + (noise() - 0.5) * 0.02;
  const shortened = Array.from(vector.subarray(0, dimensions));
  const norm = Math.sqrt(shortened.reduce((s, v) => s + v * v, 0)) || 1;
  return shortened.map((v) => v / norm);
}

/** The base64 form the OpenAI SDK asks for by default: little-endian float32s. */
export function embeddingToBase64(vector: readonly number[]): string {
  const buffer = Buffer.alloc(vector.length * 4);
  vector.forEach((v, i) => buffer.writeFloatLE(v, i * 4));
  return buffer.toString('base64');
}
