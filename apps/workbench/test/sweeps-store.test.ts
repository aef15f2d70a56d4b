/** Sweeps in the run history: a point's result seen twice (a retried job, a Redis restart) is one run. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunStore } from '../src/runs/store.js';
import { createSweep, finishSweep, getSweep, listSweeps, recordPoint, recordedPoints, type PointResult } from '../src/runs/sweeps.js';
import { sweepTable } from '../src/runs/sweep-table.js';

const result = (point: number, loss: number): PointResult => ({
  point,
  params: { lr: 10 ** -(point + 1) },
  started: '2026-01-01T00:00:00.000Z',
  finished: '2026-01-01T00:00:05.000Z',
  ok: true,
  run: { kernel: 'node', backend: 'wasm', started: '2026-01-01T00:00:00.000Z', seeds: [point], packages: { '@wb/core': '0.1.0' }, files: {} },
  series: { loss: [{ step: 0, value: 2 }, { step: 1, value: loss }] },
  worker: `host:${point}`,
  attempts: 1,
  outputSha256: 'ab'.repeat(32),
});

describe('sweeps in the run history', () => {
  it('records each point once, with its curve, and lists the sweep best first', () => {
    const store = RunStore.open(join(mkdtempSync(join(tmpdir(), 'wb-sweeps-')), 'runs.sqlite'));
    createSweep(store, { id: 'sw1', spec: { metric: 'loss', goal: 'min' }, metric: 'loss', points: 2 });
    const first = recordPoint(store, 'sw1', 'train.ipynb', result(0, 0.7));
    expect(first).toBe(1);
    // The same point again (its job ran twice): no second run.
    expect(recordPoint(store, 'sw1', 'train.ipynb', { ...result(0, 0.1), worker: 'other:1', attempts: 2 })).toBeUndefined();
    expect(recordPoint(store, 'sw1', 'train.ipynb', result(1, 0.5))).toBe(2);
    finishSweep(store, 'sw1', 'done');
    expect(store.list()).toHaveLength(2);
    expect([...recordedPoints(store, 'sw1')]).toEqual([0, 1]);
    const { sweep, runs } = getSweep(store, 'sw1')!;
    expect(sweep).toMatchObject({ id: 'sw1', status: 'done', points: 2, metric: 'loss' });
    expect(runs[0]).toMatchObject({ point: 0, worker: 'host:0', attempts: 1, seeds: [0], metrics: { loss: { step: 1, value: 0.7 } } });
    expect(runs[0].series.loss).toEqual([{ step: 0, value: 2 }, { step: 1, value: 0.7 }]);
    expect(listSweeps(store).map((s) => s.id)).toEqual(['sw1']);
    expect(getSweep(store, 'nope')).toBeUndefined();
    const table = sweepTable(runs, 'loss', 'min').split('\n');
    expect(table[0]).toMatch(/^POINT\s+RUN\s+STATUS\s+LR\s+LOSS\s+WORKER\s+ERROR$/);
    expect(table[1]).toMatch(/^1\s+2\s+ok\s+0\.01\s+0\.5\s+host:1$/);
    expect(table[2]).toMatch(/^0\s+1\s+ok\s+0\.1\s+0\.7\s+host:0$/);
    store.close();
  });
});
