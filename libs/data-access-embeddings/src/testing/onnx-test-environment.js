/**
 * Jest environment for tests that run onnxruntime-node (the local embedder).
 *
 * Why: Jest gives each test file its own realm with its own typed-array constructors, but
 * onnxruntime-node's native addon creates output tensors' data in Node's main realm, so
 * onnxruntime-common's `data instanceof Float32Array` check fails with "A float32 tensor's data
 * must be type of function Float32Array()". Sharing the main realm's typed-array constructors
 * with the sandbox makes those checks agree. Use with a docblock at the top of a test file:
 *   @jest-environment ./libs/data-access-embeddings/src/testing/onnx-test-environment.js
 */
const { TestEnvironment } = require('jest-environment-node');

const TYPED_ARRAYS = [
  'ArrayBuffer',
  'Int8Array',
  'Uint8Array',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
];

class OnnxTestEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of TYPED_ARRAYS) this.global[name] = globalThis[name];
  }
}

module.exports = OnnxTestEnvironment;
