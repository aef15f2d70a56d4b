import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // The build bundles tfjs-core's gradients into dist/train/tfjs-gradients.js; vite can load the original.
    alias: [{ find: /^\.\/tfjs-gradients\.js$/, replacement: require.resolve('@tensorflow/tfjs-core/dist/register_all_gradients.js') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
