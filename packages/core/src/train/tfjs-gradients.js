// tfjs-core's gradient registrations, for bundlers and vitest (which resolve its extensionless ESM).
// Node cannot load that file, so the build writes dist/train/tfjs-gradients.js as one esbuild bundle
// of it instead (scripts/bundle-gradients.mjs); tsc never emits this file, so it never overwrites that.
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
