import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DisposableEmbedder } from './embedder';
import { EmbeddingErrorCode, EmbeddingException } from './embeddings.exception';
import type { LocalOnnxEmbedderOptions } from './local-onnx.embedder';
import type { FromWorker, ToWorker, WireEmbeddingError } from './worker-protocol';

/** The compiled worker script beside this file (dist); tests of the sources pass the built one. */
const WORKER_SCRIPT = join(__dirname, 'onnx.worker.js');

/**
 * The local ONNX model in a worker thread of its own. onnxruntime-node runs a graph
 * synchronously on the thread that calls it: in-process, every query embedding (7–11 ms here)
 * stopped the service's event loop, so the other requests' Postgres replies, Kafka sends and
 * fetches waited behind it. Here the run happens on another thread (the second core), and the
 * main thread only posts texts and receives vectors (transferred, not copied).
 *
 * Same contract as {@link LocalOnnxEmbedder}: loaded and warmed up before `load` resolves,
 * runs serialised in the worker, errors with the same codes.
 */
export class WorkerEmbedder implements DisposableEmbedder {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (v: Float32Array[]) => void; reject: (e: Error) => void }>();
  private failure: EmbeddingException | null = null;

  private constructor(
    private readonly worker: Worker,
    readonly model: string,
    readonly dimension: number,
  ) {
    worker.on('message', (message: FromWorker) => this.settle(message));
    // The worker died (a native crash, out of memory): nothing more can be embedded by it.
    const down = (why: string) => {
      this.failure ??= new EmbeddingException(EmbeddingErrorCode.ModelInvalid, `embedding worker ${why}`);
      for (const p of this.pending.values()) p.reject(this.failure);
      this.pending.clear();
    };
    worker.on('error', (error) => down(`failed: ${error.message}`));
    worker.on('exit', (code) => down(`exited with code ${code}`));
  }

  /** Starts the worker and waits until its model is loaded and warmed up (or why it is not). */
  static async load(options: LocalOnnxEmbedderOptions & { workerScript?: string }): Promise<WorkerEmbedder> {
    const { workerScript = WORKER_SCRIPT, ...local } = options;
    if (!existsSync(workerScript))
      throw new EmbeddingException(
        EmbeddingErrorCode.BadConfig,
        `the embedding worker script ${workerScript} is missing (run \`npm run build\`)`,
      );
    const worker = new Worker(workerScript, { workerData: local });
    // Only this method's own listeners are removed afterwards: Worker keeps listeners of its own
    // (removeAllListeners would stop its message port, and every later answer with it).
    let onMessage: (message: FromWorker) => void = () => undefined;
    let onError: (error: Error) => void = () => undefined;
    let onExit: (code: number) => void = () => undefined;
    const ready = await new Promise<Extract<FromWorker, { kind: 'ready' }>>((resolve, reject) => {
      onMessage = (message) =>
        message.kind === 'ready'
          ? resolve(message)
          : reject(message.kind === 'failed' ? fromWire(message.error) : new Error(`unexpected ${message.kind}`));
      onError = reject;
      onExit = (code) => reject(new Error(`embedding worker exited with code ${code} while loading`));
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    })
      .catch(async (error: unknown) => {
        await worker.terminate();
        throw error;
      })
      .finally(() => worker.off('message', onMessage).off('error', onError).off('exit', onExit));
    return new WorkerEmbedder(worker, ready.model, ready.dimension);
  }

  embed(texts: string[]): Promise<Float32Array[]> {
    if (this.failure) return Promise.reject(this.failure);
    if (texts.length === 0) return Promise.resolve([]);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.post({ kind: 'embed', id, texts });
    });
  }

  async close(): Promise<void> {
    if (this.failure) return;
    this.failure = new EmbeddingException(EmbeddingErrorCode.ModelInvalid, `embedder for ${this.model} is closed`);
    const exited = new Promise((r) => this.worker.once('exit', r));
    this.post({ kind: 'close' });
    await exited;
  }

  private post(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  private settle(message: FromWorker): void {
    if (message.kind !== 'vectors' && message.kind !== 'error') return;
    const p = this.pending.get(message.id);
    if (!p) return;
    this.pending.delete(message.id);
    if (message.kind === 'vectors') p.resolve(message.vectors);
    else p.reject(fromWire(message.error));
  }
}

function fromWire(error: WireEmbeddingError): EmbeddingException {
  return new EmbeddingException(error.code, error.message);
}
