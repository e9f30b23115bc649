/**
 * The thread behind {@link WorkerEmbedder}: loads the local ONNX model and embeds what the main
 * thread sends. onnxruntime-node runs a graph synchronously on the calling thread, so an
 * embedding run here no longer stops the service's event loop (its Kafka, Postgres and HTTP
 * work) for the length of the run.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EmbeddingErrorCode, EmbeddingException } from './embeddings.exception';
import { LocalOnnxEmbedder, type LocalOnnxEmbedderOptions } from './local-onnx.embedder';
import type { FromWorker, ToWorker } from './worker-protocol';

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('onnx.worker must run in a worker thread');
  const post = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  let embedder: LocalOnnxEmbedder;
  try {
    embedder = await LocalOnnxEmbedder.load(workerData as LocalOnnxEmbedderOptions);
  } catch (error) {
    post({ kind: 'failed', error: wireError(error) });
    return;
  }
  post({ kind: 'ready', model: embedder.model, dimension: embedder.dimension });
  port.on('message', (message: ToWorker) => {
    if (message.kind === 'close') {
      void embedder.close().finally(() => port.close());
      return;
    }
    embedder.embed(message.texts).then(
      (vectors) =>
        post({ kind: 'vectors', id: message.id, vectors }, [...new Set(vectors.map((v) => v.buffer as ArrayBuffer))]),
      (error: unknown) => post({ kind: 'error', id: message.id, error: wireError(error) }),
    );
  });
}

function wireError(error: unknown): { code: EmbeddingErrorCode; message: string } {
  if (error instanceof EmbeddingException) return { code: error.code, message: error.message };
  return { code: EmbeddingErrorCode.ModelInvalid, message: error instanceof Error ? error.message : String(error) };
}

void main();
