import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Test against core's source, as the browser bundle of test/browser/page.ts does.
    alias: { '@wb/core': fileURLToPath(new URL('../core/src/index.ts', import.meta.url)) },
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Browser tests drive SwiftShader (CPU) through Chromium: slow, and one browser at a time.
    testTimeout: 300_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
