/**
 * A sweep of a `wb finetune` command (not a notebook) on a real redis-server and one worker: each
 * point's metrics, read from the command's JSON output, reach this machine's run history through
 * Redis and equal those of the same `wb finetune` run by hand, number for number. (The notebook
 * sweep, the SIGKILLed worker and Redis restarts are in sweep.test.ts.)
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRedisServer, startRedis, type RedisServer } from '../../../test/support/redis.js';
import { hasShared, sharedPath } from '../../../test/support/shared.js';
import { RunStore } from '../src/runs/store.js';
import { getSweep, listSweeps } from '../src/runs/sweeps.js';
import { spawnWb, type WbProcess } from './support/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'wb-sweep-command-'));
const runsDb = join(dir, 'runs.sqlite');
const env = { WB_RUNS_DB: runsDb, WB_THREADS: '1' };
const ready = hasRedisServer() && hasShared('fixtures', 'tiny-bert') && hasShared('data', 'sst2', 'train.tsv');

let redis: RedisServer;
let worker: WbProcess | undefined;

(ready ? describe : describe.skip)('wb sweep over a wb finetune command', () => {
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    if (worker?.child.exitCode === null) worker.child.kill('SIGKILL');
    await redis?.stop();
  });

  it('runs each point as `wb finetune … --lr X --seed S` on a worker; the history has the numbers a run by hand gives', { timeout: 240_000 }, async () => {
    // Eight training and eight dev sentences: two epochs of two steps each.
    const lines = readFileSync(sharedPath('data', 'sst2', 'train.tsv'), 'utf8').split('\n').slice(1, 17);
    writeFileSync(join(dir, 'train.tsv'), lines.slice(0, 8).join('\n') + '\n');
    writeFileSync(join(dir, 'dev.tsv'), lines.slice(8).join('\n') + '\n');
    const command = ['finetune', 'sst2', '--model', sharedPath('fixtures', 'tiny-bert'), '--train', 'train.tsv', '--dev', 'dev.tsv', '--epochs', '2', '--batch-size', '4', '--max-length', '16'];
    writeFileSync(join(dir, 'sweep.yaml'), `command: ${command.join(' ')} --out {out}\ngrid:\n  lr: [0.001, 0.1]\nseeds: [3]\nmetric: best.accuracy\n`);
    worker = spawnWb(['worker', '--redis', redis.url], env);
    await worker.waitFor(/waiting for jobs/);
    const sweep = spawnWb(['sweep', join(dir, 'sweep.yaml'), '--redis', redis.url], env);
    expect(await sweep.exited, sweep.stderr()).toBe(0);

    const store = RunStore.open(runsDb);
    const [info] = listSweeps(store);
    const { runs } = getSweep(store, info.id)!;
    store.close();
    expect(info.status).toBe('done');
    expect(runs.map((r) => [r.point, r.status, r.params])).toEqual([
      [0, 'ok', { lr: 0.001, seed: 3 }],
      [1, 'ok', { lr: 0.1, seed: 3 }],
    ]);
    expect(sweep.stdout()).toContain(`sweep ${info.id}`);

    for (const run of runs) {
      // By hand from another folder: the data named by absolute paths.
      const absolute = command.map((a) => (a.endsWith('.tsv') ? join(dir, a) : a));
      const byHand = spawnWb([...absolute, '--out', join(dir, `by-hand-${run.point}`), '--lr', String(run.params.lr), '--seed', '3'], env);
      expect(await byHand.exited, byHand.stderr()).toBe(0);
      const summary = JSON.parse(byHand.stdout()) as { best: Record<string, number>; epochs: Array<Record<string, number>> };
      expect(run.series['best.accuracy']).toEqual([{ step: 0, value: summary.best.accuracy }]);
      expect(run.series['epochs.train_loss']).toEqual(summary.epochs.map((e, i) => ({ step: i + 1, value: e.train_loss })));
      expect(run.series['epochs.train_loss']).toHaveLength(2);
    }
    // Another learning rate, another curve: the comparison above is not between constants.
    expect(runs[0].series['epochs.train_loss']).not.toEqual(runs[1].series['epochs.train_loss']);
  });
});
