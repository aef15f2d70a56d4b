/**
 * Waits for a batch of jobs that this process queued, polling their state rather than trusting
 * events (which Redis does not keep): after a Redis restart every finished job is found again, and
 * a job the restart lost is queued again under the same id (so a job still there is not added
 * twice). The caller's `completed` must tolerate seeing a point twice; `wb sweep` records a point
 * once. Ctrl-C (SIGINT/SIGTERM) removes the jobs not yet started.
 */
import type { Job, Queue } from 'bullmq';
import { ATTEMPTS, jobId } from './queue.js';

export interface CollectOptions<R> {
  batch: string;
  points: number;
  /** Queues (or re-queues) one point. */
  add: (point: number) => Promise<unknown>;
  completed: (point: number, result: R) => void;
  /** A point that failed every attempt. */
  failed: (point: number, job: Job) => void;
  say: (line: string) => void;
  pollMs?: number;
}

/** Resolves with 'done', or 'cancelled' after Ctrl-C (the queued jobs removed). */
export async function collectJobs<R>(queue: Queue, options: CollectOptions<R>): Promise<'done' | 'cancelled'> {
  let cancelled = false;
  const cancel = () => {
    cancelled = true;
  };
  process.once('SIGINT', cancel);
  process.once('SIGTERM', cancel);
  const pending = new Set(Array.from({ length: options.points }, (_, i) => i));
  try {
    for (const point of pending) await options.add(point);
    options.say(`queued ${options.points} job${options.points === 1 ? '' : 's'}`);
    let redisDown = false;
    while (pending.size > 0 && !cancelled) {
      try {
        for (const point of [...pending]) {
          const job = await queue.getJob(jobId(options.batch, point));
          if (!job) {
            options.say(`job ${point}: not in Redis any more; queued again`);
            await options.add(point);
            continue;
          }
          const state = await job.getState();
          if (state === 'completed' && job.returnvalue) {
            pending.delete(point);
            options.completed(point, job.returnvalue as R);
          } else if (state === 'failed' && job.attemptsMade >= ATTEMPTS) {
            pending.delete(point);
            options.failed(point, job);
          }
        }
        if (redisDown) options.say('Redis is back');
        redisDown = false;
      } catch (e) {
        if (!redisDown) options.say(`Redis: ${(e as Error).message}; waiting for it`);
        redisDown = true;
      }
      if (pending.size > 0 && !cancelled) await new Promise((r) => setTimeout(r, options.pollMs ?? 300));
    }
    if (cancelled) {
      let removed = 0;
      for (const point of pending) {
        const job = await queue.getJob(jobId(options.batch, point));
        // A running job holds its lock and finishes; its result is not used.
        if (job && (await job.getState()) !== 'active') {
          await job.remove();
          removed++;
        }
      }
      options.say(`cancelled: removed ${removed} queued job${removed === 1 ? '' : 's'}; ${pending.size - removed} running will finish unused`);
      return 'cancelled';
    }
    // Every result is with the caller now: the jobs can go.
    for (let point = 0; point < options.points; point++) await (await queue.getJob(jobId(options.batch, point)))?.remove().catch(() => undefined);
    return 'done';
  } finally {
    process.off('SIGINT', cancel);
    process.off('SIGTERM', cancel);
  }
}
