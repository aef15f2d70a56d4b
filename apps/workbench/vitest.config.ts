import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Most of these tests wait on child processes (wb commands, servers, Chromium, redis-server);
    // two files at a time keep both cores busy where one left them idle between processes.
    maxWorkers: 2,
    projects: [
      // Chromium against `wb serve`: each file in a fresh process, as before. They are the longest
      // files, and vitest starts this project's files first (projects in name order).
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'] } },
      // The rest share their worker processes: importing the server, the kernel and @wb/core anew for
      // each file cost more than half of these files' own time (measured on 17 of them: 59 → 30
      // CPU-s). None changes process-wide state it does not put back; backends are chosen explicitly.
      { extends: true, test: { name: 'node', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, 'test/e2e/**'], isolate: false } },
    ],
  },
});
