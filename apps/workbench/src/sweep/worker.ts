/**
 * `wb worker --redis URL [--concurrency N]`: runs the jobs of `wb sweep` on this machine. A job
 * runs its `wb finetune`/`wb eval` command as a child process (`command-job.ts`), or its notebook
 * in a fresh Node kernel (a child process, so that seeds and state never leak
 * from one point into the next) and hands back, as the job's result in Redis, everything the
 * submitting machine records: metrics by step, the run record (seeds, versions, input hashes,
 * hub commits) and the sha256 of the outputs. The worker writes nothing to a run history itself:
 * a job run twice (its first worker died) is then recorded once, by the submitter.
 *
 * Shards of `wb embed --queue` run in the worker's own process, each model loaded once and kept.
 *
 * A worker that dies mid-job stops renewing the job's lock; another worker's stalled-job check
 * puts the job back in the queue after `lockMs`.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname } from 'node:path';
import { Worker, type Job } from 'bullmq';
import { runNotebook } from '../notebook/execute.js';
import { parseNotebook } from '../notebook/io.js';
import type { MetricPoint } from '../runs/types.js';
import type { PointResult } from '../runs/sweeps.js';
import { runCommandJob } from './command-job.js';
import { runEmbedJob, type ShardResult } from './embed-job.js';
import { QUEUE_NAME, redisConnection, type JobData, type NotebookJob } from './queue.js';

export interface WorkerOptions {
  redis?: string;
  concurrency: number;
  /** How long a job's lock lasts without renewal: a dead worker's job is retried after this. */
  lockMs: number;
}

const workerName = `${hostname()}:${process.pid}`;

/** sha256 of every code cell's outputs, in order: equal outputs, equal hash, whichever worker ran them. */
function outputsHash(cells: Array<{ cell_type: string; outputs?: unknown }>): string {
  const hash = createHash('sha256');
  for (const cell of cells) if (cell.cell_type === 'code') hash.update(JSON.stringify(cell.outputs ?? []) + '\n');
  return hash.digest('hex');
}

async function runNotebookJob(job: Job<JobData>, data: NotebookJob, log: (line: string) => void): Promise<PointResult> {
  const notebook = parseNotebook(data.source, data.notebook);
  const series: Record<string, MetricPoint[]> = {};
  const started = new Date().toISOString();
  const cwd = existsSync(dirname(data.notebook)) ? dirname(data.notebook) : tmpdir();
  const result = await runNotebook(notebook, cwd, {
    params: data.params,
    log: (line) => log(`${job.id}: ${line}`),
    onMetric: (name, value, step) => {
      const points = (series[name] ??= []);
      const same = points.findIndex((p) => p.step === step);
      if (same >= 0) points[same] = { step, value };
      else points.push({ step, value });
    },
  });
  const failure = result.ok ? undefined : result.error?.output_type === 'error' ? `${result.error.ename}: ${result.error.evalue}` : 'a cell failed';
  // A failing cell fails the job, so that BullMQ retries it; the last attempt's error is reported.
  if (failure) throw new Error(`cell ${result.failedCell! + 1} failed: ${failure}`);
  return {
    point: data.point,
    params: data.params,
    started,
    finished: new Date().toISOString(),
    ok: true,
    run: result.run,
    series,
    worker: workerName,
    attempts: job.attemptsStarted,
    outputSha256: outputsHash(result.notebook.cells),
  };
}

/** Starts a worker; resolves when it has closed (SIGINT/SIGTERM: finish the running jobs, then stop). */
export async function workerCommand(options: WorkerOptions): Promise<void> {
  const log = (line: string) => process.stderr.write(`wb worker ${workerName}: ${line}\n`);
  const connection = redisConnection(options.redis);
  const worker = new Worker<JobData, PointResult | ShardResult>(
    QUEUE_NAME,
    async (job) => {
      log(`${job.id}: start (attempt ${job.attemptsStarted})`);
      if (job.data.kind === 'notebook') return runNotebookJob(job, job.data, log);
      if (job.data.kind === 'command') return runCommandJob(job.data, { worker: workerName, attempts: job.attemptsStarted });
      return runEmbedJob(job.data, workerName);
    },
    {
      connection,
      concurrency: options.concurrency,
      lockDuration: options.lockMs,
      stalledInterval: Math.max(500, Math.floor(options.lockMs / 2)),
      maxStalledCount: 2,
    },
  );
  worker.on('completed', (job) => log(`${job.id}: done`));
  worker.on('failed', (job, error) => log(`${job?.id}: failed: ${error.message}`));
  worker.on('error', (error) => log(`Redis: ${error.message}`));
  await worker.waitUntilReady();
  log(`waiting for jobs on ${QUEUE_NAME} (concurrency ${options.concurrency})`);
  await new Promise<void>((resolveClosed) => {
    const stop = () => {
      log('stopping after the running jobs');
      void worker.close().then(() => {
        connection.disconnect();
        resolveClosed();
      });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
