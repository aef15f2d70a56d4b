import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One process for every file instead of a fresh one each: importing @wb/tasks and @wb/core anew
    // for each of ~30 files took three times as long as their tests (measured: 213 s → 60 s on 2
    // busy cores). The files share no state they do not set up themselves (each picks its backend).
    isolate: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
