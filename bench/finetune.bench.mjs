// Fine-tuning on every core, two ways, in the same run: `wb finetune sst2` of the shipped bert-mini
// (every layer trains), one epoch of 32 batches of 32, with wasm threads in one process (`--threads`
// = the cores) against one gradient worker beside the main thread (`--workers 1`, each half of every
// batch on one thread), and on one thread as the base; on SST-2's training phrases (about nine words)
// and on its whole training sentences (about nineteen). Prints training inputs/s (the epoch's
// training time, without scoring dev) and the ratios, and checks that the runs' training losses
// agree. Needs the built CLI (`npm run build`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultThreadCount } from '@wb/core/node';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const sst2 = join(process.env.WB_SHARED_DIR ?? join(repo, '..', 'shared'), 'data', 'sst2');
if (!existsSync(join(sst2, 'train-phrases.tsv'))) {
  console.log(JSON.stringify({ bench: 'finetune', skipped: `${sst2}/train-phrases.tsv is missing` }));
  process.exit(0);
}
const cores = defaultThreadCount();
const work = mkdtempSync(join(tmpdir(), 'wb-finetune-bench-'));
const cases = [
  { name: 'one thread', threads: 1, workers: 0 },
  { name: `${cores} wasm threads`, threads: cores, workers: 0 },
  { name: '1 worker + this thread', threads: 1, workers: 1 },
];
let failed = false;
for (const data of ['train-phrases.tsv', 'train.tsv']) {
  const results = {};
  for (const run of cases) {
    const out = join(work, `${data}-${run.name}`.replace(/\W+/g, '-'));
    const args = ['--threads', String(run.threads), 'finetune', 'sst2', '--model', join(repo, 'models', 'bert-mini'), '--train', join(sst2, data), '--dev', join(sst2, 'dev.tsv')];
    args.push('--limit', '1024', '--epochs', '1', '--batch-size', '32', '--lr', '5e-5', '--workers', String(run.workers), '--out', out);
    const child = spawnSync(process.execPath, [join(repo, 'apps', 'workbench', 'bin', 'wb.js'), ...args], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`wb ${args.join(' ')} failed:\n${child.stderr}`);
    const { epochs, train_inputs: inputs } = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    const { train_seconds: seconds, train_loss: loss, accuracy } = epochs[0];
    results[run.name] = { seconds, loss };
    console.log(JSON.stringify({ bench: 'finetune', data, case: run.name, inputs, seconds, inputs_per_s: +(inputs / seconds).toFixed(1), train_loss: +loss.toFixed(6), dev_accuracy: accuracy }));
  }
  const [one, threads, workers] = cases.map((c) => results[c.name]);
  const lossesAgree = Math.abs(one.loss - threads.loss) < 1e-4 && Math.abs(one.loss - workers.loss) < 1e-4;
  failed ||= !lossesAgree;
  console.log(
    JSON.stringify({
      bench: 'finetune',
      data,
      threads_speedup: +(one.seconds / threads.seconds).toFixed(2),
      workers_speedup: +(one.seconds / workers.seconds).toFixed(2),
      workers_vs_threads: +(threads.seconds / workers.seconds).toFixed(2),
      losses_agree: lossesAgree,
    }),
  );
}
rmSync(work, { recursive: true, force: true });
if (failed) process.exit(1);
