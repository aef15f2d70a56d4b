/**
 * `wb sweep` and `wb worker` on a real redis-server: a 6-point sweep over tiny-bert on three
 * workers, one of them SIGKILLed mid-job (every point recorded exactly once, with the numbers a
 * sequential run gives); then, on a notebook without a model, a Redis restart mid-sweep and a
 * point that fails every attempt; `wb embed --queue` against `wb embed`; Ctrl-C on `wb sweep`.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { hasShared, sharedPath } from '../../../test/support/shared.js';
import { hasRedisServer, startRedis, type RedisServer } from '../../../test/support/redis.js';
import { runNotebook } from '../src/notebook/execute.js';
import { emptyNotebook, newCell } from '../src/notebook/new.js';
import { parseNotebook, serializeNotebook } from '../src/notebook/io.js';
import { RunStore } from '../src/runs/store.js';
import { getSweep, listSweeps } from '../src/runs/sweeps.js';
import type { MetricPoint } from '../src/runs/types.js';
import { jobId, QUEUE_NAME, redisConnection } from '../src/sweep/queue.js';
import { spawnWb, type WbProcess } from './support/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'wb-sweep-'));
const runsDb = join(dir, 'runs.sqlite');
// One thread per kernel: the workers and the sequential reference compute alike.
const env = { WB_RUNS_DB: runsDb, WB_THREADS: '1' };

function notebook(file: string, parameters: string, body: string): string {
  const nb = emptyNotebook();
  nb.cells = [newCell('code', parameters), newCell('code', body)];
  nb.cells[0].metadata = { tags: ['parameters'] };
  writeFileSync(join(dir, file), serializeNotebook(nb));
  return join(dir, file);
}

// Two steps of fine-tuning tiny-bert on SST-2 sentences: a loss curve that depends on lr and the seed.
const FINETUNE = `import { initBackend } from '@wb/core';
import { loadBert } from '@wb/core/node';
import { sharedPath } from '@wb/workbench/data';
import { prepareClassificationTask, readSst2, runFinetuning } from '@wb/tasks/node';
await initBackend();
const bert = await loadBert(sharedPath('fixtures', 'tiny-bert'));
const train = readSst2(sharedPath('data', 'sst2', 'train.tsv')).examples.slice(0, 8);
const settings = { epochs: 1, lr, batchSize: 4, maxLength: 16, freeze: 0, seed: trainSeed, warmupRatio: 0, weightDecay: 0, maxGradNorm: 1, evalBatchSize: 8 };
const task = prepareClassificationTask('sst2', bert, { train, dev: train, labelNames: ['negative', 'positive'] }, settings);
await runFinetuning(bert, task, settings, { onStep: (r) => logMetric('loss', r.loss, r.step) });`;

const workers: WbProcess[] = [];
let redis: RedisServer;

const startWorker = async (): Promise<WbProcess> => {
  const worker = spawnWb(['worker', '--redis', redis.url, '--lock-ms', '3000'], env);
  workers.push(worker);
  await worker.waitFor(/waiting for jobs/);
  return worker;
};

const ready = hasRedisServer() && hasShared('fixtures', 'tiny-bert') && hasShared('data', 'sst2', 'train.tsv');

(ready ? describe : describe.skip)('wb sweep on BullMQ + redis-server', () => {
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await redis?.stop();
  });

  it('runs 6 points on 3 workers, one SIGKILLed mid-job: each result once, equal to a sequential run', { timeout: 240_000 }, async () => {
    const file = notebook('finetune.ipynb', 'const lr = 1e-3;\nconst trainSeed = 1;', FINETUNE);
    writeFileSync(join(dir, 'finetune.yaml'), 'notebook: finetune.ipynb\ngrid:\n  lr: [0.001, 0.01, 0.1]\nseeds: [1, 2]\nseed_param: trainSeed\nmetric: loss\ngoal: min\n');
    const [victim] = await Promise.all([startWorker(), startWorker(), startWorker()]);
    const sweep = spawnWb(['sweep', join(dir, 'finetune.yaml'), '--redis', redis.url], env);
    // Mid-job: the victim has run the parameters cell of its first job and is in the fine-tuning cell.
    const started = await victim.waitFor(/: start \(attempt 1\)/);
    const killedJob = /(\S+): start/.exec(started.split(': ').slice(1).join(': '))![1];
    await victim.waitFor(/\[2\/3\] ok/);
    victim.child.kill('SIGKILL');
    expect(await victim.exited).toBe('SIGKILL');
    expect(await sweep.exited, sweep.stderr()).toBe(0);

    const store = RunStore.open(runsDb);
    const [info] = listSweeps(store);
    const { sweep: recorded, runs } = getSweep(store, info.id)!;
    store.close();
    expect(recorded.status).toBe('done');
    // Every point exactly once, and no other run: the killed job's retry made no second run.
    expect(runs.map((r) => r.point)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(new Set(runs.map((r) => r.id)).size).toBe(6);
    expect(runs.map((r) => r.params)).toEqual([0.001, 0.01, 0.1].flatMap((lr) => [1, 2].map((trainSeed) => ({ lr, trainSeed }))));
    const retried = runs.find((r) => jobId(info.id, r.point) === killedJob)!;
    expect(retried.attempts).toBeGreaterThanOrEqual(2);
    expect(retried.worker).not.toMatch(new RegExp(`:${victim.child.pid}$`));
    expect(runs.every((r) => r.status === 'ok' && r.series.loss.length === 2 && /^[0-9a-f]{64}$/.test(r.outputSha256!))).toBe(true);
    expect(sweep.stdout()).toContain(`sweep ${info.id}`);

    // The retried point and one other (another lr, another seed) run one after another in this
    // process, as `wb run -p` would: the same curves, number for number. (Two, not six, to keep the
    // test within a few minutes on 2 cores; each point costs a kernel start and a model load.)
    const reference = [retried, runs.find((r) => r.params.lr !== retried.params.lr && r.params.trainSeed !== retried.params.trainSeed)!];
    for (const run of reference) {
      const series: Record<string, MetricPoint[]> = {};
      const result = await runNotebook(parseNotebook(readFileSync(file, 'utf8')), dir, {
        params: run.params,
        env: { ...process.env, WB_THREADS: '1' },
        log: () => undefined,
        onMetric: (name, value, step) => (series[name] ??= []).push({ step, value }),
      });
      expect(result.ok).toBe(true);
      expect(run.series).toEqual(series);
      expect(run.seeds).toEqual(result.run.seeds);
    }
    // Different points, different curves: the comparison above is not between constants.
    expect(new Set(runs.map((r) => JSON.stringify(r.series.loss))).size).toBe(6);
  });

  it('loses nothing to a Redis restart, reports a point that fails 3 times, and finishes the others', { timeout: 180_000 }, async () => {
    notebook('double.ipynb', 'const x = 1;', "if (x === 3) throw new Error('x = 3 is not allowed');\nawait new Promise((r) => setTimeout(r, 200));\nlogMetric('double', 2 * x);");
    writeFileSync(join(dir, 'double.yaml'), 'notebook: double.ipynb\ngrid:\n  x: [1, 2, 3, 4, 5, 6]\nmetric: double\n');
    while (workers.filter((w) => w.child.exitCode === null).length < 2) await startWorker();
    const sweep = spawnWb(['sweep', join(dir, 'double.yaml'), '--redis', redis.url], env);
    await sweep.waitFor(/point \d done/);
    await redis.restart();
    expect(await sweep.exited, sweep.stderr()).toBe(1);

    const store = RunStore.open(runsDb);
    const id = listSweeps(store)[0].id;
    const { runs } = getSweep(store, id)!;
    store.close();
    expect(runs.map((r) => r.point)).toEqual([0, 1, 2, 3, 4, 5]);
    const failed = runs[2];
    expect(failed).toMatchObject({ status: 'error', attempts: 3, params: { x: 3 } });
    expect(failed.error).toContain('x = 3 is not allowed');
    expect(runs.filter((r) => r.status === 'ok').map((r) => r.metrics.double.value)).toEqual([2, 4, 8, 10, 12]);
    expect(sweep.stderr()).toMatch(/point 2 failed 3 times: cell 3 failed: Error: x = 3 is not allowed/);
  });

  it('wb embed --queue: shards on the workers, assembled byte for byte as wb embed writes it', { timeout: 180_000 }, async () => {
    const input = join(dir, 'texts.jsonl');
    const texts = ['the bank of the river', 'a bank loan', 'bats fly at night', 'he swung the bat', 'plain text', 'one more', 'and another line', ''];
    writeFileSync(input, texts.map((text, i) => (text ? JSON.stringify(i % 3 === 0 ? { text, text_pair: 'a pair' } : { text }) : '')).join('\n') + '\n');
    const model = sharedPath('fixtures', 'tiny-bert');
    const common = ['embed', '--model', model, '--input', input, '--batch-size', '2'];
    const unsharded = spawnWb([...common, '--output', join(dir, 'whole.jsonl')], env);
    const sharded = spawnWb([...common, '--output', join(dir, 'sharded.jsonl'), '--queue', '--redis', redis.url, '--shard-size', '3'], env);
    expect(await unsharded.exited, unsharded.stderr()).toBe(0);
    expect(await sharded.exited, sharded.stderr()).toBe(0);
    // 7 records in shards of 4 (3 rounded up to whole batches of 2): 2 jobs.
    expect(sharded.stderr()).toContain('7 records in 2 shards of up to 4');
    const whole = readFileSync(join(dir, 'whole.jsonl'));
    expect(whole.toString().split('\n').length).toBe(8);
    expect(readFileSync(join(dir, 'sharded.jsonl')).equals(whole)).toBe(true);
  });

  it('Ctrl-C on wb sweep removes the jobs it queued that have not started', { timeout: 120_000 }, async () => {
    notebook('slow.ipynb', 'const x = 1;', "await new Promise((r) => setTimeout(r, 1500));\nlogMetric('x', x);");
    writeFileSync(join(dir, 'slow.yaml'), 'notebook: slow.ipynb\ngrid:\n  x: [1, 2, 3, 4, 5, 6, 7, 8]\nmetric: x\n');
    const sweep = spawnWb(['sweep', join(dir, 'slow.yaml'), '--redis', redis.url], env);
    await sweep.waitFor(/queued 8 jobs/);
    sweep.child.kill('SIGINT');
    expect(await sweep.exited).toBe(130);
    const store = RunStore.open(runsDb);
    const info = listSweeps(store)[0];
    store.close();
    expect(info.status).toBe('cancelled');
    const removed = Number(/removed (\d+) queued job/.exec(sweep.stderr())![1]);
    // At most one job per worker had started; every other job is gone from Redis.
    expect(removed).toBeGreaterThanOrEqual(8 - workers.filter((w) => w.child.exitCode === null).length);
    const connection = redisConnection(redis.url);
    const queue = new Queue(QUEUE_NAME, { connection });
    const left = await Promise.all(Array.from({ length: 8 }, (_, p) => queue.getJob(jobId(info.id, p))));
    expect(left.filter(Boolean).length).toBe(8 - removed);
    await queue.close();
    connection.disconnect();
  });
});
