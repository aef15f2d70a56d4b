/**
 * What every resumable training command (`wb pretrain bert|elmo|gpt`, `wb distill`) shares: the
 * `--checkpoint-every/--resume/--force` options, the `--out` check, a progress bar, and the summary
 * printed as JSON when the run finishes.
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { StepRecord } from '@wb/core/node';
import { nonNegativeInt, nonNegativeNumber, oneOf, positiveInt, positiveNumber } from './args.js';
import { ProgressBar } from './progress.js';

export const maskReplacement = oneOf('bert', 'mask');
export const MASK_REPLACEMENT_HELP = 'bert: 80% [MASK] / 10% random / 10% kept; mask: always [MASK]';
export const WORKERS_HELP =
  'worker threads that compute micro-batches of each update beside this one (data parallelism; needs --accumulation of at least n + 1; ' +
  'each runs --threads wasm threads, which default to the cores divided among the n + 1); the weights are the same with any n';
const STEPS_HELP = 'updates (with --resume it may change: the learning rate then follows the new total, and training.json says so)';

/** The trainer's defaults for the schedule options (`weightDecay` only where the trainer decays weights). */
interface ScheduleDefaults {
  steps: number;
  lr: number;
  warmup: number;
  weightDecay?: number;
  maxGradNorm: number;
}

/**
 * `--out` must be new, or empty, unless the run continues (`--resume`) or replaces (`--force`) what
 * is there: a training run's folder holds hours of work, and a typo in a second command's `--out`
 * would otherwise overwrite it without a word.
 */
export function checkOutFolder(out: string, options: { resume?: boolean; force?: boolean }): void {
  // Starting over: the old run's training state must not be resumed by a later --resume.
  if (options.force && !options.resume) rmSync(join(out, 'train-state'), { recursive: true, force: true });
  if (options.resume || options.force || !existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new Error(`--out ${out} is a file, not a folder`);
  const entries = readdirSync(out);
  if (entries.length === 0) return;
  throw new Error(
    `--out ${out} already exists and holds ${entries.slice(0, 4).join(', ')}${entries.length > 4 ? ', ...' : ''}; ` +
      'pass --resume to continue its run, --force to start over and overwrite it, or choose another --out',
  );
}

/** Log lines on stderr and a progress bar for `wb <command>`. */
export function progress(command: string) {
  let bar: ProgressBar | undefined;
  let tokens = 0;
  const started = performance.now();
  return {
    onLog: (message: string) => process.stderr.write(`wb ${command}: ${message}\n`),
    onStep: (record: StepRecord, total: number) => {
      bar ??= new ProgressBar(total - record.step + 1, command, 'steps');
      tokens += record.tokens;
      const tokensPerSecond = tokens / ((performance.now() - started) / 1000);
      const parts = Object.entries(record.parts)
        .map(([k, v]) => `${k} ${v.toFixed(3)}`)
        .join(' ');
      bar.tick(
        1,
        `step ${record.step} loss ${record.loss.toFixed(3)}${parts ? ` (${parts})` : ''} lr ${record.learningRate.toExponential(2)} ${tokensPerSecond.toFixed(0)} tok/s`,
      );
    },
  };
}

type Train = (
  out: string,
  settings: never,
  hooks: { resume?: boolean; checkpointEvery: number } & ReturnType<typeof progress>,
) => Promise<{ summary?: unknown }>;

/**
 * Adds the options every run shares to `command` (`--steps --lr --warmup [--weight-decay]
 * --max-grad-norm` with the trainer's defaults, `--checkpoint-every --resume --force`) and makes
 * `train` its action, named `wb <name>` in logs.
 */
export function asTrainingRun(command: Command, name: string, train: Train, d: ScheduleDefaults): Command {
  command
    .option('--steps <n>', STEPS_HELP, positiveInt, d.steps)
    .option('--lr <x>', 'peak learning rate', positiveNumber, d.lr)
    .option('--warmup <n>', 'linear warmup steps', nonNegativeInt, d.warmup);
  if (d.weightDecay !== undefined) command.option('--weight-decay <x>', 'AdamW weight decay', nonNegativeNumber, d.weightDecay);
  return command
    .option('--max-grad-norm <x>', 'clip gradients to this global norm', nonNegativeNumber, d.maxGradNorm)
    .option('--checkpoint-every <n>', 'save the training state, and the model in --out, every n steps', positiveInt, 50)
    .option('--resume', 'continue from the training state in --out')
    .option('--force', 'overwrite an --out folder that already holds files (without it, such a folder is refused)')
    .action(async (opts) => {
      const { out, resume, force, checkpointEvery, ...settings } = opts;
      checkOutFolder(out, { resume, force });
      const result = await train(out, settings as never, { resume, checkpointEvery, ...progress(name) });
      if (result.summary) process.stdout.write(JSON.stringify(result.summary, null, 2) + '\n');
    });
}
