// Wall time of one `wb sweep` on 1 and on 3 `wb worker`s on this machine (issue 17), on a
// redis-server of its own: a sweep of `wb finetune sst2` over the tiny-bert fixture, one point per
// learning rate, the same work in every point. Each worker runs with WB_THREADS=1, so that three
// workers run three single-threaded trainings rather than oversubscribing the cores.
// The time runs from the start of `wb sweep` to its exit, with the workers already waiting.
//
//   WB_BENCH_SWEEP_POINTS   points in the sweep (default 6; e.g. 2 for a quick check)
//   WB_BENCH_SWEEP_EXAMPLES training sentences per point (default 512: a few seconds a point)
//
// Prints {"bench":"sweep","workers":1,...} and {"bench":"sweep","workers":3,...,"speedup_vs_1"},
// or {"bench":"sweep","skipped":reason} without redis-server or the shared data.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedPath } from '@wb/workbench/data';
import { hasRedisServer, startRedis } from './lib/redis-server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const wbBin = join(here, '..', 'apps', 'workbench', 'bin', 'wb.js');
const points = positiveInteger('WB_BENCH_SWEEP_POINTS', 6);
const examples = positiveInteger('WB_BENCH_SWEEP_EXAMPLES', 512);
const [epochs, batchSize, maxLength, devExamples] = [2, 16, 64, 64];
const threadsPerWorker = 1;

function positiveInteger(name, fallback) {
  const value = process.env[name] ?? String(fallback);
  if (!/^[1-9]\d*$/.test(value)) throw new Error(`${name}: expected a positive integer, got "${value}"`);
  return Number(value);
}

const model = sharedPath('fixtures', 'tiny-bert');
const sst2 = sharedPath('data', 'sst2', 'train.tsv');
const missing = !hasRedisServer()
  ? 'no redis-server (apt-get install -y redis-server)'
  : [model, sst2].filter((path) => !existsSync(path)).map((path) => `${path} not found (set WB_SHARED_DIR)`)[0];
if (missing) {
  console.log(JSON.stringify({ bench: 'sweep', skipped: missing }));
  process.exit(0);
}
if (!existsSync(join(here, '..', 'apps', 'workbench', 'dist', 'cli', 'main.js'))) throw new Error('apps/workbench is not built: run `npm run build` first');

/** The built `wb` in a child process that ends when this one does (WB_PARENT_PID); its stderr is kept. */
function startWb(args, env) {
  const child = spawn(process.execPath, [wbBin, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env, WB_PARENT_PID: String(process.pid) },
  });
  let stderr = '';
  const listeners = [];
  child.stdout.resume();
  child.stderr.on('data', (chunk) => {
    stderr += chunk.toString();
    for (const listener of listeners) listener(chunk.toString());
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  return {
    child,
    exited,
    stderr: () => stderr,
    onStderr: (listener) => listeners.push(listener),
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => pattern.test(stderr) && resolve();
        listeners.push(check);
        check();
        void exited.then((code) => reject(new Error(`wb ${args[0]} exited (${code}) before printing ${pattern}:\n${stderr}`)));
      }),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'wb-bench-sweep-'));
const env = { WB_RUNS_DB: join(dir, 'runs.sqlite'), WB_THREADS: String(threadsPerWorker) };
const workers = [];
let redis;

async function cleanUp() {
  for (const worker of workers) if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
  await Promise.all(workers.map((worker) => worker.exited));
  workers.length = 0;
  await redis?.stop();
  redis = undefined;
  rmSync(dir, { recursive: true, force: true });
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
}

/** `count` fresh workers (any others stopped first), each waiting for jobs. */
async function useWorkers(count) {
  for (const worker of workers) worker.child.kill('SIGKILL');
  await Promise.all(workers.map((worker) => worker.exited));
  workers.length = 0;
  for (let i = 0; i < count; i++) workers.push(startWb(['worker', '--redis', redis.url], env));
  await Promise.all(workers.map((worker) => worker.waitFor(/waiting for jobs/)));
}

/** Runs the spec's sweep on the workers there are; resolves with its wall time in seconds. */
async function timeSweep(spec) {
  const started = performance.now();
  const sweep = startWb(['sweep', spec, '--redis', redis.url], env);
  let partial = ''; // its progress, whole lines at a time, as comments
  sweep.onStderr((text) => {
    const lines = (partial + text).split('\n');
    partial = lines.pop();
    for (const line of lines) process.stderr.write(`# ${line}\n`);
  });
  // A worker that dies would leave the sweep waiting for ever: fail instead.
  const workerDied = Promise.race(workers.map((worker) => worker.exited.then((code) => ({ worker, code }))));
  const outcome = await Promise.race([sweep.exited.then((code) => ({ code })), workerDied]);
  const seconds = (performance.now() - started) / 1000;
  if (outcome.worker) {
    sweep.child.kill('SIGKILL');
    throw new Error(`a worker exited (${outcome.code}) during the sweep:\n${outcome.worker.stderr()}`);
  }
  if (outcome.code !== 0) throw new Error(`wb sweep exited with ${outcome.code}:\n${sweep.stderr()}`);
  return seconds;
}

function writeSpec(name, learningRates) {
  const command = ['finetune', 'sst2', '--model', model, '--train', 'train.tsv', '--dev', 'dev.tsv', '--epochs', epochs, '--batch-size', batchSize, '--max-length', maxLength, '--seed', 1, '--out', '{out}'];
  const file = join(dir, name);
  writeFileSync(file, `command: ${command.join(' ')}\ngrid:\n  lr: [${learningRates.join(', ')}]\nmetric: best.accuracy\n`);
  return file;
}

try {
  const lines = readFileSync(sst2, 'utf8').split('\n').filter(Boolean);
  if (lines.length < examples + devExamples) throw new Error(`${sst2}: ${lines.length} sentences, the benchmark needs ${examples + devExamples}`);
  writeFileSync(join(dir, 'train.tsv'), lines.slice(0, examples).join('\n') + '\n');
  writeFileSync(join(dir, 'dev.tsv'), lines.slice(examples, examples + devExamples).join('\n') + '\n');
  // Every point does the same work; only the learning rate differs.
  const learningRates = Array.from({ length: points }, (_, i) => +(1e-4 * 2 ** i).toPrecision(3));
  const spec = writeSpec('sweep.yaml', learningRates);

  redis = await startRedis();
  await useWorkers(1);
  // One untimed point first, so that neither timed sweep pays for a cold disk cache.
  await timeSweep(writeSpec('warm-up.yaml', [1e-3]));

  const common = {
    bench: 'sweep',
    case: `wb finetune sst2, tiny-bert, ${examples} sentences x ${epochs} epochs, batch ${batchSize}, max length ${maxLength}`,
    points,
    threads_per_worker: threadsPerWorker,
    note: `each worker runs with WB_THREADS=${threadsPerWorker}`,
    cores: availableParallelism(),
  };
  const one = await timeSweep(spec);
  console.log(JSON.stringify({ ...common, workers: 1, seconds: +one.toFixed(2), seconds_per_point: +(one / points).toFixed(2) }));
  await useWorkers(3);
  const three = await timeSweep(spec);
  console.log(JSON.stringify({ ...common, workers: 3, seconds: +three.toFixed(2), speedup_vs_1: +(one / three).toFixed(2) }));
} finally {
  await cleanUp();
}
