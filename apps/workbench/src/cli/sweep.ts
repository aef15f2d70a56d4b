/**
 * `wb sweep SPEC.yaml` and `wb worker`: sweeps on BullMQ + Redis (src/sweep/), loaded when one of
 * them runs (every `wb` command starts faster without BullMQ).
 */
import { Command } from 'commander';
import { positiveInt } from './args.js';

const REDIS_HELP = 'Redis to queue on, redis://host:port[/db] (default $WB_REDIS_URL)';

export function sweepCommands(): Command[] {
  const sweep = new Command('sweep')
    .description('Run a notebook, or a `wb finetune`/`wb eval` command, over a grid or random search of parameters (and seeds) on `wb worker`s; results go to this machine\'s run history')
    .argument('<spec>', 'YAML spec: notebook or command, grid or random, seeds, seed_param, metric')
    .option('--redis <url>', REDIS_HELP)
    .action(async (spec: string, opts: { redis?: string }) => {
      const { sweepCommand } = await import('../sweep/sweep.js');
      process.exitCode = await sweepCommand(spec, { redis: opts.redis ?? process.env.WB_REDIS_URL });
    });
  const worker = new Command('worker')
    .description('Run sweep jobs from Redis on this machine until Ctrl-C (the project and its data must be here too)')
    .option('--redis <url>', REDIS_HELP)
    .option('--concurrency <n>', 'jobs at once', positiveInt, 1)
    .option('--lock-ms <ms>', 'a job whose worker stops renewing its lock this long is retried elsewhere', positiveInt, 30_000)
    .action(async (opts: { redis?: string; concurrency: number; lockMs: number }) => {
      const { workerCommand } = await import('../sweep/worker.js');
      await workerCommand({ redis: opts.redis ?? process.env.WB_REDIS_URL, concurrency: opts.concurrency, lockMs: opts.lockMs });
    });
  return [sweep, worker];
}
