import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/support/wasm-kernels.ts'],
    // One process for every file instead of a fresh one each: importing core, tfjs and the setup
    // anew for each file cost a quarter of the suite (CI: 96 s of 419 s). The setup file starts
    // each file on the default backend, whatever the file before it chose.
    isolate: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
