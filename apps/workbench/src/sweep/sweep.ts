/**
 * `wb sweep SPEC.yaml --redis URL`: queues one BullMQ job per point of the spec (`spec.ts`: a
 * notebook, or a `wb finetune`/`wb eval` command), records
 * each result in this machine's run history as it arrives (`runs/sweeps.ts`: one run per point,
 * however often a result is seen), streams progress, and prints a table of the results.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Queue } from 'bullmq';
import { formatNumber } from '../runs/compare.js';
import { notebookKey, runsDatabaseFor } from '../runs/location.js';
import { RunStore } from '../runs/store.js';
import { sweepTable } from '../runs/sweep-table.js';
import { createSweep, finishSweep, getSweep, recordPoint, type PointResult } from '../runs/sweeps.js';
import { collectJobs } from './collect.js';
import type { CommandJob } from './command-job.js';
import { ATTEMPTS, jobId, QUEUE_NAME, redisConnection, type NotebookJob } from './queue.js';
import { readSweepSpec, type SweepSpec } from './spec.js';

export interface SweepOptions {
  redis?: string;
}

export const newBatchId = (prefix: string): string => `${prefix}${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}${Math.random().toString(36).slice(2, 6)}`;

/**
 * What each point runs, and where its runs go in the history: a notebook under its own name, a
 * command under `wb finetune sst2 …`, in the run history of the notebook's (or the spec's) folder.
 */
function sweepTarget(spec: SweepSpec) {
  if (spec.command) {
    const command = spec.command;
    return {
      location: runsDatabaseFor(spec.folder),
      key: () => `wb ${command.join(' ')}`,
      job: (sweep: string, point: number): CommandJob => ({ kind: 'command', sweep, point, args: command, folder: spec.folder, params: spec.points[point] }),
    };
  }
  const notebook = spec.notebook!;
  const source = readFileSync(notebook, 'utf8');
  const location = runsDatabaseFor(dirname(notebook));
  return {
    location,
    key: () => notebookKey(location, notebook),
    job: (sweep: string, point: number): NotebookJob => ({ kind: 'notebook', sweep, point, notebook, source, params: spec.points[point] }),
  };
}

/** Returns the exit code: 0 when every point ran, 1 when some failed, 130 on Ctrl-C. */
export async function sweepCommand(specFile: string, options: SweepOptions): Promise<number> {
  const spec = readSweepSpec(specFile);
  const target = sweepTarget(spec);
  const location = target.location;
  const notebook = target.key();
  const connection = redisConnection(options.redis);
  const store = RunStore.open(location.file);
  const id = newBatchId('sw');
  const queue = new Queue<NotebookJob | CommandJob, PointResult>(QUEUE_NAME, { connection });
  const say = (line: string) => process.stderr.write(`wb sweep ${id}: ${line}\n`);
  // Connection errors (a Redis restart) are retried; polling says when Redis is away.
  queue.on('error', () => undefined);
  let done = 0;
  let failures = 0;
  try {
    createSweep(store, { id, spec: spec.source, metric: spec.metric, points: spec.points.length });
    say(`queueing ${spec.points.length} points of ${notebook} on ${QUEUE_NAME}; history ${location.file}`);
    const outcome = await collectJobs<PointResult>(queue, {
      batch: id,
      points: spec.points.length,
      add: (point) =>
        queue.add(
          `point ${point}`,
          target.job(id, point),
          { jobId: jobId(id, point), attempts: ATTEMPTS, backoff: { type: 'fixed', delay: 500 } },
        ),
      completed: (point, result) => {
        const runId = recordPoint(store, id, notebook, result);
        const value = result.series[spec.metric]?.at(-1)?.value;
        say(`point ${point} done${runId ? ` (run ${runId})` : ''}: ${spec.metric}=${value === undefined ? '—' : formatNumber(value)} [${++done}/${spec.points.length}]`);
      },
      failed: (point, job) => {
        const at = (ms: number | undefined) => new Date(ms ?? Date.now()).toISOString();
        recordPoint(store, id, notebook, {
          point,
          params: spec.points[point],
          started: at(job.processedOn),
          finished: at(job.finishedOn),
          ok: false,
          error: { output_type: 'error', ename: 'Error', evalue: job.failedReason, traceback: [] },
          series: {},
          worker: null,
          attempts: job.attemptsMade,
          outputSha256: null,
        });
        failures++;
        say(`point ${point} failed ${job.attemptsMade} times: ${job.failedReason} [${++done}/${spec.points.length}]`);
      },
      say,
    });
    finishSweep(store, id, outcome);
    if (outcome === 'cancelled') return 130;
    process.stdout.write(`sweep ${id}\n` + sweepTable(getSweep(store, id)!.runs, spec.metric, spec.goal));
    return failures > 0 ? 1 : 0;
  } finally {
    await queue.close();
    connection.disconnect();
    store.close();
  }
}
