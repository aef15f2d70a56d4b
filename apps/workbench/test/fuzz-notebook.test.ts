/**
 * Fuzzing the notebook readers (seeded, bounded, a few seconds a target): mutated `.ipynb` files
 * must be refused with an error naming the file, or read into a notebook that round-trips and
 * exports safely — never hang (a watchdog ends a case after 20 s), never crash the worker or eat
 * its 1 GB heap. The cases run in a child process (`support/fuzz-notebook-worker.ts`); a failure
 * names the case seed to replay it.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeReports, fuzzInWorker } from '../../../test/support/fuzz.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

describe('notebook fuzzing', () => {
  it('refuses every mutated notebook cleanly, naming it, or reads it correctly', async () => {
    const reports = await fuzzInWorker({
      entry: here('./support/fuzz-notebook-worker.ts'),
      outDir: here('../node_modules/.cache/wb-fuzz'),
      seed: 16,
      caseTimeoutMs: 20_000,
      maxMemoryMb: 1024,
    });
    console.log(describeReports(reports));
    expect(reports.map((r) => [r.target, r.cases])).toEqual([
      ['.ipynb (JSON mutations)', 400],
      ['.ipynb (byte mutations)', 300],
      ['.ipynb (server open and save)', 200],
    ]);
    for (const report of reports) {
      expect(report.failures, report.target).toEqual([]);
      expect(report.rejected, report.target).toBeGreaterThan(0);
      expect(report.accepted, report.target).toBeGreaterThan(0);
    }
  });
});
