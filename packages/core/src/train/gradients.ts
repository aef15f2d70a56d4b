/**
 * Importing this module registers tfjs-core's gradients (tfjs-core's Node entry registers none).
 * Bundlers and vitest load tfjs-core's own ESM file below; Node cannot (its imports have no file
 * extensions), so the build bundles it into dist/train/tfjs-gradients.js and points the compiled
 * import there (scripts/bundle-gradients.mjs).
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';

export const gradientsRegistered = true;
