import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Most of these tests wait on child processes (wb commands, servers, Chromium, redis-server);
    // two files at a time keep both cores busy where one left them idle between processes.
    maxWorkers: 2,
  },
});
