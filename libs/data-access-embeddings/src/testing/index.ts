export { HashingTestEmbedder } from './hashing-embedder';
