// Runs a PyTorch peer script (bench/peers/torch_*.py) with a python that has torch: $WB_PYTHON,
// else python3 on PATH, else Debian's /usr/bin/python3 (where `apt-get install python3-torch`
// puts it). Without one, the peer is reported as skipped, never as an error.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
let python;

function torchPython() {
  if (python !== undefined) return python;
  const candidates = [process.env.WB_PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean);
  python = candidates.find((candidate) => spawnSync(candidate, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) ?? null;
  return python;
}

/**
 * The JSON line a peer script prints for `settings` (threads among them), or { skipped: reason }.
 * BLAS and OpenMP pools get the same thread count, so that torch runs on as many threads as ours.
 */
export function runTorchPeer(script, settings) {
  const interpreter = torchPython();
  if (!interpreter) return { skipped: 'no python3 with torch (apt-get install -y python3-torch, or set WB_PYTHON)' };
  const threads = String(settings.threads);
  const result = spawnSync(interpreter, [join(here, script), JSON.stringify(settings)], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: threads, OPENBLAS_NUM_THREADS: threads, MKL_NUM_THREADS: threads },
    maxBuffer: 1 << 20,
  });
  if (result.status !== 0) {
    const why = (result.stderr || result.error?.message || '').trim().split('\n').at(-1);
    return { skipped: `${script} failed (${interpreter}): ${why}` };
  }
  return JSON.parse(result.stdout.trim().split('\n').at(-1));
}

/** a / b to two decimals, or undefined when either is missing. */
export function ratio(a, b) {
  return a && b ? +(a / b).toFixed(2) : undefined;
}
