/** Sweep specs expand into points; bad specs are named; sharded embedding output is checked whole. */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSweepSpec } from '../src/sweep/spec.js';
import { commandLine, metricsOfOutput } from '../src/sweep/command-job.js';
import { checkShards } from '../src/sweep/embed-queue.js';
import type { ShardResult } from '../src/sweep/embed-job.js';

const dir = mkdtempSync(join(tmpdir(), 'wb-sweep-spec-'));
const spec = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

describe('sweep specs', () => {
  it('expands a grid, once per seed, in order', () => {
    const s = readSweepSpec(spec('grid.yaml', 'notebook: nb/train.ipynb\ngrid:\n  lr: [0.1, 0.01]\n  freeze: [0, 2]\nseeds: [1, 2]\nmetric: accuracy\n'));
    expect(s.notebook).toBe(join(dir, 'nb', 'train.ipynb'));
    expect(s.goal).toBe('max');
    expect(s.points).toHaveLength(8);
    expect(s.points.slice(0, 3)).toEqual([
      { lr: 0.1, freeze: 0, runSeed: 1 },
      { lr: 0.1, freeze: 0, runSeed: 2 },
      { lr: 0.1, freeze: 2, runSeed: 1 },
    ]);
  });

  it('draws a random search from its seed: the same points every time, inside the ranges', () => {
    const text = 'notebook: t.ipynb\nrandom:\n  samples: 5\n  seed: 7\n  params:\n    lr: { min: 1.0e-5, max: 1.0e-3, log: true }\n    freeze: [0, 2, 4]\nmetric: loss\ngoal: min\n';
    const a = readSweepSpec(spec('random.yaml', text));
    const b = readSweepSpec(spec('random2.yaml', text));
    expect(a.points).toEqual(b.points);
    expect(a.points).toHaveLength(5);
    for (const p of a.points) {
      expect(p.lr as number).toBeGreaterThanOrEqual(1e-5);
      expect(p.lr as number).toBeLessThanOrEqual(1e-3);
      expect([0, 2, 4]).toContain(p.freeze);
    }
    expect(new Set(a.points.map((p) => p.lr)).size).toBe(5);
  });

  it('names the file and the key of a mistake', () => {
    const file = spec('bad.yaml', 'notebook: t.ipynb\ngrid:\n  lr: []\nmetric: loss\n');
    expect(() => readSweepSpec(file)).toThrow(`${file}: grid: expected a mapping of parameter names to non-empty lists of values`);
    const both = spec('both.yaml', 'notebook: t.ipynb\ngrid: { lr: [1] }\nrandom: { samples: 1, params: { x: [1] } }\nmetric: loss\n');
    expect(() => readSweepSpec(both)).toThrow(`${both}: expected exactly one of grid and random`);
    const seeds = spec('seeds.yaml', 'notebook: t.ipynb\ngrid: { lr: [1] }\nseeds: [1.5]\nmetric: loss\n');
    expect(() => readSweepSpec(seeds)).toThrow(`${seeds}: seeds: expected a non-empty list of integers`);
    const goal = spec('goal.yaml', 'notebook: t.ipynb\ngrid: { lr: [1] }\nmetric: loss\ngoal: lowest\n');
    expect(() => readSweepSpec(goal)).toThrow(`${goal}: goal: expected max or min, got "lowest"`);
  });
});

describe('sweep specs naming a wb finetune / wb eval command', () => {
  it('expands a command sweep: parameters become options, seeds --seed, {out} a folder per job', () => {
    const s = readSweepSpec(spec('command.yaml', 'command: finetune sst2 --model m --train t.tsv --out {out}\ngrid:\n  lr: [0.1, 0.01]\n  batch-size: [4]\nseeds: [1, 2]\nmetric: best.accuracy\n'));
    expect(s.notebook).toBeUndefined();
    expect(s.command).toEqual(['finetune', 'sst2', '--model', 'm', '--train', 't.tsv', '--out', '{out}']);
    expect(s.folder).toBe(dir);
    expect(s.points).toEqual([
      { lr: 0.1, 'batch-size': 4, seed: 1 },
      { lr: 0.1, 'batch-size': 4, seed: 2 },
      { lr: 0.01, 'batch-size': 4, seed: 1 },
      { lr: 0.01, 'batch-size': 4, seed: 2 },
    ]);
    expect(commandLine(s.command!, s.points[2], '/tmp/o')).toEqual([
      ...['finetune', 'sst2', '--model', 'm', '--train', 't.tsv', '--out', '/tmp/o'],
      ...['--lr', '0.01', '--batch-size', '4', '--seed', '1'],
    ]);
    // A list works as well, with a leading "wb".
    const list = readSweepSpec(spec('list.yaml', 'command: [wb, eval, sst2, --model, m]\ngrid: { limit: [10] }\nmetric: accuracy\n'));
    expect(list.command).toEqual(['eval', 'sst2', '--model', 'm']);
  });

  it('names what is wrong with a command spec', () => {
    const both = spec('cboth.yaml', 'notebook: t.ipynb\ncommand: eval sst2\ngrid: { lr: [1] }\nmetric: accuracy\n');
    expect(() => readSweepSpec(both)).toThrow(`${both}: expected exactly one of notebook (a .ipynb file) and command (wb finetune/eval ...)`);
    const other = spec('cother.yaml', 'command: pretrain bert --out x\ngrid: { lr: [1] }\nmetric: loss\n');
    expect(() => readSweepSpec(other)).toThrow(`${other}: command: "pretrain" cannot be swept; expected one of wb finetune, wb eval`);
    const twice = spec('ctwice.yaml', 'command: finetune sst2 --lr 0.1\ngrid: { lr: [1] }\nmetric: best.accuracy\n');
    expect(() => readSweepSpec(twice)).toThrow(`${twice}: command: --lr is a swept parameter too; leave it out of the command`);
    const name = spec('cname.yaml', 'command: eval sst2\ngrid: { "lr rate": [1] }\nmetric: accuracy\n');
    expect(() => readSweepSpec(name)).toThrow(`${name}: "lr rate" is not an option name (letters, digits and "-", as in --batch-size)`);
  });

  it('reads metrics from a command\'s JSON: numbers by dotted path, arrays of records as curves', () => {
    const output = { task: 'sst2', best: { accuracy: 0.75, f1: 0.5 }, best_epoch: 2, epochs: [{ epoch: 1, loss: 0.7 }, { epoch: 2, loss: 0.6 }], labels: ['a', 'b'] };
    expect(metricsOfOutput(output)).toEqual({
      'best.accuracy': [{ step: 0, value: 0.75 }],
      'best.f1': [{ step: 0, value: 0.5 }],
      best_epoch: [{ step: 0, value: 2 }],
      'epochs.epoch': [{ step: 1, value: 1 }, { step: 2, value: 2 }],
      'epochs.loss': [{ step: 1, value: 0.7 }, { step: 2, value: 0.6 }],
    });
  });
});

describe('assembling embedding shards', () => {
  const shard = (point: number, first: number, rows: number): ShardResult => {
    const text = Array.from({ length: rows }, (_, i) => `{"row":${first + i}}\n`).join('');
    return { point, first, rows, text, sha256: createHash('sha256').update(text).digest('hex'), worker: 'w' };
  };

  it('accepts shards that cover every record once', () => {
    expect(() => checkShards([shard(0, 0, 4), shard(1, 4, 3)], 7)).not.toThrow();
  });

  it('finds a missing record, a record twice, and a shard whose rows do not add up', () => {
    expect(() => checkShards([shard(0, 0, 4)], 7)).toThrow('record 5 of 7 is missing from the shards');
    expect(() => checkShards([shard(0, 0, 4), shard(1, 3, 4)], 7)).toThrow('record 4 came back twice (shard 1)');
    const short = { ...shard(1, 4, 3), rows: 4 };
    expect(() => checkShards([shard(0, 0, 4), short], 8)).toThrow('shard 1: 3 rows, expected 4');
  });
});
