/**
 * Fuzzing the file loaders (seeded, bounded, a few seconds a target): mutated safetensors,
 * config.json, tokenizer.json, vocab.txt, ELMo options.json and ELMo hdf5 files must each be
 * refused with an error naming the file, or load into a model/tokenizer that works — never hang
 * (a watchdog ends a case after 20 s), never crash the worker or eat its 1 GB heap, never load
 * silently wrong (ids outside the vocabulary, shapes that disagree). The cases run in a worker
 * (`support/fuzz-loaders-worker.ts`); a failure names the case seed to replay it.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeReports, fuzzInWorker } from '../../../test/support/fuzz.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

describe('loader fuzzing', () => {
  it('refuses every mutated model file cleanly, naming it, or loads it correctly', async () => {
    const reports = await fuzzInWorker({
      entry: here('./support/fuzz-loaders-worker.ts'),
      outDir: here('../node_modules/.cache/wb-fuzz'),
      seed: 16,
      caseTimeoutMs: 20_000,
      maxMemoryMb: 1024,
    });
    console.log(describeReports(reports));
    expect(reports.map((r) => [r.target, r.cases])).toEqual([
      ['safetensors', 400],
      ['config.json', 300],
      ['tokenizer.json', 300],
      ['vocab.txt', 300],
      ['elmo options.json', 300],
      ['elmo weights.hdf5', 120],
    ]);
    for (const report of reports) {
      expect(report.failures, report.target).toEqual([]);
      // Both outcomes occur: the mutations reach past the first check, and the loaders still load good files.
      expect(report.rejected, report.target).toBeGreaterThan(0);
      expect(report.accepted, report.target).toBeGreaterThan(0);
    }
  });
});
