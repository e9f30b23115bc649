export * from './lib/model-facts';
export { MODELS, UNKNOWN_MODEL_DEFAULTS } from './lib/models';
export * from './lib/catalog';
export * from './lib/tokens';
export * from './lib/pricing';
